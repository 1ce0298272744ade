import type { Node } from "../regex/ast.js";
import { CharSet } from "../regex/charset.js";
import { extensionChars, isDeterministic, isPrefixFree, positionAutomaton } from "./automaton.js";
import { after, children, edgeOf, type Parents } from "./context.js";

/**
 * Decides whether the atomic group `(?>X)` at node `n` may be run as the plain group
 * `(?:X)` without changing any match. Returns null when it may, else why not.
 *
 * It may when one of these holds:
 *  1. X can end at one place only from a given start (its language is prefix-free), so
 *     there is nothing to give back;
 *  2. what follows the group can match the empty string with no assertion in the way,
 *     so the first way X matches is always accepted and never revisited;
 *  3. X always tries its longest match first (deterministic, greedy, nullable
 *     alternatives last) and what follows must start with a character that could
 *     never extend X: giving back characters can then never help.
 *
 * @example
 * atomicAsPlain(nodeOf("(?>\\d\\d)"), parents); // null: fixed length
 */
export function atomicAsPlain(n: Extract<Node, { kind: "atomic" }>, parents: Parents): string | null {
  const a = positionAutomaton(n.body);
  if (!a) return "atomic group around an unsupported construct";
  if (isPrefixFree(a) === true) return null;
  const k = after(n, parents);
  if (k.clean) return null;
  if (tokenLoop(n, parents)) return null;
  if (k.edge) return "atomic group followed by an assertion at the end of the pattern";
  if (!greedyFirst(n.body) || !isDeterministic(a))
    return "atomic group whose body may not try its longest match first";
  const ext = extensionChars(a);
  if (ext.overlaps(k.set)) return "atomic group followed by something that could take back characters it gives up";
  return null;
}

/**
 * 4. `(?>A|B|…)+` (or `*`) where the branches start with disjoint characters and each is
 *    either prefix-free or a run `[S]+`, and what follows the loop cannot start with a run
 *    character. Giving back part of a run only lets the next iteration retake it (no other
 *    branch, and nothing after the loop, can start with a run character), so every way
 *    out of the loop is at a place the atomic version also reaches, in the same order.
 */
function tokenLoop(n: Node, parents: Parents): boolean {
  let loop = parents.get(n)?.parent;
  while (loop && loop.kind === "group" && !loop.field && !loop.capture) loop = parents.get(loop)?.parent;
  if (!loop || loop.kind !== "repeat" || loop.max !== Infinity || loop.lazy || loop.min > 1) return false;
  const body = (n as Extract<Node, { kind: "atomic" }>).body;
  const branches = body.kind === "alt" ? body.branches : [body];
  let firsts = CharSet.empty;
  let runs = CharSet.empty;
  for (const b of branches) {
    const f = edgeOf(b);
    if (f.nullable || f.set.overlaps(firsts)) return false;
    firsts = firsts.union(f.set);
    if (b.kind === "repeat" && b.body.kind === "chars" && b.min === 1 && b.max === Infinity && !b.lazy) runs = runs.union(b.body.set);
    else {
      const a = positionAutomaton(b);
      if (!a || isPrefixFree(a) !== true) return false;
    }
  }
  const out = after(loop, parents);
  return !runs.overlaps(out.set) && (!out.edge || out.clean);
}

/** No lazy quantifier, and nullable alternatives only last: longest-first under determinism. */
function greedyFirst(n: Node): boolean {
  if (n.kind === "repeat" && n.lazy) return false;
  if (n.kind === "alt" && n.branches.slice(0, -1).some((b) => edgeOf(b).nullable)) return false;
  if (n.kind === "look") return true;
  return children(n).every(greedyFirst);
}
