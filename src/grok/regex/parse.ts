import type { FieldRef, GroupRef, Node } from "./ast.js";
import { CharSet } from "./charset.js";
import { DOT, onigClass, POSIX_NAMES } from "./classes.js";
import { checkCompiled } from "./compile-checks.js";
import { readGroupName } from "./group-name.js";
import { errorParameter, RegexSyntaxError } from "./syntax-error.js";

export { RegexSyntaxError };

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
 * `fieldsAt` marks the `(` offsets that open grok fields (a named group, or a plain one
 * for a field name oniguruma would not take).
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
  /** The numbers of the named groups opened so far, by name (what `\k<name>` may refer to). */
  private names = new Map<string, number[]>();
  /** Capturing groups opened and not yet closed. */
  private open = new Set<number>();
  /** Every capturing group, by number. */
  private groupNodes = new Map<number, Extract<Node, { kind: "group" }>>();
  /** Subexpression calls, resolved against the groups of the whole pattern. */
  private calls: (Extract<Node, { kind: "unsupported" }> & { ref: Extract<GroupRef, { call: true }> })[] = [];
  /** Set while parsing a character class holding something the vectorized engine cannot run. */
  private classUnsupported: string | null = null;

  constructor(
    private readonly s: string,
    private readonly fieldsAt: ReadonlyMap<number, FieldRef>,
  ) {}

  parseAll(): ParsedRegex {
    const root = this.alternation();
    if (this.i < this.s.length) throw new RegexSyntaxError("unmatched close parenthesis", this.i);
    // oniguruma's setup_subexp_call: calls resolved in pattern order
    for (const { ref, pos } of this.calls) {
      if (ref.name === undefined) {
        if (ref.num > this.groups) throw new RegexSyntaxError(`undefined group <${errorParameter(ref.text)}> reference`, pos);
        continue;
      }
      const nums = this.names.get(ref.name);
      if (!nums) throw new RegexSyntaxError(`undefined name <${errorParameter(ref.text)}> reference`, pos);
      if (nums.length > 1) throw new RegexSyntaxError(`multiplex definition name <${errorParameter(ref.text)}> call`, pos);
      ref.num = nums[0];
    }
    checkCompiled(root, this.groupNodes, this.groups);
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
    let lastPos = pos;
    while (this.i < this.s.length && this.peek() !== "|" && this.peek() !== ")") {
      const atomPos = this.i;
      const atom = this.atom(items);
      if (atom === null) {
        // a comment: oniguruma skips it as it reads tokens, so a quantifier after it applies to the atom before
        if (items.length > 0) items.push(this.quantifiers(items.pop()!, lastPos));
        continue;
      }
      lastPos = atomPos;
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
      let fixed = false;
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
        fixed = m[2] === "";
      } else return node;
      this.i++;
      if (node.kind === "anchor" || node.kind === "wordb" || node.kind === "look")
        throw new RegexSyntaxError("target of repeat operator is invalid", pos);
      let lazy = false;
      let possessive = false;
      // Ruby syntax: `x{n}?` is `(?:x{n})?` (a fixed interval is greedy only; the `?` is the
      // next quantifier), while `x{n,m}?`, `x{n,}?` and `x{,m}?` are lazy. `x{…}+` is never
      // possessive: it is `(?:x{…})+`.
      if (this.peek() === "?" && !fixed) {
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
      const body = this.capturing(group, pos);
      if (field) this.fields.push({ ref: field, group, pos });
      return this.register(group, field ? { kind: "group", body, field, num: group, pos } : { kind: "group", body, capture: true, num: group, pos });
    }
    this.i++;
    if (this.i >= this.s.length) throw new RegexSyntaxError("end pattern in group", pos);
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
    if (rest.startsWith("<") || rest.startsWith("'")) {
      // a named group; a field when grok-js takes it for one: `(?<name>` with name in [A-Za-z0-9_]
      // (a grok field, `%{NAME:field}`, keeps its type suffix), else a capture like `(…)`
      const { name, end } = readGroupName(this.s, this.i, "define", pos);
      const inline = /^<[A-Za-z0-9_]+>/.test(rest) ? { name, type: "string" as const } : undefined;
      const field = this.fieldsAt.get(pos) ?? inline;
      this.i = end;
      const group = ++this.groups;
      this.names.set(name, [...(this.names.get(name) ?? []), group]);
      const body = this.capturing(group, pos);
      if (!field) return this.register(group, { kind: "group", body, capture: true, num: group, pos });
      this.fields.push({ ref: field, group, pos });
      return this.register(group, { kind: "group", body, field, num: group, pos });
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
      const options = opts[0].slice(0, -1);
      const saved = this.dotall;
      apply();
      // An isolated `(?m)` takes the rest of the enclosing group as its body, following `|`
      // included: oniguruma reads `a(?m)b|c` as `a(?m:b|c)`, not `(?:a(?m)b)|(?m:c)`.
      const body = this.alternation();
      this.dotall = saved;
      if (opts[3] === ":") this.close(pos);
      return unsupported
        ? { kind: "unsupported", construct: unsupported, pos, inLookBehind: false, body }
        : { kind: "group", body, options, pos };
    }
    throw new RegexSyntaxError("undefined group option", pos);
  }

  /** The body of capturing group `group` opened at `pos`, up to its `)`. */
  private capturing(group: number, pos: number): Node {
    this.open.add(group);
    const body = this.alternation();
    this.close(pos);
    this.open.delete(group);
    return body;
  }

  private register(group: number, node: Extract<Node, { kind: "group" }>): Node {
    this.groupNodes.set(group, node);
    return node;
  }

  private close(open: number): void {
    if (this.peek() !== ")") throw new RegexSyntaxError("end pattern with unmatched parenthesis", open);
    this.i++;
  }

  /** An escape outside a character class (`this.i` is just after the backslash). */
  private escape(pos: number): Node {
    const c = this.s[this.i];
    if (c === undefined) throw new RegexSyntaxError("end pattern at escape", pos);
    const cls = classEscape(c);
    if (cls) {
      this.i++;
      return { kind: "chars", set: cls, pos };
    }
    switch (c) {
      case "b":
      case "B":
        this.i++;
        return { kind: "wordb", negate: c === "B", pos };
      case "A":
        this.i++;
        return { kind: "anchor", what: "bot", pos };
      case "z":
        this.i++;
        return { kind: "anchor", what: "eot", pos };
      case "Z":
        this.i++;
        return { kind: "unsupported", construct: "\\Z", pos, width: 0, inLookBehind: false };
      case "G":
        this.i++;
        return { kind: "unsupported", construct: "\\G", pos, width: 0, inLookBehind: true };
      case "k":
      case "g":
        // `\k<name>`, `\g<name>` (or with quotes); a plain `\k` or `\g` is the letter
        if (this.s[this.i + 1] === "<" || this.s[this.i + 1] === "'") return this.reference(c, pos);
        break;
      case "p":
      case "P":
        // `\p{Name}`; a plain `\p` is the letter
        if (this.s[this.i + 1] === "{") return this.property(pos);
        break;
      default:
        if (c >= "1" && c <= "9" && this.isBackref()) {
          const digits = /^\d+/.exec(this.s.slice(this.i))![0];
          this.i += digits.length;
          return this.backReference([Number(digits)], pos);
        }
    }
    const v = this.escapedValue(pos, false);
    return typeof v === "number"
      ? { kind: "chars", set: CharSet.of(v), pos }
      : { kind: "unsupported", construct: v, pos, width: 1, inLookBehind: true };
  }

  /**
   * Whether the digits at `this.i` are a back-reference: oniguruma reads `\N` as one when N
   * is at most 9 or at most the number of groups opened so far (else as an octal escape).
   */
  private isBackref(): boolean {
    const m = /^[1-9]\d*/.exec(this.s.slice(this.i));
    if (!m) return false;
    const num = m[0].length > 4 ? Infinity : Number(m[0]);
    return num <= 1000 && (num <= this.groups || num <= 9);
  }

  /** `\k<…>` (back-reference) or `\g<…>` (subexpression call); `this.i` is at the letter. */
  private reference(letter: "k" | "g", pos: number): Node {
    const { name, num, end } = readGroupName(this.s, this.i + 1, letter, pos);
    this.i = end;
    const absolute = (n: number) => {
      const abs = n < 0 ? this.groups + 1 + n : n;
      if (abs <= 0) throw new RegexSyntaxError("invalid backref number/name", pos);
      return abs;
    };
    if (letter === "g") {
      const ref: Extract<GroupRef, { call: true }> = num !== 0 ? { call: true, num: absolute(num), text: name } : { call: true, num: 0, name, text: name };
      const call = { kind: "unsupported" as const, construct: "subexpression call", pos, ref };
      this.calls.push(call);
      return call;
    }
    if (num !== 0) return this.backReference([absolute(num)], pos);
    const nums = this.names.get(name);
    if (!nums) throw new RegexSyntaxError(`undefined name <${errorParameter(name)}> reference`, pos);
    return this.backReference(nums, pos);
  }

  /** A back-reference to groups `nums` (numbers checked after the parse, as oniguruma does). */
  private backReference(nums: number[], pos: number): Node {
    return { kind: "unsupported", construct: "back-reference", pos, inLookBehind: false, ref: { call: false, nums, open: nums.some((n) => this.open.has(n)) } };
  }

  /**
   * `\p{Name}`, `\p{^Name}`, `\P{…}`: oniguruma's Unicode properties (names checked against
   * its table; the vectorized engine leaves them to grok-js). `this.i` is at the letter.
   *
   * Without a closing brace before the end of the pattern (and no `(`, `)`, `{` or `|` on the
   * way, which are errors), oniguruma 5.9's fetch_char_property_to_ctype returns ctype 0,
   * NEWLINE, without consuming the name: `x\p{Alpha` is `x\nAlpha`, `[\P{ab]` is `[^\nab]`
   * (a `^` after the brace still negates). That is a plain character set here.
   */
  private property(pos: number): Extract<Node, { kind: "unsupported" } | { kind: "chars" }> {
    const letter = this.s[this.i];
    this.i += 2;
    const braced = this.i;
    let negate = letter === "P";
    if (this.peek() === "^") {
      this.i++;
      negate = !negate;
    }
    const start = this.i;
    for (; this.i < this.s.length; this.i++) {
      const ch = this.s[this.i];
      if (ch === "}") {
        const name = this.s.slice(start, this.i++);
        if (!ONIG_PROPERTIES.has(name)) throw new RegexSyntaxError(`invalid character property name {${errorParameter(name)}}`, pos);
        return { kind: "unsupported", construct: `character property \\${letter}{${this.s.slice(braced, this.i)}`, pos, width: 1, inLookBehind: true };
      }
      if ("(){|".includes(ch)) throw new RegexSyntaxError(`invalid character property name {${errorParameter(this.s.slice(start, this.i))}}`, pos);
    }
    this.i = start;
    const newline = CharSet.of(0x0a);
    return { kind: "chars", set: negate ? newline.complement() : newline, pos };
  }

  /**
   * An escape that stands for one character, in a class or outside (`this.i` is at the
   * character after the backslash; it is consumed). Returns the code point, or the name of
   * a construct the vectorized engine leaves to grok-js. Letters without a meaning are
   * themselves (`\q` is `q`, `\u0041` is `u0041`, `\K`, `\R`, `\X` are letters in
   * oniguruma 5.9, which grok-js's oniguruma module bundles).
   */
  private escapedValue(pos: number, inClass: boolean): number | string {
    const cp = this.s.codePointAt(this.i)!;
    const c = String.fromCodePoint(cp);
    if (c >= "0" && c <= "7") {
      // up to three octal digits (for `\0`, the 0 and two more), read as a raw byte
      const m = /^[0-7]{1,3}/.exec(this.s.slice(this.i))!;
      this.i += m[0].length;
      return this.rawBytes(parseInt(m[0], 8), 8, pos, inClass);
    }
    this.i += c.length;
    if (c in CONTROLS) return CONTROLS[c];
    switch (c) {
      case "x": {
        if (this.i >= this.s.length) return 0x78; // `\x` ending the pattern is an `x`
        if (this.peek() === "{") {
          const digits = /^[0-9A-Fa-f]*/.exec(this.s.slice(this.i + 1))![0];
          const value = parseInt(digits.slice(0, 8) || "0", 16);
          if (value > 0x7fffffff) throw new RegexSyntaxError("too big wide-char value", pos);
          if (digits.length > 8) throw new RegexSyntaxError("too long wide-char value", pos);
          if (digits === "" || this.s[this.i + 1 + digits.length] !== "}") return 0x78; // not `\x{hex}`: the letter x
          this.i += digits.length + 2;
          return value <= CharSet.MAX && !(value >= 0xd800 && value <= 0xdfff)
            ? value
            : `\\x{${digits}}, which is not a Unicode scalar value`;
        }
        // up to two hex digits (none is a NUL), read as a raw byte
        const m = /^[0-9A-Fa-f]{0,2}/.exec(this.s.slice(this.i))!;
        this.i += m[0].length;
        return this.rawBytes(m[0] ? parseInt(m[0], 16) : 0, 16, pos, inClass);
      }
      case "c":
      case "C":
      case "M":
        return this.controlOrMeta(c, pos);
      default:
        return cp;
    }
  }

  /** `\cX`, `\C-X` (X & 0x9f; `?` gives DEL) and `\M-X` (X | 0x80); `this.i` is after the letter. */
  private controlOrMeta(letter: string, pos: number): number {
    const meta = letter === "M";
    const endMessage = meta ? "end pattern at meta" : "end pattern at control";
    if (letter !== "c") {
      if (this.i >= this.s.length) throw new RegexSyntaxError(endMessage, pos);
      if (this.peek() !== "-") throw new RegexSyntaxError(meta ? "invalid meta-code syntax" : "invalid control-code syntax", pos);
      this.i++;
    }
    if (this.i >= this.s.length) throw new RegexSyntaxError(endMessage, pos);
    let v = this.s.codePointAt(this.i)!;
    this.i += v > 0xffff ? 2 : 1;
    if (v === 0x3f && !meta) return 0x7f;
    if (v === 0x5c) {
      // an escaped target: another \c, \C-, \M-, or a character (\n, \t, … or itself)
      if (this.i >= this.s.length) throw new RegexSyntaxError("end pattern at escape", pos);
      const e = String.fromCodePoint(this.s.codePointAt(this.i)!);
      this.i += e.length;
      v = e === "c" || e === "C" || e === "M" ? this.controlOrMeta(e, pos) : e === "b" ? 0x08 : (CONTROLS[e] ?? e.codePointAt(0)!);
    }
    return meta ? (v & 0xff) | 0x80 : v & 0x9f;
  }

  /**
   * A raw byte (`\xHH`, octal): oniguruma (UTF-8) takes the bytes of one character from
   * consecutive raw-byte escapes — `\xc3\xa9` is `é`, a lone `\xe9` is an error.
   */
  private rawBytes(first: number, base: 8 | 16, pos: number, inClass: boolean): number | string {
    const bytes = [first & 0xff];
    const need = utf8Length(bytes[0]);
    while (bytes.length < need) {
      const b = this.nextRawByte(inClass ? base : null);
      if (b === null) throw new RegexSyntaxError("too short multibyte code string", pos);
      bytes.push(b);
    }
    return decodeUtf8(bytes) ?? `raw bytes ${bytes.map((b) => "\\x" + b.toString(16).padStart(2, "0")).join("")}, which are not one UTF-8 character`;
  }

  /** Consumes the raw-byte escape at `this.i` (of the given base, in a class) and returns its byte, else null. */
  private nextRawByte(base: 8 | 16 | null): number | null {
    if (this.s[this.i] !== "\\") return null;
    const c = this.s[this.i + 1] ?? "";
    if (c === "x" && base !== 8 && this.i + 2 < this.s.length && this.s[this.i + 2] !== "{") {
      const m = /^[0-9A-Fa-f]{0,2}/.exec(this.s.slice(this.i + 2))!;
      this.i += 2 + m[0].length;
      return m[0] ? parseInt(m[0], 16) : 0;
    }
    if (c >= "0" && c <= "7" && base !== 16) {
      this.i++;
      if (base !== null || c === "0" || !this.isBackref()) {
        const m = /^[0-7]{1,3}/.exec(this.s.slice(this.i))!;
        this.i += m[0].length;
        return parseInt(m[0], 8) & 0xff;
      }
      this.i--;
    }
    return null;
  }

  private charClass(pos: number): Node {
    this.classUnsupported = null;
    const set = this.classBody(pos);
    const construct = this.classUnsupported as string | null;
    this.classUnsupported = null;
    return construct === null
      ? { kind: "chars", set, pos }
      : { kind: "unsupported", construct: `${construct} in a character class`, pos, width: 1, inLookBehind: true };
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
        if (hi < item && this.classUnsupported === null) throw new RegexSyntaxError("empty range in char class", save);
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
        if (hi < item && this.classUnsupported === null) throw new RegexSyntaxError("empty range in char class", this.i);
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
      if (this.peek(1) === ":") {
        const posix = this.posixBracket();
        if (posix === "literal") {
          this.i++;
          return 0x5b;
        }
        if (posix) return posix;
      }
      const start = this.i;
      this.i++;
      return this.classBody(start);
    }
    if (c === "\\") {
      const at = this.i;
      this.i++;
      const e = this.s[this.i];
      if (e === undefined) throw new RegexSyntaxError("end pattern at escape", at);
      const cls = classEscape(e);
      if (cls) {
        this.i++;
        return cls;
      }
      if (e === "b") {
        this.i++;
        return 0x08;
      }
      if ((e === "p" || e === "P") && this.peek(1) === "{") {
        const property = this.property(at);
        if (property.kind === "chars") return property.set;
        this.classUnsupported ??= property.construct;
        return CharSet.empty;
      }
      const v = this.escapedValue(at, true);
      if (typeof v === "number") return v;
      this.classUnsupported ??= v;
      return CharSet.empty;
    }
    const cp = this.s.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    void pos;
    return cp;
  }

  /**
   * `[:name:]` inside a class, read as oniguruma 5.9 reads it (`this.i` is at the `[`, a `:`
   * follows): the class of a known name; `"literal"` when the `[` is a plain character (no
   * POSIX bracket, but `:]` further on); null when it opens a nested class (no `:]` before
   * the next `]`). A name-like `[:foo:]` is an error.
   */
  private posixBracket(): CharSet | "literal" | null {
    const s = this.s;
    let p = this.i + 2;
    if (!colonBracketAhead(s, p)) return null;
    const not = s[p] === "^";
    if (not) p++;
    if ([...s.slice(p)].length >= 7) {
      for (const name of POSIX_NAMES) {
        if (!s.startsWith(name, p)) continue;
        if (!s.startsWith(":]", p + name.length)) throw new RegexSyntaxError("invalid POSIX bracket type", this.i);
        this.i = p + name.length + 2;
        const set = onigClass("posix_" + name);
        return not ? set.complement() : set;
      }
    }
    let c = "";
    let k = 0;
    while (p < s.length && (c = s[p]) !== ":" && c !== "]") {
      p++;
      if (++k > 20) break;
    }
    if (c === ":" && p < s.length) {
      p++;
      if (p < s.length && s[p] === "]") throw new RegexSyntaxError("invalid POSIX bracket type", this.i);
    }
    return "literal";
  }
}

/** Whether `:]` comes before any unescaped `]` from offset `p` (oniguruma's str_exist_check_with_esc). */
function colonBracketAhead(s: string, p: number): boolean {
  let escaped = false;
  while (p < s.length) {
    const x = s[p++];
    if (escaped) escaped = false;
    else if (x === ":") {
      if (s[p] === "]") return true;
    } else if (x === "]") return false;
    else if (x === "\\") escaped = true;
  }
  return false;
}

/** Escapes for control characters that oniguruma's Ruby syntax knows. */
const CONTROLS: Record<string, number> = { t: 9, n: 10, r: 13, f: 12, v: 11, a: 7, e: 27 };

/**
 * The property names of `\p{…}` in the oniguruma (5.9.6) grok-js bundles, case-sensitive,
 * from its enc/unicode.c.
 */
const ONIG_PROPERTIES = new Set(
  (
    "NEWLINE Alpha Blank Cntrl Digit Graph Lower Print Punct Space Upper XDigit Word Alnum ASCII Any Assigned " +
    "C Cc Cf Cn Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs " +
    "Arabic Armenian Bengali Bopomofo Braille Buginese Buhid Canadian_Aboriginal Cherokee Common Coptic Cypriot " +
    "Cyrillic Deseret Devanagari Ethiopic Georgian Glagolitic Gothic Greek Gujarati Gurmukhi Han Hangul Hanunoo " +
    "Hebrew Hiragana Inherited Kannada Katakana Kharoshthi Khmer Lao Latin Limbu Linear_B Malayalam Mongolian " +
    "Myanmar New_Tai_Lue Ogham Old_Italic Old_Persian Oriya Osmanya Runic Shavian Sinhala Syloti_Nagri Syriac " +
    "Tagalog Tagbanwa Tai_Le Tamil Telugu Thaana Thai Tibetan Tifinagh Ugaritic Yi"
  ).split(" "),
);

/** The names of `\p{…}` oniguruma accepts (exported for the tests). */
export const ONIG_PROPERTY_NAMES: readonly string[] = [...ONIG_PROPERTIES];

/** How many bytes oniguruma's UTF-8 encoding gives a character starting with byte `b`. */
function utf8Length(b: number): number {
  if (b < 0xc0) return 1;
  if (b < 0xe0) return 2;
  if (b < 0xf0) return 3;
  if (b < 0xf8) return 4;
  if (b < 0xfc) return 5;
  if (b < 0xfe) return 6;
  return 1;
}

/** The one Unicode scalar value the bytes encode in well-formed UTF-8, else null. */
function decodeUtf8(bytes: number[]): number | null {
  if (bytes.length === 1) return bytes[0] < 0x80 ? bytes[0] : null;
  if (bytes.length > 4 || bytes.slice(1).some((b) => (b & 0xc0) !== 0x80)) return null;
  let cp = bytes[0] & (0x7f >> bytes.length);
  for (const b of bytes.slice(1)) cp = (cp << 6) | (b & 0x3f);
  const min = [0, 0, 0x80, 0x800, 0x10000][bytes.length];
  if (cp < min || cp > CharSet.MAX || (cp >= 0xd800 && cp <= 0xdfff)) return null;
  return cp;
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
