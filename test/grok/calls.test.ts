import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { grokJsMatcher } from "../../src/grok/exact/grok-js.js";
import { compileGrok } from "../../src/grok/index.js";
import { differences, onigError, ourError } from "./onig.js";

/**
 * Subexpression calls `\g<name>`, `\g<N>` (and back-references) as oniguruma 5.9 compiles
 * them after the parse: calls resolved over the whole pattern (forward ones too), recursion
 * found and never-ending recursion rejected, look-behind lengths measured through the called
 * groups, and the errors in the order its compiler finds them.
 */

/** Both accept and agree on every line, or both reject, ours with oniguruma's message and a position. */
function agrees(pattern: string, lines: string[]) {
  const theirs = onigError(pattern);
  const mine = ourError(pattern);
  if (theirs !== null || mine !== null) {
    expect({ pattern, mine, theirs }).toEqual({
      pattern,
      mine: expect.stringContaining(`Invalid regex (${theirs}) at position `),
      theirs: expect.any(String),
    });
    return;
  }
  expect(differences(pattern, lines)).toEqual([]);
}

const LINES = ["ab", "aab", "abb", "bcd", "ad", "b", "abab", "aaab", "xyab", "xab", "cabc", "aac", "abc", "(())", "()", "y", "xy", "ac", "bc", "a1b", ""];

describe("calls in look-behinds: lengths measured through the called group", () => {
  it.each([
    "(?<w>a)(?<=\\g<w>)(?<b>b)", "(?<w>a|bc)(?<=\\g<w>)d", "(?<=\\g<w>)(?<w>a)", "(?<=\\g<w>)(?<w>a|bc)", "(?<=\\g<w>|xy)(?<w>ab)",
    "(?<=\\g<w>|x)(?<w>ab)", "(?<!\\g<w>)(?<w>a)", "(?<w>(?<v>a))(?<!\\g<w>)b", "(?<w>(?=a)a)(?<=\\g<w>)b", "(?<w>a\\b)(?<=\\g<w>)b",
    "(?<w>a+)(?<=\\g<w>)b", "(?<w>a{2})(?<=\\g<w>)(?<b>b)", "(?<w>a\\g<w>?b)(?<=\\g<w>)", "(?<w>a|(?<=\\g<w>)b)", "(?<w>a)(?<=\\g<w>{2})(?<b>b)",
    "(?<w>\\w)(?<=\\g<w>\\g<w>)(?<c>c)", "(?<w>(a)\\2)(?<=\\g<w>)b", "(?<w>(?>a))(?<=\\g<w>)b", "(?<w>(?i:a))(?<=\\g<w>)b", "(?<w>a)(?<=(?:\\g<w>|bc))d",
    "(a)(?<=\\g<1>)(?<b>b)", "(?<=\\g<1>)(a|bc)", "(?<=\\g<+1>)(ab)", "(?<w>\\g<v>)(?<v>ab)(?<=\\g<w>)(?<c>c)", "(?<w>a(?<=\\g<v>))(?<v>b)",
    "%{WORD:w}(?<=\\g<w>)", "(?<x>%{INT:n})(?<=\\g<n>)", "(?<w>a(?:b|cd))(?<=\\g<w>)", "(?<w>a(?:b|c))(?<=\\g<w>)(?<d>d)",
  ])("%s", (pattern) => agrees(pattern, LINES));
});

describe("recursive calls: never-ending recursion rejected as oniguruma rejects it", () => {
  it.each([
    "(?<w>\\g<w>)", "(?<w>a\\g<w>)", "(?<w>a|\\g<w>)", "(?<w>\\g<w>a|b)", "(?<w>b|a\\g<w>)", "(?<w>(?:a\\g<w>)?)", "(?<w>a*\\g<w>|b)",
    "(?<w>(?=a)\\g<w>|b)", "(?<a>\\g<b>)(?<b>\\g<a>)", "(?<a>x\\g<b>?)(?<b>y\\g<a>)", "(a\\g<1>)", "(a\\g<1>?)", "(?<a>\\g<b>\\g<a>|c)(?<b>y\\g<a>?)",
    "(?<w>\\(\\g<w>*\\))", "(?<w>a\\g<w>{0})", "(?<w>\\k<w>\\g<w>|b)", "(?<w>(?<v>x)\\k<v>?\\g<w>|b)", "(?<w>a\\g<w>{2}|b)", "(?<w>(?>\\g<w>)|b)",
    "\\g<w>(?<w>a|b\\g<w>)", "(?<a>b\\g<c>?)(?<c>\\g<a>a)", "(?<a>\\g<b>?\\g<a>|y)(?<b>x)", "(?<a>(?:\\g<b>|)\\g<a>|y)(?<b>x)",
  ])("%s", (pattern) => agrees(pattern, LINES));
});

describe("errors in the order oniguruma's compiler finds them", () => {
  it.each([
    "(?<w>\\g<w>)(?<=a+)", "(?<=a+)\\g<x>", "(?<=a+)(", "(a)\\2\\g<3>", "(?:(?<=a+)\\5)+", "\\5(?<=a+)", "(?<=a+)\\5", "(?<=a+)(?<w>\\g<w>)",
    "(?<=\\1)(a)", "(?:\\5)+(?<=a+)", "(?<w>\\5)?(?<=a+)", "x(?<w>a)(?<=\\g<w>+)", "(?<w>a)(?<=\\g<w>{2,3})",
  ])("%s", (pattern) => agrees(pattern, LINES));

  it("names in messages are cut to 27 bytes as oniguruma cuts them", () => {
    const long = "a".repeat(40);
    for (const pattern of [`\\g<${long}>`, `(?<m>\\g<a${long})`, `\\p{${long}}`, `\\k<${long}>`, `\\g<${"é".repeat(20)}>`, `\\g<ab${"é".repeat(20)}>`, `\\k<@${long}>`])
      agrees(pattern, LINES);
    expect(ourError(`\\g<${long}>`)).toMatch(/^Invalid regex \(undefined name <a{27}\.\.\.> reference\)/);
  });

  it("a never-ending recursion is located at its group", () => {
    expect(ourError("ab(?<w>a|\\g<w>)")).toBe('Invalid regex (never ending recursion) at position 2 of pattern "ab(?<w>a|\\\\g<w>)"');
  });

  it("a regex that oniguruma would reject after all fails when the exact engine is built, saying so", () => {
    expect(() => grokJsMatcher("(?<w>a|\\g<w>)", ["w"], "P", "test")).toThrow(
      'Grok pattern "P": grok-js\'s oniguruma rejects its regex (never ending recursion), which compileGrok\'s checks accepted',
    );
  });

  it("patterns with calls take the exact engine and say so", () => {
    const g = compileGrok("(?<w>a)(?<=\\g<w>)(?<b>b)");
    expect([g.engine, g.reason]).toEqual(["exact", 'look-behind (?<=…) that the vectorized engine cannot express, at position 7 of pattern "(?<w>a)(?<=\\\\g<w>)(?<b>b)"']);
    expect(compileGrok("(?<w>b|a\\g<w>)").reason).toBe('subexpression call, at position 8 of pattern "(?<w>b|a\\\\g<w>)"');
  });
});

describe("generated regexes with groups, calls and back-references", () => {
  const TOKENS = [
    "(?<a>", "(?<b>", "(", "(?:", ")", "a", "b", "|", "?", "*", "{2}", "\\g<a>", "\\g<b>", "\\g<1>", "\\g<2>", "\\g<-1>", "\\k<a>",
    "\\k<b>", "\\1", "\\2", "(?<=", "(?<!", "(?=", "(?>", "\\b", "^",
  ];
  it("oniguruma and compileGrok agree on validity, the message and every line", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 9 }),
        fc.array(fc.string({ unit: fc.constantFrom(..."abx"), maxLength: 6 }), { minLength: 4, maxLength: 8 }),
        (parts, lines) => {
          // a name defined twice is an error here (a field captured twice), not in oniguruma
          fc.pre(parts.filter((t) => t === "(?<a>").length <= 1 && parts.filter((t) => t === "(?<b>").length <= 1);
          agrees(`(?<m>${parts.join("")})`, lines);
        },
      ),
      { numRuns: 600, seed: 3 },
    );
  });
});
