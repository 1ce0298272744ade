/**
 * Line anchors on text that holds newlines (a user's own column can; log lines cannot):
 * oniguruma's `^` matches at the start and after a newline, but never at the very end
 * of a text that ends with one, where Rust's `(?m:^)` does. A `^` that can stand at the
 * end of the match therefore takes the exact engine; every other `^` and every `$` stays
 * vectorized. Compared with grok-js's oniguruma itself.
 */
import { describe, expect, it } from "vitest";
import { compileGrok } from "../../src/grok/index.js";
import { differences } from "./onig.js";

const LINES = ["a\n", "a\nb", "\n", "", "a", "x\n\n", "ab\ncd\n", "\na", "a\r\n", "1\n2\n"];

describe("^ and $ on text holding newlines", () => {
  it.each([
    "(?<x>a)\\n^",
    "(?<x>\\n)^",
    "^$",
    "(?<x>[a-z]*)\\n^(?<y>[a-z]*)",
    "^(?<x>[a-z]*)$",
    "(?<x>a)$",
    "(?<x>\\n)$",
    "^(?<x>\\w+)",
    "(?<x>\\w)\\n^(?<y>\\w)",
    "%{WORD:w}\\n^",
  ])("%s: the same fields as oniguruma on every line", (pattern) => {
    expect(differences(pattern, LINES)).toEqual([]);
  });

  it("keeps a ^ that must be followed by a character on the vectorized engine", () => {
    expect(compileGrok("^%{WORD:w}").engine).toBe("vectorized");
    expect(compileGrok("(?<x>\\w)\\n^(?<y>\\w)").engine).toBe("vectorized");
    expect(compileGrok("(?<x>a)$").engine).toBe("vectorized");
  });

  it("sends a ^ that can stand at the end of the match to the exact engine, saying why", () => {
    const g = compileGrok("(?<x>a)\\n^");
    expect(g.engine).toBe("exact");
    expect(g.reason).toMatch(/\^ that can stand at the end of the match/);
  });
});
