import { describe, expect, it } from "vitest";
import { compileGrok } from "../../src/grok/index.js";
import { run } from "./helpers.js";
import { differences, grokJsResolved, onigError, onigFields, ourError } from "./onig.js";

/**
 * grok-js writes `%{NAME:field}` as the named group `(?<field>…)`, so a field is a name that
 * `\k<field>` and `\g<field>` may refer to. Its oniguruma module compiles with
 * ONIG_OPTION_CAPTURE_GROUP, so plain groups keep capturing next to named ones and every
 * group, named or not, has its number in pattern order (`\1`, `\k<1>`, `\g<1>`, `\k<-1>`).
 */

/** Both accept and agree on every line, or both reject with oniguruma's message. */
function agrees(pattern: string, lines: string[]) {
  const theirs = onigError(pattern);
  const mine = ourError(pattern);
  if (theirs !== null || mine !== null) {
    expect({ pattern, mine, theirs }).toEqual({ pattern, mine: expect.stringContaining(`Invalid regex (${theirs}) at position `), theirs: expect.any(String) });
    return;
  }
  expect(differences(pattern, lines)).toEqual([]);
}

describe("grok fields are named groups, as grok-js writes them", () => {
  it("the regex given to oniguruma is grok-js's own", () => {
    for (const pattern of ["%{WORD:w} \\k<w>", "%{IP:client} %{WORD:method}", "(x)%{INT:n:int}(?<y>a)"])
      expect([pattern, compileGrok(pattern).onigRegex]).toEqual([pattern, grokJsResolved(pattern)]);
  });

  it("\\k<field> refers back to a grok field, on the exact engine", () => {
    const g = compileGrok("%{WORD:w} \\k<w>");
    expect(g.engine).toBe("exact");
    expect(g.reason).toBe('back-reference, at position 10 of pattern "%{WORD:w} \\\\k<w>"');
    agrees("%{WORD:w} \\k<w>", ["ab ab", "ab ac", "x ab ab", "ab abc", "ab", "", "a b b"]);
    agrees("%{INT:n:int}-\\k<n>", ["12-12", "12-13", "1-1-1"]);
  });

  it("mixes of fields, named and plain groups with \\N, \\k<…> and \\g<…>: numbered in pattern order", () => {
    const lines = ["ab 1 ab ab", "ab 1 1 ab", "1 ab 1 ab", "1 ab 2 cd", "1 ab 1 cd", "ab ab", "ab cd", "a 1 a 1 a", "ab 1 1 1"];
    for (const pattern of [
      "%{WORD:w} (\\d) \\1 \\k<w>",
      "%{WORD:w} (\\d) \\2 \\k<w>",
      "(\\d) %{WORD:w} \\1 \\2",
      "(\\d) %{WORD:w} \\g<1> \\g<w>",
      "(?<n>\\d) %{WORD:w} \\k<n> \\g<2>",
      "%{WORD:w} \\k<-1>",
      "%{WORD:w} \\g<-1>",
      "%{WORD:w} \\k<1>",
      "%{WORD:w} \\g<1>",
      "\\g<w> %{WORD:w}",
      "\\g<2> (\\d) %{WORD:w}",
      "(?<a>\\w) (\\d) %{WORD:w} \\k<a> \\3",
      "%{WORD:w} (\\d) \\3",
    ])
      agrees(pattern, lines);
  });

  it("what oniguruma rejects about these references is rejected, with its message and the position", () => {
    for (const pattern of ["\\k<w> %{WORD:w}", "%{WORD:w}(?<=\\k<w>)", "%{WORD:w} \\k<v>", "%{WORD:w} \\g<v>", "%{WORD:w} \\k<-2>", "%{WORD:w} \\g<2>"])
      agrees(pattern, ["ab ab"]);
    expect(ourError("\\k<w> %{WORD:w}")).toBe('Invalid regex (undefined name <w> reference) at position 0 of pattern "\\\\k<w> %{WORD:w}"');
  });

  it("a field inside a definition is a name too", () => {
    const lines = ["a=a", "a=b", "x ab=ab", "ab=abc"];
    const inline = "%{WORD:key}=\\k<key>";
    agrees(inline, lines);
    const g = compileGrok("%{PAIR}", { definitions: { PAIR: inline } });
    expect(g.engine).toBe("exact");
    expect(run(g, lines)).toEqual(run(compileGrok(inline), lines));
  });

  it("group names as oniguruma reads them; only (?<[A-Za-z0-9_]+>…) groups are fields, as in grok-js", () => {
    // grok-js takes a field from `(?<name>` with name in [A-Za-z0-9_] only: `(?'a'…)`, `(?<é>…)` capture, unnamed
    expect(onigFields("(?'a'x)(?<é>y)(?<b>z)")("xyz")).toEqual({ b: "z" });
    const lines = ["xx", "x", "xy", "ab ab", "x1", "x)"];
    for (const pattern of [
      "(?<é>x)\\k<é>", "(?<a b>x)", "(?<1a>x)", "(?<a-b>x)", "(?<-a>x)", "(?<a\u00b7>x)\\g<a\u00b7>", "(?<a", "(?<>x)", "(?<a)x)",
      "(?'a'x)\\k<a>", "(?'a'x)", "(?<a'x)", "%{WORD:w} (?'v'\\d)", "(?'a'x)(?'a'y)", "(?'a'x)(?'a'y)\\g<a>", "(?<a1>x)(?<_>x?)",
    ])
      agrees(pattern, lines);
    expect(compileGrok("(?'a'x)(?<é>y)(?<b>z)").fields.map((f) => f.name)).toEqual(["b"]);
  });
});
