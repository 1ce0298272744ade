import type { Node } from "../regex/ast.js";
import { CharSet } from "../regex/charset.js";
import { onigClass } from "../regex/classes.js";
import { first, last, type Context } from "./context.js";

/** One side of an assertion: characters from a set, or the unknown text outside the match. */
export type Side = CharSet | "outside" | "edge";

/**
 * A zero-width assertion as a predicate of the characters around it, for the
 * assertions the vectorized engine can reason about: `\b`, `\B` and look-arounds
 * whose body is one character (or, for negative ones, starts with a character set).
 */
export interface Predicate {
  /** Partition of characters the predicate cannot tell apart within a part. */
  classes: CharSet[];
  /** true / false, or undefined when it depends on which character of the sets. */
  eval(prev: Side, next: Side): boolean | undefined;
  /** Which side it looks at. */
  looks: "prev" | "next" | "both";
}

const inSet = (side: Side, set: CharSet): boolean | undefined => {
  if (side === "edge") return false;
  if (side === "outside") return undefined;
  if (side.isSubsetOf(set)) return true;
  if (!side.overlaps(set)) return false;
  return undefined;
};

/**
 * The predicate of an assertion node, or null when it is not one the engine reasons about.
 *
 * @example
 * predicateOf(parse("\\b"))!.eval(CharSet.of(0x61), CharSet.of(0x20)); // true
 */
export function predicateOf(n: Node, ctxNext: Context, ctxPrev: Context): Predicate | null {
  if (n.kind === "wordb") {
    const W = onigClass("word");
    return {
      classes: [W, W.complement()],
      looks: "both",
      eval(prev, next) {
        const a = inSet(prev, W);
        const b = inSet(next, W);
        if (a === undefined || b === undefined) return undefined;
        return (a !== b) !== n.negate;
      },
    };
  }
  if (n.kind !== "look") return null;
  const single = singleChar(n.body);
  if (single) {
    return {
      classes: [single, single.complement()],
      looks: n.behind ? "prev" : "next",
      eval(prev, next) {
        const v = inSet(n.behind ? prev : next, single);
        return v === undefined ? undefined : v !== n.negate;
      },
    };
  }
  // A longer look-around decided by its first (last) character alone: a negative one
  // is true, a positive one false, when no character around could start (end) its body.
  const edge = n.behind ? last(n.body) : first(n.body);
  const ctx = n.behind ? ctxPrev : ctxNext;
  if (edge.nullable || ctx.edge || edge.set.overlaps(ctx.set)) return null;
  return { classes: [CharSet.all], looks: n.behind ? "prev" : "next", eval: () => n.negate };
}

/** The character set of a one-character pattern (`x`, `[0-9]`, `a|b`, `(?:x)`), else null. */
function singleChar(n: Node): CharSet | null {
  if (n.kind === "chars") return n.set;
  if (n.kind === "group" && !n.field && !n.capture) return singleChar(n.body);
  if (n.kind === "seq" && n.items.length === 1) return singleChar(n.items[0]);
  if (n.kind === "alt") {
    let set = CharSet.empty;
    for (const b of n.branches) {
      const s = singleChar(b);
      if (!s) return null;
      set = set.union(s);
    }
    return set;
  }
  return null;
}

/**
 * The sides a context stands for: its characters, and the outside when it can be the edge.
 *
 * @example
 * sides(after(node, parentsOf(root))); // the characters after `node`, plus the line's end when it can be there
 */
export function sides(ctx: Context): Side[] {
  const out: Side[] = [];
  if (!ctx.set.isEmpty) out.push(ctx.set);
  if (ctx.edge) out.push("outside");
  return out;
}

/**
 * Evaluates a predicate on every combination; a value only when they all agree.
 *
 * @example
 * constantOver(predicateOf(wordBoundary, next, prev)!, sides(prev), sides(next)); // true: \b always holds there
 */
export function constantOver(p: Predicate, prevs: Side[], nexts: Side[]): boolean | undefined {
  let value: boolean | undefined;
  for (const a of prevs.length ? prevs : ["edge" as Side])
    for (const b of nexts.length ? nexts : ["edge" as Side]) {
      const v = p.eval(a, b);
      if (v === undefined || (value !== undefined && v !== value)) return undefined;
      value = v;
    }
  return value;
}
