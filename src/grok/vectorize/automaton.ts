import type { Node } from "../regex/ast.js";
import { CharSet } from "../regex/charset.js";

/**
 * The position automaton (Glushkov) of a regex, with assertions taken as always true:
 * it accepts a superset of what the regex matches. Each position is one `chars` node.
 */
export interface Automaton {
  sets: CharSet[];
  first: Set<number>;
  last: Set<number>;
  nullable: boolean;
  follow: Set<number>[];
}

/**
 * Builds the position automaton of `n`, or null when it holds a construct it cannot model.
 *
 * @example
 * positionAutomaton(parse("ab*"))!.sets.length; // 2
 */
export function positionAutomaton(n: Node): Automaton | null {
  const sets: CharSet[] = [];
  const follow: Set<number>[] = [];
  type G = { first: Set<number>; last: Set<number>; nullable: boolean };
  const link = (from: Set<number>, to: Set<number>) => {
    for (const p of from) for (const q of to) follow[p].add(q);
  };
  const build = (m: Node): G | null => {
    switch (m.kind) {
      case "chars": {
        const id = sets.length;
        sets.push(m.set);
        follow.push(new Set());
        return { first: new Set([id]), last: new Set([id]), nullable: false };
      }
      case "seq": {
        let acc: G = { first: new Set(), last: new Set(), nullable: true };
        for (const item of m.items) {
          const g = build(item);
          if (!g) return null;
          link(acc.last, g.first);
          acc = {
            first: acc.nullable ? new Set([...acc.first, ...g.first]) : acc.first,
            last: g.nullable ? new Set([...acc.last, ...g.last]) : g.last,
            nullable: acc.nullable && g.nullable,
          };
        }
        return acc;
      }
      case "alt": {
        const acc: G = { first: new Set(), last: new Set(), nullable: false };
        for (const b of m.branches) {
          const g = build(b);
          if (!g) return null;
          g.first.forEach((x) => acc.first.add(x));
          g.last.forEach((x) => acc.last.add(x));
          acc.nullable ||= g.nullable;
        }
        return acc;
      }
      case "group":
      case "atomic":
        return build(m.body);
      case "repeat": {
        if (m.max === 0) return { first: new Set(), last: new Set(), nullable: true };
        const g = build(m.body);
        if (!g) return null;
        if (m.max > 1) link(g.last, g.first);
        return { ...g, nullable: g.nullable || m.min === 0 };
      }
      case "anchor":
      case "wordb":
      case "look":
        return { first: new Set(), last: new Set(), nullable: true };
      case "unsupported":
        return null;
    }
  };
  const g = build(n);
  return g && { sets, follow, ...g };
}

/** Splits char sets into disjoint atoms, each inside or outside every input set. */
function atoms(sets: CharSet[]): CharSet[] {
  let parts: CharSet[] = [];
  for (const s of sets) {
    const next: CharSet[] = [];
    let rest = s;
    for (const p of parts) {
      const inter = p.intersect(s);
      const outside = p.minus(s);
      if (!inter.isEmpty) next.push(inter);
      if (!outside.isEmpty) next.push(outside);
      rest = rest.minus(p);
    }
    if (!rest.isEmpty) next.push(rest);
    parts = next;
  }
  return parts;
}

/**
 * True when no string the automaton accepts is a proper prefix of another one it accepts:
 * then, from a given start, the regex can end at one place only. Null when the
 * subset construction grows past `limit` states (no answer).
 *
 * @example
 * isPrefixFree(positionAutomaton(parse("a|ab"))!); // false: "a" is a prefix of "ab"
 */
export function isPrefixFree(a: Automaton, limit = 4000): boolean | null {
  const key = (s: Set<number>) => [...s].sort((x, y) => x - y).join(",");
  const START = -1;
  const states = new Map<string, { pos: Set<number>; accepting: boolean; next: string[] }>();
  const queue: { k: string; pos: Set<number>; start: boolean }[] = [];
  const add = (pos: Set<number>, start: boolean): string => {
    const k = start ? "start" : key(pos);
    if (!states.has(k)) {
      const accepting = start ? a.nullable : [...pos].some((p) => a.last.has(p));
      states.set(k, { pos, accepting, next: [] });
      queue.push({ k, pos, start });
    }
    return k;
  };
  add(new Set([START]), true);
  while (queue.length) {
    if (states.size > limit) return null;
    const { k, pos, start } = queue.shift()!;
    const targets = start ? [...a.first] : [...pos].flatMap((p) => [...a.follow[p]]);
    const uniq = [...new Set(targets)];
    for (const atom of atoms(uniq.map((t) => a.sets[t]))) {
      const to = new Set(uniq.filter((t) => atom.isSubsetOf(a.sets[t])));
      if (to.size) states.get(k)!.next.push(add(to, false));
    }
  }
  // states reachable in one or more steps from an accepting state
  const seen = new Set<string>();
  const work: string[] = [];
  for (const s of states.values()) if (s.accepting) work.push(...s.next);
  while (work.length) {
    const k = work.pop()!;
    if (seen.has(k)) continue;
    seen.add(k);
    const s = states.get(k)!;
    if (s.accepting) return false;
    work.push(...s.next);
  }
  return true;
}

/**
 * True when the automaton is deterministic: from the start and from every position,
 * the positions that can come next match disjoint characters.
 *
 * @example
 * isDeterministic(positionAutomaton(parse("ab|cd"))!); // true
 * isDeterministic(positionAutomaton(parse("ab|ac"))!); // false
 */
export function isDeterministic(a: Automaton): boolean {
  const disjoint = (ps: Set<number>) => {
    const list = [...ps];
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) if (a.sets[list[i]].overlaps(a.sets[list[j]])) return false;
    return true;
  };
  return disjoint(a.first) && a.follow.every(disjoint);
}

/**
 * The characters that can extend a match that could already stop: what follows an
 * accepting position (or the start, when the empty string matches).
 *
 * @example
 * extensionChars(positionAutomaton(parse("a+"))!); // {a}: a match of "a" can go on with "a"
 */
export function extensionChars(a: Automaton): CharSet {
  let set = CharSet.empty;
  for (const p of a.last) for (const q of a.follow[p]) set = set.union(a.sets[q]);
  if (a.nullable) for (const q of a.first) set = set.union(a.sets[q]);
  return set;
}
