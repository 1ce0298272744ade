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
  const tree: VectorTree = { root, before: null, after: null, asciiWordBoundaries: new Set() };
  const fail = (reason: string, n: Node): PlanResult => ({ ok: false, reason, pos: n.pos });

  for (const n of walk(root)) {
    if (n.kind === "unsupported") return fail(n.construct, n);
    // Rust and oniguruma treat empty iterations differently; stay exact by not trying.
    if (n.kind === "repeat" && n.max > 1 && first(n.body).nullable) return fail("repetition of something that can match empty", n);
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
  for (const n of walk(root)) {
    if (n.kind !== "wordb" && n.kind !== "look") continue;
    parents = parentsOf(root);
    const why = resolveAssertion(n, parents, tree);
    if (why) return fail(why, n);
  }
  return { ok: true, tree };
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
