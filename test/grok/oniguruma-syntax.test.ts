import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGrok } from "../../src/grok/index.js";
import { ONIG_PROPERTY_NAMES } from "../../src/grok/regex/parse.js";
import { differences, onigError, onigFields, ourError } from "./onig.js";

/**
 * Regex syntax read as grok-js's oniguruma (5.9.6, Ruby syntax, UTF-8) reads it: every case
 * runs through oniguruma itself and through compileGrok, and the two must agree on whether
 * the pattern is valid and on the fields of every line.
 */

/** Both accept and agree on every line, or both reject (ours naming oniguruma's message and the position). */
function agrees(pattern: string, lines: string[]) {
  const theirs = onigError(pattern);
  const mine = ourError(pattern);
  if (theirs !== null || mine !== null) {
    expect({ pattern, mine: mine === null ? null : "error" }).toEqual({ pattern, mine: "error" });
    expect({ pattern, theirs: theirs === null ? null : "error" }).toEqual({ pattern, theirs: "error" });
    expect(mine).toContain(`Invalid regex (${theirs}) at position `);
    return;
  }
  expect(differences(pattern, lines)).toEqual([]);
}

describe("quantifiers", () => {
  it("x{n}? is an optional fixed repeat, x{n,m}?, x{n,}? and x{,m}? are lazy, x{…}+ is not possessive", () => {
    // hand-checked against oniguruma
    expect(onigFields("^(?<a>x{2}?)(?<b>x*)$")("xxx")).toEqual({ a: "xx", b: "x" });
    expect(onigFields("^(?<a>x{1,3}?)(?<b>x*)$")("xxx")).toEqual({ a: "x", b: "xx" });
    // anchored with \A: a ^ followed by something that can match empty takes the exact engine (see anchors.test.ts)
    const cases: [string, string[]][] = [
      ["(?<a>x{2}?)(?<b>x*)", ["xxx", "x", "", "xx"]],
      ["\\A(?<a>x{2}?)$", ["", "x", "xx", "xxx"]],
      ["\\A(?<a>x{2}??)(?<b>x*)$", ["xx", "xxxx"]],
      ["\\A(?<a>x{1,3}?)(?<b>x*)$", ["xxx", "x"]],
      ["\\A(?<a>x{2,2}?)$", ["", "xx"]],
      ["\\A(?<a>x{2,}?)(?<b>x*)$", ["xxxx", "x"]],
      ["\\A(?<a>x{,2})(?<b>x*)$", ["xxx", ""]],
      ["(?<a>x{,2}?)(?<b>x)", ["xxx"]],
      ["\\A(?<a>x{2}+)(?<b>x*)$", ["xxxxx", "x"]],
      ["\\A(?<a>x{1,3}+)(?<b>x*)$", ["xxxx"]],
      ["\\A(?<a>(?:ab){2}?)(?<b>.*)$", ["abab", "ab", "ababab"]],
      ["(?<a>%{INT}{2}?)-", ["12-", "-", "1-"]],
    ];
    agrees("^(?<a>x{2}?+)(?<b>x*)$", ["xxx", "x"]);
    for (const [pattern, lines] of cases) {
      expect([pattern, compileGrok(pattern).engine]).toEqual([pattern, "vectorized"]);
      agrees(pattern, lines);
    }
  });
});

describe("comments", () => {
  it("a quantifier after (?#…) applies to the atom before it (oniguruma skips comments as it reads tokens)", () => {
    expect(onigFields("\\A(?<a>a(?#c)*)")("aaa")).toEqual({ a: "aaa" });
    const lines = ["aaa", "a", "", "ab", "aab", "b"];
    for (const pattern of ["(?<a>a(?#c)*)", "(?<a>a(?#c)(?#d)+b)", "\\A(?<a>a(?#c){2})", "(?<a>a*(?#c)+b)", "(?<a>(?#c)*a)", "(?<a>b|(?#c)?a)", "(?<a>a(?#c)*?)", "(?<a>^(?#c)*a)"])
      agrees(pattern, lines);
  });
});

describe("isolated option groups", () => {
  it("(?m) and (?i) reach to the end of the enclosing group, over the alternatives that follow", () => {
    expect(onigFields("(?<a>a(?i)b|c)")("C")).toBeNull();
    expect(onigFields("(?<a>a(?i)b|c)")("aC")).toEqual({ a: "aC" });
    const cases: [string, string[]][] = [
      ["(?<a>a(?m)b|.)", ["\n", "ab", "a\n", "b", "x"]],
      ["^(?<a>a(?m).|b.)$", ["a\n", "b\n", "bx", "ab."]],
      ["(?<a>(?:(?m)a|.)(?-m).)", ["a\n", "b\n", "\n\n", "ab"]],
      ["(?<a>(?m).(?-m).)", ["\n\n", "\nx"]],
      ["(?<a>x(?m)|.)", ["x", "\n", "y"]],
      ["(?<a>a(?i)b|c)", ["C", "c", "AB", "aB", "aC", "xaCx"]],
      ["(?<a>(?i)a|b)", ["B", "A"]],
      ["(?<a>(?i)(?:a(?-i)b|c))", ["C", "AB", "Ab"]],
      ["(?<a>a(?i:b)|c)", ["C", "c", "aB"]],
    ];
    for (const [pattern, lines] of cases) agrees(pattern, lines);
    expect(compileGrok("(?<a>a(?m)b|.)").engine).toBe("vectorized");
  });
});

describe("escapes", () => {
  const LETTERS = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"];
  const lines = (c: string) => [c, `x${c}y`, "\x07\t\n\v\f\r\x1b \x01\x08", "é", "k<a>", "\\" + c, "0", "A", "_"];

  it.each(LETTERS)("\\%s, alone, in a class and before other text, is what oniguruma makes of it", (c) => {
    for (const pattern of [`(?<a>\\${c})`, `(?<a>[\\${c}])`, `(?<a>\\${c}x)`, `(?<a>[x\\${c}]+)`, `(?<a>\\${c}-)`]) agrees(pattern, lines(c));
  });

  it("unknown letters are letters, handled by the vectorized engine (\\u0041 is u0041)", () => {
    expect(onigFields("(?<a>\\u0041)")("A")).toBeNull();
    expect(onigFields("(?<a>\\u0041)")("u0041")).toEqual({ a: "u0041" });
    for (const pattern of ["(?<a>\\u0041)", "(?<a>[\\u0041]+)", "(?<a>\\q\\K\\R\\X\\N\\E\\Q\\y\\i)", "(?<a>[\\z\\A\\G\\k\\g\\K]+)"]) {
      const g = compileGrok(pattern);
      expect([pattern, g.engine, g.reason]).toEqual([pattern, "vectorized", undefined]);
    }
    agrees("(?<a>\\u0041)", ["A", "u0041", "xu0041"]);
    agrees("(?<a>[\\u0041]+)", ["A", "u0041"]);
  });

  it("\\x with missing or bad digits, \\x{…}, raw bytes forming UTF-8, octal escapes, \\c, \\C-, \\M-", () => {
    expect(onigFields("(?<a>\\xZZ)")("\u0000ZZ")).toEqual({ a: "\u0000ZZ" });
    const cases: [string, string[]][] = [
      ["(?<a>\\xZZ)", ["\u0000ZZ", "xZZ", "ZZ"]],
      ["(?<a>\\xg)", ["\u0000g", "xg"]],
      ["(?<a>[\\xZ]+)", ["\u0000Z", "x"]],
      ["(?<a>a\\x)", ["ax", "a\u0000"]],
      ["(?<a>\\x4\\x41\\x{42}\\x{}\\x{43)", ["\u0004ABx{}x{43"]],
      ["(?<a>\\x{00000041}+)", ["AAA"]],
      ["(?<a>\\xc3\\xa9+)", ["ééé", "é"]],
      ["(?<a>[\\xc3\\xa9-\\xc3\\xab]+)", ["éêëì"]],
      ["(?<a>\\xf0\\x9f\\x98\\x80)", ["😀"]],
      ["(?<a>\\303\\251)", ["é"]],
      ["(?<a>\\xc3\\251)", ["é"]],
      ["(?<a>\\101\\18\\0101\\400)", ["A\u00018\u00081\u0000"]],
      ["(?<a>[\\101-\\103]+)", ["ABCD"]],
      ["(?<a>(a)\\10)", ["a\u0008"]],
      ["(?<a>\\81)", ["81"]],
      ["(?<a>\\cA\\ca\\c1\\c@\\C-b\\M-a\\c?\\c\\\\)", ["\u0001\u0001\u0011\u0000\u0002\u00e1\u007f\u001c"]],
      ["(?<a>[\\cA-\\cC]+)", ["\u0001\u0002\u0003"]],
      ["(?<a>\\C-\\x41)", ["\u0018" + "41", "\u0001"]],
      ["(?<a>\\M-\\C-a)", ["\u0081"]],
      ["(?<a>\\x80)", ["\u0080", "x"]],
      ["(?<a>\\x{110000}|b)", ["b", "\u{10ffff}"]],
    ];
    for (const [pattern, l] of cases) agrees(pattern, l);
  });

  it("no escape ends in an internal error: every one is handled, left to grok-js, or rejected as oniguruma rejects it", () => {
    const chars = [...LETTERS, ..."0123456789\\.-[]{}()<>'^$|?*+:#=!é"];
    for (const c of chars)
      for (const pattern of [`\\${c}`, `[\\${c}]`, `\\${c}{`, `\\${c}<`, `\\${c}{x}`, `[\\${c}{x}]`, `\\${c}-`, `\\${c}0`, `\\${c}<x>`])
        expect([pattern, ourError(pattern) === null]).toEqual([pattern, onigError(pattern) === null]);
  });
});

describe("what oniguruma rejects is rejected, with the pattern and the position", () => {
  const REJECTED: [string, string][] = [
    ["(?<=a{1,2})b", 'Invalid regex (invalid pattern in look-behind) at position 4 of pattern "(?<=a{1,2})b"'],
    ["(?<=\\b)a", 'Invalid regex (invalid pattern in look-behind) at position 4 of pattern "(?<=\\\\b)a"'],
    ["x\\p{Foo}", 'Invalid regex (invalid character property name {Foo}) at position 1 of pattern "x\\\\p{Foo}"'],
    ["x[[:foo:]]", 'Invalid regex (invalid POSIX bracket type) at position 2 of pattern "x[[:foo:]]"'],
    ["a\\xe9", 'Invalid regex (too short multibyte code string) at position 1 of pattern "a\\\\xe9"'],
    ["(a)\\2", 'Invalid regex (invalid backref number/name) at position 3 of pattern "(a)\\\\2"'],
    ["a(?", 'Invalid regex (end pattern in group) at position 1 of pattern "a(?"'],
  ];
  it.each(REJECTED)("%s", (pattern, message) => {
    expect(onigError(pattern)).not.toBeNull();
    expect(ourError(pattern)).toBe(message);
  });

  it("a problem inside a definition is located there", () => {
    expect(ourError.call(null, "%{X:x}") ?? "").toMatch(/Unknown grok pattern X/);
    let message = "";
    try {
      compileGrok("%{INT:n} %{BAD:b}", { definitions: { BAD: "(?<=a|b(?:c|de))f" } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('Invalid regex (invalid pattern in look-behind) at position 10 of definition BAD (used by pattern "%{INT:n} %{BAD:b}")');
  });

  it("look-behinds: oniguruma's rules, top-level alternatives of different lengths allowed", () => {
    const lines = ["ad", "bcd", "cd", "abc", "xbc", "aab", "ab", "b", " a", "abcde", "cde", "ae", "bdef", "Ab", "xd", "-"];
    for (const pattern of [
      "(?<=a{1,2})b", "(?<=a|bc)(?<d>d)", "(?<=(?:a|bc))(?<d>d)", "(?<=(a|bc))d", "(?<=x(?:a|bc))d", "(?<=\\b)a", "(?<=\\B)a",
      "(?<=(?<x>a))(?<y>b)", "(?<!(a))b", "(?<=(?>a))b", "(?<=(?m:a))b", "(?<=(?=a)a)b", "(?<=(?!x)a)b", "(?<=(?<=a)b)(?<c>c)",
      "(?<=(?<!a)b)c", "(?<!(?<!a)b)(?<c>c)", "(?<=^a)(?<b>b)", "(?<=$)b", "(?<=\\A)(?<b>b)", "(?<=\\z)b", "(?<=\\Z)b",
      "(?<=\\G)(?<b>b)", "(?<=a?+)b", "(?<=a{2})(?<b>b)", "(?<=a{0})(?<b>b)", "(?<=(?:ab|c){2})d", "(?<=(?:ab|cd){2})(?<e>e)",
      "(?<=a(?#x)b)(?<c>c)", "(?<=|a)(?<b>b)", "(?<=a|(?:b|cd))e", "(?<=a|(?:bb|cd))(?<e>e)", "(?<=a|b(?:c|de))f",
      "(?<=(?i)a)b", "(?<=(?m)a)b", "(?<=a(?m)b)c", "(?<=\\p{Alpha})(?<b>b)", "(?<=[ab])(?<c>c)", "(?<!a|bc)(?<d>d)",
      "(?<=(a)\\1)b", "(?<=(?:a{1,2}){0})b", "(?<=a*?)b", "(?<=(?:a|bc)|d)e", "(?<=%{INT})(?<x>x)", "(?<=%{WORD})x",
    ])
      agrees(pattern, lines);
  });

  it("\\p{…}: every name oniguruma knows, and no other", () => {
    for (const name of ONIG_PROPERTY_NAMES) for (const p of [`\\p{${name}}`, `[\\P{^${name}}]`]) expect([p, onigError(p)]).toEqual([p, null]);
    for (const p of ["\\p{alpha}", "\\p{In_Greek}", "\\p{ Alpha}", "\\p{Al(pha}", "[\\p{Foo}]", "\\P{^Foo}", "\\p{}"])
      expect([p, ourError(p) !== null, onigError(p) !== null]).toEqual([p, true, true]);
    for (const name of ONIG_PROPERTY_NAMES) expect(ourError(`\\p{${name}}`)).toBeNull();
    agrees("(?<a>\\p{Alpha}+)(?<b>\\P{Alpha}*)", ["ab1", "é2", "12"]);
    agrees("(?<a>[\\p{Digit}x]+)", ["12x3", "a"]);
    agrees("(?<a>\\pL\\p)", ["pLp", "a"]);
  });

  it("\\p{ without a closing brace is \\p{NEWLINE} (a newline), and what follows the brace is read again as regex", () => {
    // hand-checked against oniguruma: fetch_char_property_to_ctype gives ctype 0 (NEWLINE) at the end of the pattern,
    // and leaves the text after the brace to be parsed (so none of ( ) { | } may follow)
    expect(onigFields("(?<a>x)\\p{Alpha$")("x\nAlpha")).toEqual({ a: "x" });
    expect(onigFields("(?<a>x)\\p{Alpha$")("xAlpha")).toBeNull();
    expect(onigFields("\\A(?<a>x)[\\p{Alpha]$")("xp")).toEqual({ a: "x" });
    expect(onigError("(?<a>x\\p{Alpha)")).toBe("invalid character property name {Alpha}");
    const lines = ["x\nAlpha", "xAlpha", "x\rAlpha", "x\u2028Alpha", "x\u0085Alpha", "xyAlpha", "x\n", "x", "xy", "xp{Alpha", "x\nAl1", "x\n\n", "xp", "xA"];
    const cases = [
      "(?<a>x)\\p{Alpha", "(?<a>x)\\P{Alpha", "(?<a>x)\\p{^Alpha", "(?<a>x)\\P{^Alpha", "(?<a>x)\\p{", "(?<a>x)\\P{", "(?<a>x)\\p{^",
      "(?<a>x)\\P{^", "\\A(?<a>x)[\\p{Alpha]$", "\\A(?<a>x)[\\P{Alpha]$", "\\A(?<a>x)[^\\p{Alpha]$", "\\A(?<a>x)[\\p{^Alpha]$",
      "\\A(?<a>x)[\\p{]$", "(?<a>x)\\p{Al.", "(?<a>x)\\p{Al*", "(?<a>x)\\p{Al\\d", "(?<a>x)\\p{*", "(?<a>x)\\p{Al[a]", "(?<a>x)\\p{$",
      "(?<a>x\\p{Alpha)", "(?<a>x)\\p{Alpha|b", "(?<a>x)\\p{Al\\}", "(?<a>x)\\p{Al\\", "(?<a>x)[a-\\p{Al]", "(?<a>x)[\\p{Al(]",
      "%{WORD:w}\\p{Alpha", "%{WORD:w}[\\P{^Alpha]",
    ];
    for (const pattern of cases) agrees(pattern, lines);
    for (const pattern of ["(?<a>x)\\p{Alpha", "\\A(?<a>x)[\\P{Alpha]$", "%{WORD:w}\\p{Alpha"])
      expect([pattern, compileGrok(pattern).engine]).toEqual([pattern, "vectorized"]);
  });

  it("[[:name:]] and its look-alikes", () => {
    const lines = ["a", "1", ":", "[", "]", "[]", "f]", "fo:[]", "al:]", "c:]]", "x", "b", "-", "_"];
    for (const pattern of [
      "(?<a>[[:alpha:]])", "(?<a>[[:^alpha:]])", "(?<a>[[:alpha]])", "(?<a>[[:Alpha:]])", "(?<a>[[:alpha:])", "(?<a>[:alpha:])",
      "(?<a>[[:a:]])", "(?<a>[[:12:]])", "(?<a>[[:foo-bar:]])", "(?<a>[[:foo])", "(?<a>[[:foo:]x])",
      "(?<a>[[:]])", "(?<a>[[::]])", "(?<a>[[:word:]])", "(?<a>[[:^foo:]])", "(?<a>[[:fooooooooooooooooooooooooo:]]+)",
      "(?<a>[[:alpha:foo:]])", "(?<a>[[:ab]c:]])", "(?<a>[[:x:]])", "(?<a>[[:alpha:]b])", "(?<a>[[:\\]:]])",
    ])
      agrees(pattern, lines);
  });

  it("back-references and calls: numbers checked against the groups, names against the groups before", () => {
    for (const pattern of ["\\g<x>(?<x>a)", "(a)\\g<2>", "\\g<x>", "(?<x>a)\\g<x>", "\\g<0>", "\\g<-1>", "(a)\\g<-1>", "\\1(a)", "(a)\\2", "(?<x>a)\\k<y>", "\\k<x>(?<x>a)", "(?<x>a)\\k<x>", "(a)\\k<1>", "(a)\\k<2>", "(a)\\k<-1>", "\\k<>", "\\k<a", "\\8", "(a)\\8"])
      expect([pattern, ourError(pattern) === null]).toEqual([pattern, onigError(pattern) === null]);
    agrees("(?<x>a)(?<y>\\k<x>)", ["aa", "a"]);
  });
});

describe("generated regexes", () => {
  const TOKENS = [
    "a", "b", ".", "\\n", "x{2}?", "{1,2}?", "{2}", "{,2}", "?", "*", "+", "|", "(?m)", "(?-m)", "(?i)", "(", ")", "(?:",
    "[ab]", "[^a]", "\\u", "\\q", "\\x41", "\\xZ", "\\x", "^", "$", "\\b", "(?<=a)", "(?<=a|bc)", "(?<!b)", "(?=a)", "\\101", "\\1",
  ];
  const property = (tokens: string[], alphabet: string) =>
    fc.property(
      fc.array(fc.constantFrom(...tokens), { minLength: 1, maxLength: 7 }),
      fc.array(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 8 }), { minLength: 5, maxLength: 10 }),
      (parts, lines) => {
        agrees(`(?<m>${parts.join("")})`, lines);
      },
    );
  it("oniguruma and compileGrok agree on validity and on every line (lines with newlines)", () => {
    fc.assert(property(TOKENS.filter((t) => t !== "^" && t !== "$"), "ab\nxuqAB\u0000\u0001"), { numRuns: 250, seed: 42 });
  });
  // Lines never hold a newline in the pipeline (it splits on them); with one at the very end,
  // oniguruma's `^` does not match after it, which the vectorized engine does not copy.
  it("oniguruma and compileGrok agree on validity and on every line (anchors, lines without newlines)", () => {
    fc.assert(property(TOKENS, "abxuqAB\u0000\u0001"), { numRuns: 250, seed: 7 });
  });
});
