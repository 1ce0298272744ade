import fc from "fast-check";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { compileGrok } from "../../src/grok/index.js";
import { run, TUTORIAL } from "./helpers.js";
import { grokJs } from "./reference.js";

/** What a Rust regex (through Polars) makes of each line: the rewrite of `replace`, or null when it does not match. */
function rewrite(regex: string, groups: number, lines: string[]): (string | null)[] {
  const replacement = Array.from({ length: groups }, (_, i) => "${" + (i + 1) + "}").join("|");
  const df = pl
    .DataFrame([pl.Series("l", lines, pl.Utf8)])
    .select(pl.col("l").str.contains(regex).alias("m"), pl.col("l").str.replace(regex, "<" + replacement + ">").alias("r"));
  const m = df.getColumn("m").toArray() as boolean[];
  const r = df.getColumn("r").toArray() as string[];
  return m.map((hit, i) => (hit ? r[i] : null));
}

const PATTERNS = [TUTORIAL.cart, TUTORIAL.web, "%{COMBINEDAPACHELOG}", "%{SYSLOGLINE}", "%{NUMBER:n} items", "%{WORD:w}", "%{IPV4:ip}"];

describe("the ASCII regex", () => {
  it("is much smaller than the full one for the tutorial patterns", () => {
    for (const p of Object.values(TUTORIAL)) {
      const g = compileGrok(p);
      expect(g.asciiRustRegex!.length * 10).toBeLessThan(g.rustRegex!.length);
      expect(g.asciiRustRegex).not.toMatch(/\\x\{[0-9a-f]{3,}\}/);
    }
  });

  it("rewrites every pure-ASCII line exactly as the full regex does", () => {
    for (const p of PATTERNS) {
      const g = compileGrok(p);
      const groups = (g.rustRegex!.match(/\((?!\?)/g) ?? []).length;
      const samples = ["1.2.3 items", "x 3 items", "hello world", "10.1.2.3", "a1.2.3.4b"];
      fc.assert(
        fc.property(fc.array(fc.oneof(fc.string({ unit: "binary-ascii", maxLength: 40 }), fc.constantFrom(...samples)), { minLength: 1, maxLength: 30 }), (lines) => {
          expect(rewrite(g.asciiRustRegex!, groups, lines)).toEqual(rewrite(g.rustRegex!, groups, lines));
        }),
        { numRuns: 15, seed: 7 },
      );
    }
  });

  it("never matches a line with a non-ASCII character, which the full regex then parses", () => {
    const g = compileGrok("%{WORD:w}");
    const lines = ["é²abc", "abc é", "\u00a0x", "😀 y", "x\x1fé", "plain"];
    expect(rewrite(g.asciiRustRegex!, 1, lines)).toEqual([null, null, null, null, null, "<plain>"]);
    const ref = grokJs("%{WORD:w}");
    expect(run(g, lines)).toEqual(lines.map((l) => ref(l)));
    expect(run(g, lines)[0]).toEqual({ w: "é²abc" });
  });
});
