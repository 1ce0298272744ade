import { onigClass } from "./classes.js";
import { errorParameter, RegexSyntaxError } from "./syntax-error.js";

/** A name read after `\k<`, `\g<` or `(?<` (or with quotes). */
export interface GroupName {
  /** The text oniguruma keeps as the name (what its error messages show). */
  name: string;
  /** The group number when the name is one (negative when relative), else 0. */
  num: number;
  /** Offset just after what was read. */
  end: number;
}

const WORD = onigClass("word");
const DIGIT = onigClass("digit");

/**
 * Reads the name of `\g<…>` (oniguruma 5.9's fetch_name, `ref` = 1), of a named group
 * `(?<…>` (fetch_name, `ref` = 0: no number) or of `\k<…>` (fetch_name_with_level: a
 * `+n`/`-n` level may follow the name), `open` being the offset of the `<` or `'`; errors
 * are located at `at`. Oniguruma's quirks are kept: for `\g` and groups, a name that starts
 * with a word character but holds others, or has no closing `>` (`\g<a b>`, `(?<a b>x)`,
 * `\g<ab`), is still a name (a call to it then finds no group); an error message shows the
 * text oniguruma shows (`\g<+1>` at the end of the pattern gives `invalid char in group name <+1>>`).
 *
 * @example
 * readGroupName("\\g<-1>", 2, "g", 0); // { name: "-1", num: -1, end: 6 }
 */
export function readGroupName(s: string, open: number, letter: "k" | "g" | "define", at: number): GroupName {
  const endCode = s[open] === "<" ? ">" : "'";
  const end = s.length;
  const start = open + 1;
  let p = start;
  const fetch = () => {
    const cp = s.codePointAt(p)!;
    p += cp > 0xffff ? 2 : 1;
    return cp;
  };
  const fail = (message: string, nameEnd: number): never => {
    throw new RegexSyntaxError(message.replace("%n", errorParameter(s.slice(start, nameEnd))), at);
  };
  const INVALID_NAME = "invalid group name <%n>";
  const INVALID_CHAR = "invalid char in group name <%n>";
  if (p >= end) fail("group name is empty", p);
  let c = fetch();
  if (String.fromCodePoint(c) === endCode) fail("group name is empty", p);
  let isNum = 0;
  let sign = 1;
  let numHead = start;
  let error: string | null = null;
  if (letter === "define" && (DIGIT.has(c) || c === 0x2d)) error = INVALID_NAME;
  else if (DIGIT.has(c)) isNum = 1;
  else if (c === 0x2d) {
    isNum = 2;
    sign = -1;
    numHead = p;
  } else if (!WORD.has(c)) error = INVALID_CHAR;
  let nameEnd = end;
  let ch = String.fromCodePoint(c);
  const number = (): number => {
    const digits = s.slice(numHead, nameEnd);
    const n = digits === "" ? 0 : Number(digits);
    if (n > 0x7fffffff) fail("too big number", nameEnd);
    return n;
  };

  if (letter !== "k") {
    if (error === null) {
      while (p < end) {
        nameEnd = p;
        ch = String.fromCodePoint(fetch());
        if (ch === endCode || ch === ")") break;
        if (isNum !== 0) {
          if (DIGIT.has(ch.codePointAt(0)!)) isNum = 1;
          else isNum = 0;
        }
      }
      // errors in the name itself are not reported: the name is looked up (and not found)
      if (ch !== endCode) nameEnd = end;
      let num = 0;
      if (isNum !== 0) {
        num = number();
        if (num === 0) fail(INVALID_NAME, nameEnd);
        num *= sign;
      }
      return { name: s.slice(start, nameEnd), num, end: p };
    }
    while (p < end) {
      nameEnd = p;
      ch = String.fromCodePoint(fetch());
      if (ch === endCode || ch === ")") break;
    }
    if (p >= end) nameEnd = end;
    return fail(error, nameEnd);
  }

  while (p < end) {
    nameEnd = p;
    ch = String.fromCodePoint(fetch());
    if (ch === endCode || ch === ")" || ch === "+" || ch === "-") {
      if (isNum === 2) error = INVALID_NAME;
      break;
    }
    if (isNum !== 0) {
      if (DIGIT.has(ch.codePointAt(0)!)) isNum = 1;
      else {
        error = INVALID_NAME;
        isNum = 0;
      }
    } else if (!WORD.has(ch.codePointAt(0)!)) error = INVALID_CHAR;
  }
  if (error === null && ch !== endCode) {
    // a level, `\k<name+1>`, then the closing `>`
    let ok = false;
    if ((ch === "+" || ch === "-") && p < end && /[0-9]/.test(s[p])) {
      const digits = /^[0-9]+/.exec(s.slice(p))![0];
      if (Number(digits) > 0x7fffffff) fail("too big number", nameEnd);
      p += digits.length;
      ok = p < end && fetch() === endCode.codePointAt(0);
    }
    if (!ok) {
      error = INVALID_NAME;
      nameEnd = end;
    }
  }
  if (error === null && isNum !== 0) {
    const num = number();
    if (num === 0) fail(INVALID_NAME, end);
    return { name: s.slice(start, nameEnd), num: num * sign, end: p };
  }
  if (error !== null) fail(error, nameEnd);
  return { name: s.slice(start, nameEnd), num: 0, end: p };
}
