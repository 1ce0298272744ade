import type { Node } from "../regex/ast.js";

const isZeroWidth = (n: Node) => n.kind === "anchor" || n.kind === "wordb" || n.kind === "look";

/**
 * Returns a copy of the tree with sequences flattened, non-capturing groups inlined
 * into their sequence, and assertions at the edge of a group moved just outside it
 * (`(?<f>\b\w+\b)` → `\b(?<f>\w+)\b`): zero-width, so the match and captures are the same,
 * but the assertion now sits next to what it depends on. The root is always a `seq`.
 *
 * @example
 * normalize(parse("x(?:a(?:b))")); // seq [x, a, b]
 */
export function normalize(root: Node): Extract<Node, { kind: "seq" }> {
  const n = norm(root.kind === "seq" ? root : { kind: "seq", items: [root], pos: root.pos });
  return n as Extract<Node, { kind: "seq" }>;
}

function norm(n: Node): Node {
  switch (n.kind) {
    case "seq":
      return { ...n, items: n.items.flatMap(spread) };
    case "alt":
      return { ...n, branches: n.branches.map(norm) };
    case "group":
    case "atomic": {
      const items = spread(n.body);
      const body: Node = items.length === 1 ? items[0] : { kind: "seq", items, pos: n.body.pos };
      return { ...n, body } as Node;
    }
    case "repeat":
    case "look":
      return { ...n, body: norm(n.body) } as Node;
    default:
      return n;
  }
}

/** The items a sequence element contributes once flattened. */
function spread(item: Node): Node[] {
  const n = norm(item);
  if (n.kind === "seq") return n.items;
  if (n.kind === "group" && !n.field && !n.capture) return n.body.kind === "seq" ? n.body.items : [n.body];
  if ((n.kind === "group" || n.kind === "atomic") && n.body.kind === "seq") {
    const items = n.body.items;
    let lo = 0;
    let hi = items.length;
    while (lo < hi && isZeroWidth(items[lo])) lo++;
    while (hi > lo && isZeroWidth(items[hi - 1])) hi--;
    if (lo === hi || (lo === 0 && hi === items.length)) return [n];
    const inner = items.slice(lo, hi);
    const body: Node = inner.length === 1 ? inner[0] : { kind: "seq", items: inner, pos: n.body.pos };
    return [...items.slice(0, lo), { ...n, body } as Node, ...items.slice(hi)];
  }
  return [n];
}
