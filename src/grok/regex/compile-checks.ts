import { children as directChildren, type GroupRef, type Node } from "./ast.js";
import { RegexSyntaxError } from "./syntax-error.js";

type Group = Extract<Node, { kind: "group" }>;
type Unsupported = Extract<Node, { kind: "unsupported" }>;
type Call = Unsupported & { ref: Extract<GroupRef, { call: true }> };

const INVALID_BACKREF = "invalid backref number/name";
const RECURSION_EXIST = 1;
const RECURSION_INFINITE = 2;

/**
 * The checks oniguruma 5.9's compiler (regcomp.c, onig_compile) makes once the pattern is
 * parsed, in its order, on the syntax tree: when there are subexpression calls (already
 * resolved to their groups), which calls are recursive (subexp_recursive_check_trav) and
 * whether a recursion can never end (subexp_inf_recursive_check_trav: a group that calls
 * itself before matching anything, or on every alternative); then, in tree order
 * (setup_tree), back-reference numbers against the groups, the minimum length of every
 * repeated body (which reaches back-references through calls), and look-behinds — their
 * contents and their fixed length, measured through the groups their calls call.
 *
 * Oniguruma's tree has no node for a non-capturing group `(?:…)`; its other groups
 * (capturing, option, atomic) are "enclose" nodes, which the marks and levels below count.
 *
 * @example
 * checkCompiled(root, groups, 1); // throws RegexSyntaxError("never ending recursion", 0) for (?<w>a|\g<w>)
 */
export function checkCompiled(root: Node, groups: ReadonlyMap<number, Group>, groupCount: number): void {
  new Checker(groups, groupCount).run(root);
}

/** The body of an enclose node (capturing, option or atomic group), else null. */
function encloseBody(n: Node): Node | null {
  if (n.kind === "group") return n.num !== undefined || n.options !== undefined ? n.body : null;
  if (n.kind === "atomic") return n.body;
  if (n.kind === "unsupported" && n.body) return n.body;
  return null;
}

/** The nodes under `n` in oniguruma's tree walks (calls not followed): an unsupported node's body too. */
function children(n: Node): Node[] {
  if (n.kind === "unsupported") return n.body ? [n.body] : [];
  return directChildren(n);
}

class Checker {
  private readonly calls: Call[] = [];
  private readonly called = new Set<Node>();
  private readonly recursiveGroups = new Set<Node>();
  private readonly recursiveCalls = new Set<Node>();
  /** Minimum lengths of capturing groups, once known (oniguruma's NST_MIN_FIXED). */
  private readonly minLengths = new Map<Node, number>();
  private mark1: Node | null = null;
  private readonly mark2 = new Set<Node>();

  constructor(
    private readonly groups: ReadonlyMap<number, Group>,
    private readonly groupCount: number,
  ) {}

  run(root: Node): void {
    this.collectCalls(root);
    if (this.calls.length > 0) {
      for (const c of this.calls) this.called.add(this.target(c));
      this.recursionTrav(root);
      this.infiniteTrav(root);
    }
    this.setup(root);
  }

  private collectCalls(n: Node): void {
    if (this.isCall(n)) this.calls.push(n);
    for (const c of children(n)) this.collectCalls(c);
  }

  private target(call: Call): Group {
    return this.groups.get(call.ref.num)!;
  }

  private isCall(n: Node): n is Call {
    return n.kind === "unsupported" && n.ref?.call === true;
  }

  /** subexp_recursive_check_trav: flags the called groups that reach themselves, and the calls on the way. */
  private recursionTrav(n: Node): void {
    const body = encloseBody(n);
    if (body && this.called.has(n) && !this.recursiveGroups.has(n)) {
      this.mark1 = n;
      if (this.recursionCheck(body)) this.recursiveGroups.add(n);
      this.mark1 = null;
    }
    for (const c of children(n)) this.recursionTrav(c);
  }

  /** subexp_recursive_check: whether `n` reaches the group marked (following calls). */
  private recursionCheck(n: Node): boolean {
    if (this.isCall(n)) {
      const r = this.recursionCheck(this.target(n));
      if (r) this.recursiveCalls.add(n);
      return r;
    }
    const body = encloseBody(n);
    if (body) {
      if (this.mark2.has(n)) return false;
      if (n === this.mark1) return true;
      this.mark2.add(n);
      const r = this.recursionCheck(body);
      this.mark2.delete(n);
      return r;
    }
    let r = false;
    for (const c of children(n)) r = this.recursionCheck(c) || r;
    return r;
  }

  /** subexp_inf_recursive_check_trav: a recursive group that can call itself forever is an error. */
  private infiniteTrav(n: Node): void {
    const body = encloseBody(n);
    if (body && this.recursiveGroups.has(n)) {
      this.mark1 = n;
      let r = 0;
      try {
        r = this.infiniteCheck(body, true);
      } catch (e) {
        // oniguruma drops an error met while measuring here (an invalid back-reference): found later
        if (!(e instanceof RegexSyntaxError && e.message === INVALID_BACKREF)) throw e;
      }
      this.mark1 = null;
      if (r > 0) throw new RegexSyntaxError("never ending recursion", n.pos);
    }
    for (const c of children(n)) this.infiniteTrav(c);
  }

  /**
   * subexp_inf_recursive_check: RECURSION_INFINITE when the marked group is reached with
   * nothing matched before (`head`), RECURSION_EXIST when it is reached on every way through.
   */
  private infiniteCheck(n: Node, head: boolean): number {
    switch (n.kind) {
      case "seq": {
        let r = 0;
        for (const item of n.items) {
          const ret = this.infiniteCheck(item, head);
          if (ret === RECURSION_INFINITE) return ret;
          r |= ret;
          if (head && this.minLength(item) !== 0) head = false;
        }
        return r;
      }
      case "alt": {
        let r = RECURSION_EXIST;
        for (const b of n.branches) {
          const ret = this.infiniteCheck(b, head);
          if (ret === RECURSION_INFINITE) return ret;
          r &= ret;
        }
        return r;
      }
      case "repeat": {
        const r = this.infiniteCheck(n.body, head);
        return r === RECURSION_EXIST && n.min === 0 ? 0 : r;
      }
      case "look":
        return this.infiniteCheck(n.body, head);
      default:
        break;
    }
    if (this.isCall(n)) return this.infiniteCheck(this.target(n), head);
    const body = encloseBody(n);
    if (body) {
      if (this.mark2.has(n)) return 0;
      if (n === this.mark1) return head ? RECURSION_INFINITE : RECURSION_EXIST;
      this.mark2.add(n);
      try {
        return this.infiniteCheck(body, head);
      } finally {
        this.mark2.delete(n);
      }
    }
    if (n.kind === "group") return this.infiniteCheck(n.body, head);
    return 0;
  }

  /** get_min_match_length: zero or not is what matters; an out-of-range back-reference is an error. */
  private minLength(n: Node): number {
    switch (n.kind) {
      case "chars":
        return 1;
      case "seq":
        return n.items.reduce((sum, m) => sum + this.minLength(m), 0);
      case "alt":
        return Math.min(...n.branches.map((b) => this.minLength(b)));
      case "repeat":
        return n.min > 0 ? this.minLength(n.body) * n.min : 0;
      case "group": {
        if (n.num === undefined) return this.minLength(n.body);
        const known = this.minLengths.get(n);
        if (known !== undefined) return known;
        const min = this.minLength(n.body);
        this.minLengths.set(n, min);
        return min;
      }
      case "atomic":
        return this.minLength(n.body);
      case "unsupported": {
        const ref = n.ref;
        if (this.isCall(n)) return this.recursiveCalls.has(n) ? (this.minLengths.get(this.target(n)) ?? 0) : this.minLength(this.target(n));
        if (ref && !ref.call) {
          if (ref.open) return 0;
          let min = Infinity;
          for (const num of ref.nums) {
            if (num > this.groupCount) throw new RegexSyntaxError(INVALID_BACKREF, n.pos);
            min = Math.min(min, this.minLength(this.groups.get(num)!));
          }
          return min;
        }
        return n.body ? this.minLength(n.body) : (n.width ?? 0);
      }
      default:
        return 0;
    }
  }

  /** setup_tree's checks, in tree order. */
  private setup(n: Node): void {
    if (n.kind === "repeat" && n.max >= 1) this.minLength(n.body);
    if (n.kind === "look" && n.behind) this.checkLookBehind(n.body, n.negate);
    if (n.kind === "unsupported" && n.ref && !n.ref.call)
      for (const num of n.ref.nums) if (num > this.groupCount) throw new RegexSyntaxError(INVALID_BACKREF, n.pos);
    for (const c of children(n)) this.setup(c);
  }

  /**
   * Oniguruma's checks of a look-behind body (check_type_tree, then get_char_length_tree):
   * no look-ahead, atomic or option group, `\b`, `\B`, `\z`, `\Z` or back-reference inside,
   * no capture group inside a negative one (nor a negative look-behind inside a positive
   * one), and a fixed length — except that the alternatives of a top-level alternation may
   * have different fixed lengths (`(?<=a|bc)` is valid, `(?<=(?:a|bc)x)`, `(?<=(a|bc))` and
   * `(?<=a{1,2})` are not). A call is allowed, its group not looked into for the first
   * check; its length is that of the group, and a recursive call has none.
   */
  private checkLookBehind(body: Node, negate: boolean): void {
    const bad = (n: Node): never => {
      throw new RegexSyntaxError("invalid pattern in look-behind", n.pos);
    };
    const types = (n: Node): void => {
      switch (n.kind) {
        case "chars":
          return;
        case "seq":
          return n.items.forEach(types);
        case "alt":
          return n.branches.forEach(types);
        case "group":
          if (n.options !== undefined || (n.num !== undefined && negate)) bad(n);
          return types(n.body);
        case "repeat":
          return types(n.body);
        case "anchor":
          if (n.what === "eot") bad(n);
          return;
        case "look":
          if (!n.behind || (n.negate && !negate)) bad(n);
          return types(n.body);
        case "unsupported":
          if (n.inLookBehind === false) bad(n);
          return;
        default: // atomic groups (and possessive quantifiers), \b, \B
          bad(n);
      }
    };
    types(body);
    // Fixed length in characters, `level` being the depth of the node in oniguruma's tree.
    const length = (n: Node, level: number): number => {
      switch (n.kind) {
        case "chars":
          return 1;
        case "seq":
          return n.items.reduce((sum, m) => sum + length(m, level + 1), 0);
        case "alt": {
          const lengths = n.branches.map((b) => length(b, level + 1));
          if (lengths.every((l) => l === lengths[0])) return lengths[0];
          return level === 1 ? NaN : bad(n);
        }
        case "group":
          // a non-capturing group is no node of its own in oniguruma's tree
          return n.num !== undefined || n.options !== undefined ? length(n.body, level + 1) : length(n.body, level);
        case "atomic":
          return length(n.body, level + 1);
        case "repeat":
          return n.min === n.max ? length(n.body, level + 1) * n.min : bad(n);
        case "unsupported":
          if (this.isCall(n)) return this.recursiveCalls.has(n) ? bad(n) : length(this.target(n), level + 1);
          if (n.body) return length(n.body, level + 1);
          return n.width ?? bad(n);
        default:
          return 0;
      }
    };
    length(body, 1);
  }
}
