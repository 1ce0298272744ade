import { children, type Node } from "../regex/ast.js";
import { CharSet } from "../regex/charset.js";

export { children };

/**
 * What a node can consume first (or last): a superset of the characters, whether it can
 * match the empty string, and whether it can do so without passing any assertion ("clean").
 */
export interface Edge {
  set: CharSet;
  nullable: boolean;
  clean: boolean;
}

const ZERO_WIDTH: Edge = { set: CharSet.empty, nullable: true, clean: false };

/**
 * The first characters a node can consume.
 *
 * @example
 * first(parse("a?b")).set; // {a, b}
 */
export function first(n: Node): Edge {
  return edge(n, "first");
}

/**
 * The last characters a node can consume (mirror of {@link first}).
 *
 * @example
 * last(parse("ab?")).set; // {a, b}
 */
export function last(n: Node): Edge {
  return edge(n, "last");
}

function edge(n: Node, side: "first" | "last"): Edge {
  switch (n.kind) {
    case "chars":
      return { set: n.set, nullable: false, clean: false };
    case "seq": {
      const items = side === "first" ? n.items : [...n.items].reverse();
      let set = CharSet.empty;
      let clean = true;
      for (const item of items) {
        const e = edge(item, side);
        set = set.union(e.set);
        clean &&= e.clean;
        if (!e.nullable) return { set, nullable: false, clean: false };
      }
      return { set, nullable: true, clean };
    }
    case "alt": {
      const es = n.branches.map((b) => edge(b, side));
      return {
        set: es.reduce((s, e) => s.union(e.set), CharSet.empty),
        nullable: es.some((e) => e.nullable),
        clean: es.some((e) => e.clean),
      };
    }
    case "group":
    case "atomic":
      return edge(n.body, side);
    case "repeat": {
      if (n.max === 0) return { set: CharSet.empty, nullable: true, clean: true };
      const e = edge(n.body, side);
      return { set: e.set, nullable: n.min === 0 || e.nullable, clean: n.min === 0 || e.clean };
    }
    case "anchor":
    case "wordb":
    case "look":
      return ZERO_WIDTH;
    case "unsupported":
      return { set: CharSet.all, nullable: true, clean: false };
  }
}

/** The surroundings of a position in the pattern. */
export interface Context {
  /** Characters that can be consumed next (after) or were consumed just before (before). */
  set: CharSet;
  /** The position can be the end (after) or the start (before) of the whole match. */
  edge: boolean;
  /** ...and reach it through a path without assertions. */
  clean: boolean;
}

export type Parents = Map<Node, { parent: Node; index: number }>;

/**
 * Records each node's parent, for walking up from a node to its context.
 *
 * @example
 * const parents = parentsOf(parse("a(b)c"));
 * after(bNode, parents).set; // {c}
 */
export function parentsOf(root: Node): Parents {
  const parents: Parents = new Map();
  const walk = (n: Node) => {
    const kids = children(n);
    kids.forEach((k, index) => {
      parents.set(k, { parent: n, index });
      walk(k);
    });
  };
  walk(root);
  return parents;
}


/**
 * What can come right after node `n` inside the pattern rooted where `parents` was built.
 *
 * @example
 * after(bNode, parentsOf(parse("a(b)c"))).set; // {c}
 */
export function after(n: Node, parents: Parents): Context {
  return around(n, parents, "after");
}

/**
 * What can come right before node `n` (mirror of {@link after}).
 *
 * @example
 * before(bNode, parentsOf(parse("a(b)c"))).set; // {a}
 */
export function before(n: Node, parents: Parents): Context {
  return around(n, parents, "before");
}

function around(n: Node, parents: Parents, dir: "after" | "before"): Context {
  const up = parents.get(n);
  if (!up) return { set: CharSet.empty, edge: true, clean: true };
  const p = up.parent;
  const side = dir === "after" ? "first" : "last";
  switch (p.kind) {
    case "seq": {
      const rest = dir === "after" ? p.items.slice(up.index + 1) : p.items.slice(0, up.index).reverse();
      let set = CharSet.empty;
      let clean = true;
      for (const item of rest) {
        const e = edge(item, side);
        set = set.union(e.set);
        clean &&= e.clean;
        if (!e.nullable) return { set, edge: false, clean: false };
      }
      const outer = around(p, parents, dir);
      return { set: set.union(outer.set), edge: outer.edge, clean: clean && outer.clean };
    }
    case "repeat": {
      const outer = around(p, parents, dir);
      const again = p.max > 1 ? edge(p.body, side).set : CharSet.empty;
      return { set: outer.set.union(again), edge: outer.edge, clean: outer.clean && p.min <= 1 };
    }
    case "look":
      return { set: CharSet.all, edge: true, clean: false };
    default:
      return around(p, parents, dir);
  }
}

/** Alias of {@link first}, for callers that only look at nullability. */
export const edgeOf = first;
