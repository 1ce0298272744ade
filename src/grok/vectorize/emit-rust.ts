import type { Node } from "../regex/ast.js";
import type { CharSet } from "../regex/charset.js";
import type { EdgeConstraint, VectorTree } from "./plan.js";

/** A regex for Polars (Rust `regex` syntax) and where each field's captures are. */
export interface RustRegex {
  /** Matches the whole line: `^(?s:.*?)` + pattern + `(?s:.*)\z`; groups are the fields. */
  search: string;
  /** A cheaper regex with the same "does the line match" answer. */
  test: string;
  /** Capture group numbers of each field, in field order (a field may own several copies). */
  groups: Map<string, number[]>;
  /** The pattern alone, `(?:…)`, without what it may have around it in the line (absent when the head is specialized). */
  body?: string;
}

/**
 * Writes a planned tree as Rust regex text. Every character set is written out as explicit
 * code point ranges, so Rust's own (different) Unicode tables for `\w`, `\d`, `\s` never apply.
 *
 * With `within`, every set (the text around the match included) is first intersected with
 * it: `emitRust(tree, ASCII)` is a much smaller regex whose `search` matches exactly the
 * pure-ASCII lines that `emitRust(tree).search` matches, with the same captures. On such a
 * line every character the regex consumes is ASCII, so a class matches it iff its ASCII
 * part does, and the regex accepts the same paths in the same order; on a line with any
 * other character it fails, since `search` consumes the whole line.
 *
 * @example
 * emitRust(plan).search; // "^(?s:.)*?(?:(\x{3d}...))(?s:.)*\z"
 * emitRust(plan, ASCII).search; // "^[\x{0}-\x{7f}]*?(?:(\x{3d}...))[\x{0}-\x{7f}]*\z"
 */
export function emitRust(tree: VectorTree, within: CharSet | null = null): RustRegex {
  const charClass = (set: CharSet) => writeClass(within ? set.intersect(within) : set);
  const any = within ? writeClass(within) : "(?s:.)";
  const edgePart = (c: EdgeConstraint | null, side: "before" | "after") => writeEdge(c, side, charClass, any);
  const groups = new Map<string, number[]>();
  let next = 1;
  const emit = (n: Node): string => {
    switch (n.kind) {
      case "chars":
        return charClass(n.set);
      case "seq":
        return n.items.map(emit).join("");
      case "alt":
        return "(?:" + n.branches.map(emit).join("|") + ")";
      case "group": {
        if (!n.field) return "(?:" + emit(n.body) + ")";
        const g = next++;
        const list = groups.get(n.field.name) ?? [];
        list.push(g);
        groups.set(n.field.name, list);
        return "(" + emit(n.body) + ")";
      }
      case "repeat": {
        const body = n.body.kind === "chars" ? emit(n.body) : "(?:" + emit(n.body) + ")";
        const q =
          n.min === 0 && n.max === Infinity ? "*"
          : n.min === 1 && n.max === Infinity ? "+"
          : n.min === 0 && n.max === 1 ? "?"
          : n.max === Infinity ? `{${n.min},}`
          : n.min === n.max ? `{${n.min}}`
          : `{${n.min},${n.max}}`;
        return body + q + (n.lazy ? "?" : "");
      }
      case "anchor":
        return { bol: "(?m:^)", eol: "(?m:$)", bot: "\\A", eot: "\\z" }[n.what];
      case "wordb":
        if (tree.asciiWordBoundaries.has(n)) return n.negate ? "(?-u:\\B)" : "(?-u:\\b)";
        throw new Error("internal: unresolved word boundary");
      default:
        throw new Error(`internal: ${n.kind} left in a vectorized tree`);
    }
  };
  const suffix = edgePart(tree.after, "after");
  if (tree.heads) {
    const variants = tree.heads.map((h) => {
      const lead = h.edge ? (h.set.isEmpty ? "^" : `(?:^|${charClass(h.set)})`) : charClass(h.set);
      return lead + h.items.map(emit).join("");
    });
    const rest = tree.root.items.slice(tree.headCount).map(emit).join("");
    const search = "^" + any + "*?(?:" + variants.join("|") + ")" + rest + suffix;
    return { search, test: search, groups };
  }
  const body = emit(tree.root);
  const prefix = edgePart(tree.before, "before");
  const search = "^" + prefix + "(?:" + body + ")" + suffix;
  return { search, test: tree.before || tree.after ? search : body, groups, body: "(?:" + body + ")" };
}

function writeEdge(c: EdgeConstraint | null, side: "before" | "after", charClass: (s: CharSet) => string, any: string): string {
  if (side === "before") {
    if (!c) return `${any}*?`;
    return c.edge ? `(?:${any}*?${charClass(c.allowed)})??` : `${any}*?${charClass(c.allowed)}`;
  }
  if (!c) return `${any}*\\z`;
  return c.edge ? `(?:${charClass(c.allowed)}${any}*)?\\z` : `${charClass(c.allowed)}${any}*\\z`;
}

const SURROGATES: [number, number] = [0xd800, 0xdfff];

/**
 * A Rust class for a set of code points (surrogates, which Rust cannot name, left out).
 *
 * @example
 * writeClass(CharSet.range(0x30, 0x39)); // "[0-9]"
 */
export function writeClass(set: CharSet): string {
  const ranges: [number, number][] = [];
  for (const [lo, hi] of set.ranges) {
    if (hi < SURROGATES[0] || lo > SURROGATES[1]) ranges.push([lo, hi]);
    else {
      if (lo < SURROGATES[0]) ranges.push([lo, SURROGATES[0] - 1]);
      if (hi > SURROGATES[1]) ranges.push([SURROGATES[1] + 1, hi]);
    }
  }
  if (ranges.length === 0) return "[^\\x{0}-\\x{10FFFF}]";
  if (ranges.length === 1 && ranges[0][0] === ranges[0][1]) return char(ranges[0][0]);
  if (ranges.length === 2 && ranges[0][0] === 0 && ranges[1][1] === 0x10ffff && ranges[0][1] === SURROGATES[0] - 1 && ranges[1][0] === SURROGATES[1] + 1)
    return "(?s:.)";
  return "[" + ranges.map(([lo, hi]) => (lo === hi ? char(lo) : char(lo) + "-" + char(hi))).join("") + "]";
}

function char(cp: number): string {
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) return String.fromCharCode(cp);
  return `\\x{${cp.toString(16)}}`;
}
