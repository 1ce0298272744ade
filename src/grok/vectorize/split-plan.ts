import { children, type Node } from "../regex/ast.js";
import { CharSet } from "../regex/charset.js";
import type { VectorTree } from "./plan.js";

/**
 * How to cut the fields of a line out by splitting it on one character, for patterns of
 * the shape `lead F0 c·b1 F1 c·b2 F2 … c·bn Fn trail`: fields `Fi` (named captures) between
 * literals, every inner literal starting with the same character `c` and holding no other
 * `c`, and `lead`, `trail` and each `bi` free of `c`. Key-value logs (`ts key=v key=v`) are.
 *
 * A line takes this path when the pattern, anchored at the line's start, matches exactly
 * the whole line (its leftmost-first match is then the whole line, so it is the match the
 * regex engine would report, with every literal at its place). If in that match no field
 * before the last holds a `c`, the line's first n `c` are the literals' own, so the line
 * cut at them gives the fields: token 0 is `lead F0`, token i is `bi Fi` and what follows
 * the n-th `c` is `bn Fn trail`. Fields 1 … n-1 must be unable to hold a `c` (their
 * characters say so). The first field may be able to: then a line whose token 1 starts
 * with `b1` still qualifies when `b1` has a character the first field can never hold,
 * since a first field holding a `c` would put token 1 wholly inside it.
 *
 * @example
 * splitPlan(planOf("%{WORD:a} x=%{INT:b}")); // { separator: " ", lead: "", trail: "", prefixes: ["", "x="], … }
 */
export interface SplitPlan {
  /** The character the line is cut at. */
  separator: string;
  /** Literal text before the first field (no separator in it). */
  lead: string;
  /** Literal text after the last field (no separator in it). */
  trail: string;
  /** Field names, in order. */
  fields: string[];
  /** For each field, the literal text after the separator that precedes it ("" for the first field). */
  prefixes: string[];
  /** Whether token 1 must be checked to start with `prefixes[1]` (the first field can hold the separator). */
  checkFirst: boolean;
  /** Whether the last field can hold the separator (it is then taken from everything after the n-th one). */
  lastHoldsSeparator: boolean;
}

type Piece = { literal: string } | { field: string; body: Node };

/** The pattern's top level as literals and fields, or null when anything else is there. */
function pieces(tree: VectorTree): Piece[] | null {
  if (tree.heads) return null;
  if (tree.before && !tree.before.edge) return null; // the match could never start at the line's start
  if (tree.after && !tree.after.edge) return null; // nor end at its end
  const out: Piece[] = [];
  const visit = (n: Node): boolean => {
    switch (n.kind) {
      case "seq":
        return n.items.every(visit);
      case "chars": {
        const [range, more] = n.set.ranges;
        if (!range || more || range[0] !== range[1]) return false;
        const text = String.fromCodePoint(range[0]);
        const last = out[out.length - 1];
        if (last && "literal" in last) last.literal += text;
        else out.push({ literal: text });
        return true;
      }
      case "group":
        if (n.field) {
          if (hasField(n.body)) return false;
          out.push({ field: n.field.name, body: n.body });
          return true;
        }
        return visit(n.body);
      default:
        return false;
    }
  };
  return visit(tree.root) ? out : null;
}

/** Whether a grok field sits anywhere in the tree. */
function hasField(n: Node): boolean {
  return (n.kind === "group" && n.field !== undefined) || children(n).some(hasField);
}

/** Every character a node can consume (assertions consume none; what the engine cannot see into, anything). */
function consumable(n: Node): CharSet {
  switch (n.kind) {
    case "chars":
      return n.set;
    case "look":
    case "anchor":
    case "wordb":
      return CharSet.empty;
    case "unsupported":
      return CharSet.all;
    default:
      return children(n).reduce((acc, c) => acc.union(consumable(c)), CharSet.empty);
  }
}

/**
 * The split plan of a vectorized tree, or null when its shape does not allow one (see
 * {@link SplitPlan} for the shape and why the cut is exact).
 *
 * @example
 * splitPlan(tree)?.separator; // " " for "%{TIMESTAMP_ISO8601:ts} id=%{WORD:id}"
 */
export function splitPlan(tree: VectorTree): SplitPlan | null {
  const list = pieces(tree);
  if (!list) return null;
  let i = 0;
  const lead = list[0] && "literal" in list[0] ? (i++, list[0].literal) : "";
  const fields: { name: string; body: Node }[] = [];
  const literals: string[] = [];
  while (i < list.length) {
    const f = list[i++];
    if (!("field" in f)) return null;
    fields.push({ name: f.field, body: f.body });
    const next = list[i];
    if (next === undefined) break;
    if (!("literal" in next)) return null; // two fields side by side
    literals.push(next.literal);
    i++;
  }
  const n = fields.length - 1;
  if (n < 1 || new Set(fields.map((f) => f.name)).size !== fields.length) return null;
  const inner = literals.slice(0, n);
  const trail = literals.length > n ? literals[n] : "";
  const separator = inner[0][0];
  const count = (s: string) => [...s].filter((ch) => ch === separator).length;
  if (!inner.every((l) => l[0] === separator && count(l) === 1) || count(lead) > 0 || count(trail) > 0) return null;
  const sep = separator.codePointAt(0)!;
  const holds = fields.map((f) => consumable(f.body).has(sep));
  if (holds.slice(1, n).some(Boolean)) return null;
  const prefixes = ["", ...inner.map((l) => l.slice(1))];
  let checkFirst = false;
  if (holds[0]) {
    const never = [...prefixes[1]].some((ch) => !consumable(fields[0].body).has(ch.codePointAt(0)!));
    if (!never) return null;
    checkFirst = true;
  }
  return { separator, lead, trail, fields: fields.map((f) => f.name), prefixes, checkFirst, lastHoldsSeparator: holds[n] };
}
