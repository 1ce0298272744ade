import type { Node } from "../regex/ast.js";
import { CharSet } from "../regex/charset.js";
import { ASCII } from "../regex/classes.js";
import { constantOver, predicateOf, sides, type Predicate, type Side } from "./assertions.js";
import { atomicAsPlain } from "./atomic.js";
import { after, before, children, first, parentsOf, type Parents } from "./context.js";
import { normalize } from "./normalize.js";

/** A constraint on the character just before (or after) the whole match. */
export interface EdgeConstraint {
  /** Characters allowed there. */
  allowed: CharSet;
  /** Whether the start (end) of the text is allowed too. */
  edge: boolean;
}

/** A tree the Rust engine can run as is, plus constraints on the match's surroundings. */
export interface VectorTree {
  root: Extract<Node, { kind: "seq" }>;
  before: EdgeConstraint | null;
  after: EdgeConstraint | null;
  /** Assertions kept as Rust's ASCII `(?-u:\b)`: nodes in this set. */
  asciiWordBoundaries: Set<Node>;
  /**
   * When assertions inside the pattern's first element test the character before the
   * match: one copy of the root's first `headCount` items per class of that character,
   * each with those assertions decided (see {@link specializeHead}).
   */
  heads: { set: CharSet; edge: boolean; items: Node[] }[] | null;
  headCount: number;
}

export type PlanResult = { ok: true; tree: VectorTree } | { ok: false; reason: string; pos: number };

const EMPTY = (): Node => ({ kind: "seq", items: [], pos: -1 });

/**
 * Rewrites an oniguruma tree into one the Rust regex engine runs with the same matches,
 * or says which construct prevents it. Every rewrite is justified in the code next to it.
 *
 * @example
 * planVectorized(parse("(?<!\\d)x")); // { ok: true, tree: { before: { allowed: non-digits, edge: true }, … } }
 */
export function planVectorized(input: Node): PlanResult {
  const root = normalize(input);
  const tree: VectorTree = { root, before: null, after: null, asciiWordBoundaries: new Set(), heads: null, headCount: 0 };
  const fail = (reason: string, n: Node): PlanResult => ({ ok: false, reason, pos: n.pos });

  for (const n of walk(root)) {
    if (n.kind === "unsupported") return fail(n.construct, n);
    // Resolving a look-around replaces its body, which would drop a group captured inside it.
    if (n.kind === "look" && hasCapture(n.body)) return fail("capture group inside a look-around", n);
    // Rust and oniguruma treat empty iterations differently; stay exact by not trying.
    if (n.kind === "repeat" && n.max > 1 && first(n.body).nullable) return fail("repetition of something that can match empty", n);
  }

  // Oniguruma's `^` matches at the start and after a newline, but not at the very end of a
  // text that ends with one; Rust's `(?m:^)` matches there too. A `^` after which the
  // pattern must consume a character can never stand at the end of the text, so it is
  // exact; one that can stand at the end of the match is left to the exact engine.
  const anchorParents = parentsOf(root);
  for (const n of walk(root)) {
    if (n.kind === "anchor" && n.what === "bol" && after(n, anchorParents).edge) {
      return fail("^ that can stand at the end of the match (oniguruma's ^ never matches after a text's final newline)", n);
    }
  }

  // Atomic groups: decided with every assertion still in place (conservative).
  let parents = parentsOf(root);
  for (const n of walk(root)) {
    if (n.kind !== "atomic") continue;
    const why = atomicAsPlain(n, parents);
    if (why) return fail(why, n);
  }
  for (const n of walk(root)) if (n.kind === "atomic") replace(n, { kind: "group", body: n.body, pos: n.pos });

  // Assertions, one at a time, each resolved against the current tree.
  const deferred: Deferred[] = [];
  for (const n of walk(root)) {
    if (n.kind !== "wordb" && n.kind !== "look") continue;
    parents = parentsOf(root);
    const why = resolveAssertion(n, parents, tree);
    if (!why) continue;
    const d = deferrable(n, parents);
    if (!d) return fail(why, n);
    deferred.push(d);
  }
  if (deferred.length) {
    const why = specializeHead(tree, deferred, parentsOf(root));
    if (why) return fail(why, deferred[0].node);
  }
  return { ok: true, tree };
}

interface Deferred {
  node: Node;
  p: Predicate;
  nexts: Side[];
}

/** An assertion that tests only the character before the match (nothing of the pattern precedes it). */
function deferrable(n: Node, parents: Parents): Deferred | null {
  const prevCtx = before(n, parents);
  if (!prevCtx.set.isEmpty || !prevCtx.edge) return null;
  const nextCtx = after(n, parents);
  const p = predicateOf(n, nextCtx, prevCtx);
  if (!p || p.looks === "next") return null;
  return { node: n, p, nexts: sides(nextCtx) };
}

/**
 * Assertions that sit at the start of the match on some paths only (inside the first
 * element, e.g. IPV4's `(?<![0-9])` in `(?:IPV6|IPV4)`) test the character before the match.
 * Split that character into classes on which each such assertion is decided, and give
 * each class its own copy of the first element with the assertions replaced by their value:
 * `^(?s:.*?)(?:(?:^|[class A])copy A|[class B]copy B)rest`. For a given start the
 * classes are exclusive, so the copies never compete and the search order (leftmost start
 * first, then the pattern's own order) is unchanged.
 */
function specializeHead(tree: VectorTree, deferred: Deferred[], parents: Parents): string | null {
  const items = tree.root.items;
  let headCount = 0;
  for (const d of deferred) {
    let top: Node = d.node;
    while (parents.get(top)?.parent !== tree.root) top = parents.get(top)!.parent;
    headCount = Math.max(headCount, items.indexOf(top) + 1);
  }
  for (const item of items.slice(0, headCount - 1)) if (!first(item).set.isEmpty) return "assertion about the character before the match, after the match's first character";
  let parts: CharSet[] = [CharSet.all];
  for (const d of deferred)
    for (const k of d.p.classes) parts = parts.flatMap((x) => [x.intersect(k), x.minus(k)]).filter((x) => !x.isEmpty);
  const groups = new Map<string, { set: CharSet; edge: boolean; values: boolean[] }>();
  const classes: (CharSet | "edge")[] = [...parts, "edge"];
  for (const k of classes) {
    const values: boolean[] = [];
    for (const d of deferred) {
      const v = constantOver(d.p, [k], d.nexts);
      if (v === undefined) return "assertion about the character before the match that its class does not decide";
      values.push(v);
    }
    // an earlier edge constraint (rule 3) applies to every copy
    if (tree.before && (k === "edge" ? !tree.before.edge : !k.isSubsetOf(tree.before.allowed))) {
      if (k !== "edge" && k.overlaps(tree.before.allowed)) return "assertion about the character before the match that its class does not decide";
      continue;
    }
    const key = values.join();
    const g = groups.get(key) ?? { set: CharSet.empty, edge: false, values };
    if (k === "edge") g.edge = true;
    else g.set = g.set.union(k);
    groups.set(key, g);
  }
  tree.before = null;
  tree.headCount = headCount;
  // The copy that allows the start of the text goes first: at the first start position
  // the search must try "no character before" before "one character before".
  const ordered = [...groups.values()].sort((a, b) => Number(b.edge) - Number(a.edge));
  tree.heads = ordered.map((g) => {
    const subst = new Map<Node, Node>();
    deferred.forEach((d, i) => subst.set(d.node, g.values[i] ? EMPTY() : { kind: "chars", set: CharSet.empty, pos: d.node.pos }));
    return { set: g.set, edge: g.edge, items: items.slice(0, headCount).map((n) => clone(n, subst, tree.asciiWordBoundaries)) };
  });
  return null;
}

/** A deep copy of a tree, with some nodes substituted. */
function clone(n: Node, subst: Map<Node, Node>, ascii: Set<Node>): Node {
  const s = subst.get(n);
  if (s) return s;
  const c = (m: Node) => clone(m, subst, ascii);
  let out: Node;
  switch (n.kind) {
    case "seq":
      out = { ...n, items: n.items.map(c) };
      break;
    case "alt":
      out = { ...n, branches: n.branches.map(c) };
      break;
    case "group":
    case "atomic":
    case "repeat":
    case "look":
      out = { ...n, body: c(n.body) } as Node;
      break;
    default:
      out = { ...n };
  }
  if (ascii.has(n)) ascii.add(out);
  return out;
}

function resolveAssertion(n: Node, parents: Parents, tree: VectorTree): string | null {
  const prevCtx = before(n, parents);
  const nextCtx = after(n, parents);
  const p = predicateOf(n, nextCtx, prevCtx);
  const what = n.kind === "wordb" ? (n.negate ? "\\B" : "\\b") : n.kind === "look" ? lookName(n) : "assertion";
  if (!p) return `${what} that the vectorized engine cannot express`;
  const prevs = sides(prevCtx);
  const nexts = sides(nextCtx);

  // 1. Always true (or always false) given every character that can surround it.
  const constant = constantOver(p, prevs, nexts);
  if (constant === true) return replace(n, EMPTY());
  if (constant === false) return replace(n, { kind: "chars", set: CharSet.empty, pos: n.pos });

  const up = parents.get(n);
  const seq = up?.parent.kind === "seq" ? up.parent : null;
  const index = up?.index ?? -1;

  // 2. Next to a single character in the same sequence: every path into (out of) that
  //    character goes through the assertion, so filtering the character is the same test.
  if (seq) {
    for (const dir of ["next", "prev"] as const) {
      const m = seq.items[dir === "next" ? index + 1 : index - 1];
      if (!m || m.kind !== "chars") continue;
      const allowed = filterBy(p, m.set, dir, dir === "next" ? prevs : nexts);
      if (!allowed) continue;
      m.set = allowed;
      return replace(n, EMPTY());
    }
  }

  // 3. At the very start (end) of the pattern with nothing consumed before (after) it:
  //    the test is on the text just outside the match, checked by the search wrapper.
  const isRootChild = up?.parent === tree.root;
  if (isRootChild && prevCtx.set.isEmpty && prevCtx.edge && p.looks !== "next") {
    const c = edgeConstraint(p, "prev", nexts);
    if (c) {
      tree.before = meet(tree.before, c);
      return replace(n, EMPTY());
    }
  }
  if (isRootChild && nextCtx.set.isEmpty && nextCtx.edge && p.looks !== "prev") {
    const c = edgeConstraint(p, "next", prevs);
    if (c) {
      tree.after = meet(tree.after, c);
      return replace(n, EMPTY());
    }
  }

  // 4. A word boundary between characters that are all ASCII: Rust's ASCII \b agrees.
  if (n.kind === "wordb" && !prevCtx.edge && !nextCtx.edge && prevCtx.set.union(nextCtx.set).isSubsetOf(ASCII)) {
    tree.asciiWordBoundaries.add(n);
    return null;
  }
  return `${what} whose outcome depends on characters the vectorized engine cannot see`;
}

/** The part of `set` for which the predicate holds on side `dir`, if it is decided for each part. */
function filterBy(p: Predicate, set: CharSet, dir: "prev" | "next", others: Side[]): CharSet | null {
  let allowed = CharSet.empty;
  for (const k of p.classes) {
    const part = set.intersect(k);
    if (part.isEmpty) continue;
    const v = dir === "next" ? constantOver(p, others, [part]) : constantOver(p, [part], others);
    if (v === undefined) return null;
    if (v) allowed = allowed.union(part);
  }
  return allowed;
}

function edgeConstraint(p: Predicate, dir: "prev" | "next", others: Side[]): EdgeConstraint | null {
  const allowed = filterBy(p, CharSet.all, dir, others);
  if (!allowed) return null;
  const e = dir === "next" ? constantOver(p, others, ["edge"]) : constantOver(p, ["edge"], others);
  if (e === undefined) return null;
  return { allowed, edge: e };
}

function meet(a: EdgeConstraint | null, b: EdgeConstraint): EdgeConstraint {
  return a ? { allowed: a.allowed.intersect(b.allowed), edge: a.edge && b.edge } : b;
}

function lookName(n: Extract<Node, { kind: "look" }>): string {
  return `look-${n.behind ? "behind" : "ahead"} (?${n.behind ? "<" : ""}${n.negate ? "!" : "="}…)`;
}

/** Replaces a node's contents in place (its parent keeps pointing at it). */
function replace(n: Node, by: Node): null {
  for (const k of Object.keys(n)) delete (n as unknown as Record<string, unknown>)[k];
  Object.assign(n, by);
  return null;
}

/** Nodes in pre-order (look-around bodies excluded: they are not matched in place). */
function* walk(n: Node): Generator<Node> {
  yield n;
  if (n.kind === "look") return;
  for (const c of children(n)) yield* walk(c);
}

/** Whether a capturing group (a grok field or a plain `(…)`) sits anywhere in the tree. */
function hasCapture(n: Node): boolean {
  if (n.kind === "group" && (n.field || n.capture)) return true;
  return children(n).some(hasCapture);
}
