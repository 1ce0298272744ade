import type { FieldRef, Node } from "./ast.js";
import { CharSet } from "./charset.js";
import { DOT, onigClass, POSIX_NAMES } from "./classes.js";

/** A syntax error in oniguruma regex text, at offset `pos`. */
export class RegexSyntaxError extends Error {
  constructor(message: string, readonly pos: number) {
    super(message);
  }
}

export interface ParsedRegex {
  root: Node;
  /** Oniguruma's capture group numbers (1-based) of every field, in pattern order. */
  fields: { ref: FieldRef; group: number; pos: number }[];
  /** Total number of capturing groups oniguruma will report. */
  groupCount: number;
}

const MAX_REPEAT = 100000;

/**
 * Parses regex text in oniguruma's Ruby syntax (what grok-js uses) into a syntax tree.
 * `fieldsAt` marks the `(` offsets that open grok fields.
 *
 * @example
 * parseRegex("a(b)?", new Map()).root.kind; // "seq"
 */
export function parseRegex(text: string, fieldsAt: ReadonlyMap<number, FieldRef>): ParsedRegex {
  return new Parser(text, fieldsAt).parseAll();
}

class Parser {
  private i = 0;
  private groups = 0;
  private fields: ParsedRegex["fields"] = [];
  private dotall = false;

  constructor(
    private readonly s: string,
    private readonly fieldsAt: ReadonlyMap<number, FieldRef>,
  ) {}

  parseAll(): ParsedRegex {
    const root = this.alternation();
    if (this.i < this.s.length) throw new RegexSyntaxError("unmatched close parenthesis", this.i);
    return { root, fields: this.fields, groupCount: this.groups };
  }

  private peek(k = 0): string {
    return this.s[this.i + k] ?? "";
  }

  private alternation(): Node {
    const pos = this.i;
    const saved = this.dotall;
    const branches = [this.sequence()];
    while (this.peek() === "|") {
      this.i++;
      branches.push(this.sequence());
    }
    this.dotall = saved;
    return branches.length === 1 ? branches[0] : { kind: "alt", branches, pos };
  }

  private sequence(): Node {
    const pos = this.i;
    const items: Node[] = [];
    while (this.i < this.s.length && this.peek() !== "|" && this.peek() !== ")") {
      const atomPos = this.i;
      const atom = this.atom(items);
      if (atom === null) continue;
      items.push(this.quantifiers(atom, atomPos));
    }
    return items.length === 1 ? items[0] : { kind: "seq", items, pos };
  }

  /** Applies any quantifiers that follow an atom. */
  private quantifiers(atom: Node, atomPos: number): Node {
    let node = atom;
    for (;;) {
      const pos = this.i;
      const c = this.peek();
      let min: number;
      let max: number;
      let interval = false;
      if (c === "*") [min, max] = [0, Infinity];
      else if (c === "+") [min, max] = [1, Infinity];
      else if (c === "?") [min, max] = [0, 1];
      else if (c === "{") {
        const m = /^\{(\d*)(,?)(\d*)\}/.exec(this.s.slice(this.i));
        if (!m || (m[1] === "" && m[3] === "") || (m[1] === "" && m[2] === "")) return node;
        min = m[1] === "" ? 0 : Number(m[1]);
        max = m[2] === "" ? min : m[3] === "" ? Infinity : Number(m[3]);
        if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT))
          throw new RegexSyntaxError("too big number for repeat range", pos);
        if (max < min) throw new RegexSyntaxError("upper bound must be greater than lower bound", pos);
        this.i += m[0].length - 1;
        interval = true;
      } else return node;
      this.i++;
      if (node.kind === "anchor" || node.kind === "wordb" || node.kind === "look")
        throw new RegexSyntaxError("target of repeat operator is invalid", pos);
      let lazy = false;
      let possessive = false;
      if (this.peek() === "?") {
        lazy = true;
        this.i++;
      } else if (this.peek() === "+" && !interval) {
        possessive = true;
        this.i++;
      }
      node = { kind: "repeat", body: node, min, max, lazy, pos: atomPos };
      if (possessive) node = { kind: "atomic", body: node, pos: atomPos };
    }
  }

  private atom(items: Node[]): Node | null {
    const pos = this.i;
    const c = this.s[this.i++];
    switch (c) {
      case "(":
        return this.group(pos);
      case "[":
        return this.charClass(pos);
      case ".":
        return { kind: "chars", set: this.dotall ? CharSet.all : DOT, pos };
      case "^":
        return { kind: "anchor", what: "bol", pos };
      case "$":
        return { kind: "anchor", what: "eol", pos };
      case "\\":
        return this.escape(pos);
      case "*":
      case "+":
      case "?":
        throw new RegexSyntaxError("target of repeat operator is not specified", pos);
      case "{":
        if (/^\{(\d+,?\d*|,\d+)\}/.test(this.s.slice(pos)))
          throw new RegexSyntaxError("target of repeat operator is not specified", pos);
        return { kind: "chars", set: CharSet.of(0x7b), pos };
      default: {
        const cp = this.s.codePointAt(pos)!;
        if (cp > 0xffff) this.i++;
        void items;
        return { kind: "chars", set: CharSet.of(cp), pos };
      }
    }
  }

  private group(pos: number): Node | null {
    if (this.peek() !== "?") {
      const group = ++this.groups;
      const field = this.fieldsAt.get(pos);
      const body = this.alternation();
      this.close(pos);
      if (field) {
        this.fields.push({ ref: field, group, pos });
        return { kind: "group", body, field, pos };
      }
      return { kind: "group", body, capture: true, pos };
    }
    this.i++;
    const rest = this.s.slice(this.i);
    const simple = (kind: "noncap" | "atomic" | "ahead" | "nahead" | "behind" | "nbehind", skip: number): Node => {
      this.i += skip;
      const body = this.alternation();
      this.close(pos);
      switch (kind) {
        case "noncap":
          return { kind: "group", body, pos };
        case "atomic":
          return { kind: "atomic", body, pos };
        default:
          if (kind === "behind" || kind === "nbehind") checkLookBehind(body);
          return { kind: "look", behind: kind.endsWith("behind"), negate: kind.startsWith("n"), body, pos };
      }
    };
    if (rest.startsWith(":")) return simple("noncap", 1);
    if (rest.startsWith(">")) return simple("atomic", 1);
    if (rest.startsWith("=")) return simple("ahead", 1);
    if (rest.startsWith("!")) return simple("nahead", 1);
    if (rest.startsWith("<=")) return simple("behind", 2);
    if (rest.startsWith("<!")) return simple("nbehind", 2);
    if (rest.startsWith("#")) {
      const end = this.s.indexOf(")", this.i);
      if (end < 0) throw new RegexSyntaxError("end pattern in group", pos);
      this.i = end + 1;
      return null;
    }
    const named = /^(?:<([A-Za-z_][A-Za-z0-9_]*)>|'([A-Za-z_][A-Za-z0-9_]*)')/.exec(rest);
    if (named) {
      this.i += named[0].length;
      const group = ++this.groups;
      const field: FieldRef = { name: named[1] ?? named[2], type: "string" };
      const body = this.alternation();
      this.close(pos);
      this.fields.push({ ref: field, group, pos });
      return { kind: "group", body, field, pos };
    }
    const opts = /^([imx]*)(?:-([imx]*))?(:|\))/.exec(rest);
    if (opts && (opts[1] || opts[2] !== undefined)) {
      this.i += opts[0].length;
      const on = opts[1];
      const off = opts[2] ?? "";
      const unsupported = /[ix]/.test(on) ? `option (?${on}${off ? "-" + off : ""})` : null;
      const apply = () => {
        if (on.includes("m")) this.dotall = true;
        if (off.includes("m")) this.dotall = false;
      };
      if (opts[3] === ")") {
        // applies to the rest of the enclosing group
        apply();
        return unsupported ? { kind: "unsupported", construct: unsupported, pos } : null;
      }
      const saved = this.dotall;
      apply();
      const body = this.alternation();
      this.dotall = saved;
      this.close(pos);
      return unsupported ? { kind: "unsupported", construct: unsupported, pos } : { kind: "group", body, pos };
    }
    throw new RegexSyntaxError("undefined group option", pos);
  }

  private close(open: number): void {
    if (this.peek() !== ")") throw new RegexSyntaxError("end pattern with unmatched parenthesis", open);
    this.i++;
  }

  /** An escape outside a character class. */
  private escape(pos: number): Node {
    const c = this.s[this.i++];
    if (c === undefined) throw new RegexSyntaxError("end pattern at escape", pos);
    const cls = classEscape(c);
    if (cls) return { kind: "chars", set: cls, pos };
    switch (c) {
      case "b":
        return { kind: "wordb", negate: false, pos };
      case "B":
        return { kind: "wordb", negate: true, pos };
      case "A":
        return { kind: "anchor", what: "bot", pos };
      case "z":
        return { kind: "anchor", what: "eot", pos };
      case "Z":
        return { kind: "unsupported", construct: "\\Z", pos };
      case "G":
        return { kind: "unsupported", construct: "\\G", pos };
      case "k":
      case "g": {
        const m = /^(<[^>]*>|'[^']*')/.exec(this.s.slice(this.i));
        if (!m) throw new RegexSyntaxError(`invalid backref/call \\${c}`, pos);
        this.i += m[1].length;
        return { kind: "unsupported", construct: c === "k" ? "back-reference" : "subexpression call", pos };
      }
      case "p":
      case "P": {
        const m = /^\{\^?[A-Za-z_ ]+\}/.exec(this.s.slice(this.i));
        if (!m) throw new RegexSyntaxError("invalid character property name", pos);
        this.i += m[0].length;
        return { kind: "unsupported", construct: `character property \\${c}${m[0]}`, pos };
      }
      default:
        if (c >= "1" && c <= "9") {
          while (/[0-9]/.test(this.peek())) this.i++;
          return { kind: "unsupported", construct: "back-reference", pos };
        }
    }
    const cp = this.charEscape(c, pos);
    return { kind: "chars", set: CharSet.of(cp), pos };
  }

  /** Escapes that stand for one character (shared by classes and the top level). */
  private charEscape(c: string, pos: number): number {
    const simple: Record<string, number> = { t: 9, n: 10, r: 13, f: 12, v: 11, a: 7, e: 27 };
    if (c in simple) return simple[c];
    if (c === "x") {
      const braced = /^\{([0-9A-Fa-f]{1,8})\}/.exec(this.s.slice(this.i));
      if (braced) {
        this.i += braced[0].length;
        const cp = parseInt(braced[1], 16);
        if (cp > CharSet.MAX) throw new RegexSyntaxError("too big wide-char value", pos);
        return cp;
      }
      const m = /^[0-9A-Fa-f]{1,2}/.exec(this.s.slice(this.i));
      if (!m) throw new RegexSyntaxError("invalid code point value", pos);
      this.i += m[0].length;
      return parseInt(m[0], 16);
    }
    if (c === "u") {
      const m = /^[0-9A-Fa-f]{4}/.exec(this.s.slice(this.i));
      if (!m) throw new RegexSyntaxError("invalid Unicode escape", pos);
      this.i += 4;
      return parseInt(m[0], 16);
    }
    if (c === "0") {
      const m = /^[0-7]{0,2}/.exec(this.s.slice(this.i))!;
      this.i += m[0].length;
      return parseInt("0" + m[0], 8);
    }
    if (/[A-Za-z]/.test(c)) throw new UnsupportedEscape(c, pos);
    return c.codePointAt(0)!;
  }

  private charClass(pos: number): Node {
    try {
      const set = this.classBody(pos);
      return { kind: "chars", set, pos };
    } catch (e) {
      if (e instanceof UnsupportedEscape) {
        this.skipClass(pos);
        return { kind: "unsupported", construct: `escape \\${e.letter} in a character class`, pos };
      }
      throw e;
    }
  }

  private skipClass(pos: number): void {
    this.i = pos + 1;
    let depth = 1;
    while (this.i < this.s.length && depth > 0) {
      const c = this.s[this.i++];
      if (c === "\\") this.i++;
      else if (c === "[") depth++;
      else if (c === "]") depth--;
    }
  }

  /** Parses after `[` up to and including the matching `]`. */
  private classBody(pos: number): CharSet {
    let negate = false;
    if (this.peek() === "^") {
      negate = true;
      this.i++;
    }
    let set = CharSet.empty;
    let first = true;
    for (;;) {
      if (this.i >= this.s.length) throw new RegexSyntaxError("premature end of char-class", pos);
      const c = this.peek();
      if (c === "]" && !first) {
        this.i++;
        break;
      }
      if (c === "&" && this.peek(1) === "&") {
        this.i += 2;
        const rest = this.classBodyRest(pos);
        set = set.intersect(rest);
        break;
      }
      first = false;
      const item = this.classItem(pos);
      if (item instanceof CharSet) {
        set = set.union(item);
        continue;
      }
      // a single char: maybe the start of a range
      if (this.peek() === "-" && this.peek(1) !== "]" && this.i + 1 < this.s.length) {
        const save = this.i;
        this.i++;
        const hi = this.classItem(pos);
        if (hi instanceof CharSet) {
          if (this.s[save + 1] === "[") {
            // "a-[...]": the '-' is a literal, then a nested class
            set = set.union(CharSet.of(item, 0x2d)).union(hi);
            continue;
          }
          throw new RegexSyntaxError("char-class value at end of range", save);
        }
        if (hi < item) throw new RegexSyntaxError("empty range in char class", save);
        set = set.union(CharSet.range(item, hi));
      } else set = set.union(CharSet.of(item));
    }
    return negate ? set.complement() : set;
  }

  /** The right side of `&&`: the rest of the class, up to its `]` (consumed). */
  private classBodyRest(pos: number): CharSet {
    // Reuse classBody by pretending we are right after a '['.
    const save = this.s;
    void save;
    let set = CharSet.empty;
    let negate = false;
    if (this.peek() === "^") {
      negate = true;
      this.i++;
    }
    let any = false;
    for (;;) {
      if (this.i >= this.s.length) throw new RegexSyntaxError("premature end of char-class", pos);
      const c = this.peek();
      if (c === "]") {
        this.i++;
        break;
      }
      if (c === "&" && this.peek(1) === "&") {
        this.i += 2;
        const more = this.classBodyRest(pos);
        set = (any ? set : CharSet.all).intersect(more);
        return negate ? set.complement() : set;
      }
      any = true;
      const item = this.classItem(pos);
      if (item instanceof CharSet) set = set.union(item);
      else if (this.peek() === "-" && this.peek(1) !== "]") {
        this.i++;
        const hi = this.classItem(pos);
        if (hi instanceof CharSet) throw new RegexSyntaxError("char-class value at end of range", this.i);
        if (hi < item) throw new RegexSyntaxError("empty range in char class", this.i);
        set = set.union(CharSet.range(item, hi));
      } else set = set.union(CharSet.of(item));
    }
    if (!any) set = CharSet.all;
    return negate ? set.complement() : set;
  }

  /** One class item: a set (escape class, POSIX bracket, nested class) or a single code point. */
  private classItem(pos: number): CharSet | number {
    const c = this.peek();
    if (c === "[") {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.s.slice(this.i));
      if (posix && (POSIX_NAMES as readonly string[]).includes(posix[2])) {
        this.i += posix[0].length;
        const set = onigClass("posix_" + posix[2]);
        return posix[1] ? set.complement() : set;
      }
      const start = this.i;
      this.i++;
      return this.classBody(start);
    }
    if (c === "\\") {
      const at = this.i;
      this.i++;
      const e = this.s[this.i++];
      if (e === undefined) throw new RegexSyntaxError("end pattern at escape", at);
      const cls = classEscape(e);
      if (cls) return cls;
      if (e === "b") return 0x08;
      if (e === "p" || e === "P") throw new UnsupportedEscape(e, at);
      return this.charEscape(e, at);
    }
    const cp = this.s.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    void pos;
    return cp;
  }
}

class UnsupportedEscape extends Error {
  constructor(readonly letter: string, readonly pos: number) {
    super(`unsupported escape \\${letter}`);
  }
}

function classEscape(c: string): CharSet | null {
  switch (c) {
    case "w":
      return onigClass("word");
    case "W":
      return onigClass("word").complement();
    case "d":
      return onigClass("digit");
    case "D":
      return onigClass("digit").complement();
    case "s":
      return onigClass("space");
    case "S":
      return onigClass("space").complement();
    case "h":
      return onigClass("hex");
    case "H":
      return onigClass("hex").complement();
    default:
      return null;
  }
}

/** Oniguruma rejects look-behinds whose length is unbounded. */
function checkLookBehind(body: Node): void {
  const walk = (n: Node): void => {
    if (n.kind === "repeat" && n.max === Infinity)
      throw new RegexSyntaxError("invalid pattern in look-behind", n.pos);
    if (n.kind === "group" && (n.field || n.capture))
      throw new RegexSyntaxError("invalid pattern in look-behind (capture group)", n.pos);
    if ("body" in n) walk(n.body);
    if (n.kind === "seq") n.items.forEach(walk);
    if (n.kind === "alt") n.branches.forEach(walk);
  };
  walk(body);
}
