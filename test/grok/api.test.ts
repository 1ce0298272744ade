import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { compileGrok, grokDebug, grokLines, parseDefinitions } from "../../src/grok/index.js";
import { run } from "./helpers.js";

describe("type suffixes", () => {
  it("give Int64 / Float64 columns, null when the capture is not a number", () => {
    const g = compileGrok("%{NOTSPACE:a:int} %{NOTSPACE:b:float} %{NOTSPACE:c}");
    expect(g.fields).toEqual([
      { name: "a", type: "int" },
      { name: "b", type: "float" },
      { name: "c", type: "string" },
    ]);
    const df = g.apply(pl.DataFrame({ l: ["12 1.5 x", "-3 .5e1 y", "1.5 abc z"] }).lazy(), "l").collectSync();
    expect(df.getColumn("a").dtype.equals(pl.Int64)).toBe(true);
    expect(df.getColumn("b").dtype.equals(pl.Float64)).toBe(true);
    expect(df.getColumn("a").toArray().map((v) => (v === null ? null : Number(v)))).toEqual([12, -3, null]);
    expect(df.getColumn("b").toArray()).toEqual([1.5, 5, null]);
  });

  it("grokLines types the same way, leaving out what is absent", () => {
    const g = compileGrok("%{NOTSPACE:a:int} %{NOTSPACE:b:float}(?: %{WORD:c})?");
    expect(grokLines(g, ["12 1.5", "x 2 w", "nothing"])).toEqual([{ a: 12, b: 1.5 }, { b: 2, c: "w" }, null]);
  });
});

describe("user definitions", () => {
  it("inline definitions add and override shipped ones", () => {
    const g = compileGrok("%{SKU:sku} %{WORD:w}", { definitions: { SKU: "[A-Z]{3}-\\d{4}", WORD: "[a-z]+" } });
    expect(run(g, ["ABC-1234 hello", "ABC-1234 Hello", "AB-1234 x"])).toEqual([{ sku: "ABC-1234", w: "hello" }, null, null]);
  });

  it("Logstash-format files, overridden in turn by inline definitions", () => {
    const dir = mkdtempSync(join(tmpdir(), "grok-defs-"));
    const file = join(dir, "patterns");
    writeFileSync(file, "# shop patterns\n\nSKU [A-Z]{3}-\\d{4}\nORDER ORD%{INT}\r\n");
    expect([...parseDefinitions("# c\nA x y\n  B z\nC_1 \\d+\n")]).toEqual([["A", "x y"], ["C_1", "\\d+"]]);
    const g = compileGrok("%{ORDER:o} %{SKU:s}", { definitionFiles: [file] });
    expect(run(g, ["ORD12 XYZ-0001"])).toEqual([{ o: "ORD12", s: "XYZ-0001" }]);
    const h = compileGrok("%{ORDER:o}", { definitionFiles: [file], definitions: { ORDER: "O%{INT}" } });
    expect(run(h, ["ORD12 O7"])).toEqual([{ o: "O7" }]);
  });

  it("inline named groups are fields too", () => {
    const g = compileGrok("(?<user>[a-z]+)@%{HOSTNAME:host}");
    expect(g.fields.map((f) => f.name)).toEqual(["user", "host"]);
    expect(run(g, ["mail bob@example.org now"])).toEqual([{ user: "bob", host: "example.org" }]);
  });
});

describe("engines", () => {
  it("the exact engine gives the same columns as the vectorized one", () => {
    const lines = ["a 1.5 b", "n=100", "x", "é 2"];
    const exact = compileGrok("%{WORD:w} %{NUMBER:n:float}(?=\\s)");
    expect(exact.engine).toBe("exact");
    expect(exact.reason).toMatch(/^atomic group followed by an assertion at the end of the pattern, at position \d+ of definition BASE10NUM/);
    const vec = compileGrok("%{WORD:w} %{NUMBER:n:float}");
    expect(run(exact, lines.map((l) => l + " "))).toEqual(run(vec, lines));
  });

  // No time limit: a backtracking engine without grok's atomic groups never finishes these.
  it("QUOTEDSTRING near-misses (10,000 backslashes) finish in both engines (atomic groups kept for oniguruma)", () => {
    const nearMiss = '"' + "\\".repeat(10000) + "a".repeat(10000);
    const exact = compileGrok("%{QS:q}(?i:x)");
    expect(exact.engine).toBe("exact");
    expect(exact.reason).toMatch(/^option \(\?i\)/);
    expect(run(exact, [nearMiss, nearMiss + '"x'])).toEqual([null, { q: nearMiss + '"' }]);
    expect(run(compileGrok("%{QS:q}"), [nearMiss, "'" + "\\'".repeat(10000)])).toEqual([null, null]);
  }, 0); // 0: vitest's own timeout switched off for this test

  it("lines containing the capture separator U+001F still parse exactly", () => {
    const g = compileGrok("%{WORD:a} %{DATA:b};");
    expect(run(g, ["x y\x1fz;", "x \x1f;", "k v;"])).toEqual([{ a: "x", b: "y\x1fz" }, { a: "x", b: "\x1f" }, { a: "k", b: "v" }]);
  });
});

describe("grokDebug", () => {
  it("prints one NDJSON line per input line", () => {
    expect(grokDebug("%{WORD:verb} %{INT:code:int}", {}, ["GET 200", "?", "POST 201 x"])).toEqual([
      '{"verb":"GET","code":200}',
      "null",
      '{"verb":"POST","code":201}',
    ]);
    expect(grokDebug("n=%{NUMBER:a:int}0", {}, ["n=100", "n=1 0"])).toEqual(["null", "null"]);
  });
});

describe("portability", () => {
  it("importing the package and running the vectorized engine never loads oniguruma", () => {
    const script = `
      const g = await import(${JSON.stringify(join(process.cwd(), "src/grok/index.ts"))});
      const pl = (await import("nodejs-polars")).default;
      const c = g.compileGrok("%{WORD:w}");
      c.apply(pl.DataFrame({ l: ["hi"] }).lazy(), "l").collectSync();
      const { createRequire } = await import("node:module");
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => /oniguruma|grok-js/.test(k));
      console.log(JSON.stringify(loaded));`;
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(out.trim().split("\n").pop()!)).toEqual([]);
  });
});
