import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGrok, grokDebug, shippedDefinitions } from "../../src/grok/index.js";
import { shippedPatternsDir } from "../../src/grok/library.js";
import { CLI } from "../support/cli.js";
import { run, TUTORIAL } from "./helpers.js";
import { grokJs } from "./reference.js";
import { captureGroups } from "./onig.js";

/**
 * Points of issue 3 that the other grok tests leave implicit: the differential test on the
 * repository's own fixtures, the engine of every named pattern, the two examples
 * checked against grok-js itself, user patterns with the constructs the vectorized engine
 * must rewrite or leave to grok-js, definition files overriding shipped definitions, and
 * the grok debugger reading standard input and running the exact engine.
 */

const require = createRequire(import.meta.url);

/** Captures without nulls, values as strings, keys sorted: how grok-js and the engine are compared. */
const canonical = (r: Record<string, unknown> | null) =>
  r === null
    ? null
    : Object.fromEntries(
        Object.entries(r)
          .filter(([, v]) => v !== null && v !== undefined)
          .map(([k, v]) => [k, String(v)])
          .sort(),
      );

interface GrokJsCollection {
  loadSync(file: string): number;
  createPattern(p: string): { resolved: string; fields: (string | null)[]; parseSync(l: string): Record<string, string> | null };
}

/**
 * The reference: grok-js (its definitions, then `files` on top, as Logstash's patterns_dir
 * does) expands the pattern and oniguruma matches it, each group read as the field it is.
 */
function oniguruma(pattern: string, files: string[] = []): (line: string) => Record<string, string> | null {
  const collection = (require("grok-js") as { loadDefaultSync(): GrokJsCollection }).loadDefaultSync();
  for (const f of files) collection.loadSync(f);
  const p = collection.createPattern(pattern.replace(/(%\{\w+:\w+):(?:int|float)\}/g, "$1}"));
  p.fields = [null, ...captureGroups(p.resolved)];
  return (line) => p.parseSync(line);
}

const compiled = new Map<string, { grok: ReturnType<typeof compileGrok>; reference: ReturnType<typeof oniguruma> }>();

/** The lines where `compileGrok(pattern, options).apply` and the reference differ. */
function differences(pattern: string, lines: string[], options: { definitionFiles?: string[] } = {}) {
  const key = JSON.stringify([pattern, options]);
  if (!compiled.has(key)) compiled.set(key, { grok: compileGrok(pattern, options), reference: oniguruma(pattern, options.definitionFiles) });
  const { grok, reference } = compiled.get(key)!;
  const mine = run(grok, lines).map(canonical);
  return lines.flatMap((line, i) => {
    const theirs = canonical(reference(line));
    return JSON.stringify(mine[i]) === JSON.stringify(theirs) ? [] : [{ line, mine: mine[i], theirs }];
  });
}

const PALETTE = [..."0123456789.+-_aZé '\"\\=;x"];
const nearMiss = (line: string) =>
  fc.oneof(
    fc.constant(line),
    fc.nat(line.length).map((i) => line.slice(0, i) + line.slice(i + 1)),
    fc.tuple(fc.nat(line.length), fc.constantFrom(...PALETTE)).map(([i, c]) => line.slice(0, i) + c + line.slice(i)),
    fc.tuple(fc.nat(line.length), fc.integer({ min: 1, max: 3 })).map(([i, n]) => line.slice(0, i) + line.slice(i, i + n).repeat(2) + line.slice(i + n)),
    fc.nat(line.length).map((i) => line.slice(0, i)),
    fc.tuple(fc.constantFrom("", "x", "1", " ", "."), fc.constantFrom("", "x", "0", " ", ".")).map(([a, b]) => a + line + b),
  );
const linesNear = (samples: string[]) => fc.array(fc.constantFrom(...samples).chain(nearMiss), { minLength: 10, maxLength: 40 });

describe("differential on the repository's fixtures (fixtures/logs)", () => {
  const fixtureLines = (stream: string) =>
    readdirSync("fixtures/logs")
      .filter((f) => f.startsWith(`${stream}_`) && !f.endsWith(".gz"))
      .flatMap((f) => readFileSync(join("fixtures/logs", f), "utf8").split("\n"))
      .filter((l) => l.trim() !== "");

  it.each(Object.keys(TUTORIAL) as (keyof typeof TUTORIAL)[])("every %s line parses as grok-js parses it", (stream) => {
    const lines = fixtureLines(stream);
    expect(lines.length).toBeGreaterThan(900);
    expect(differences(TUTORIAL[stream], lines)).toEqual([]);
    fc.assert(
      fc.property(linesNear(lines.slice(0, 200)), (near) => {
        expect(differences(TUTORIAL[stream], near)).toEqual([]);
      }),
      { numRuns: 15, seed: 3 },
    );
  });
});

describe("engines of the issue's named patterns", () => {
  it.each([
    ...Object.values(TUTORIAL),
    "%{COMMONAPACHELOG}",
    "%{COMBINEDAPACHELOG}",
    "%{SYSLOGLINE}",
    "%{IP:client} %{WORD:method} %{URIPATHPARAM:request} %{NUMBER:bytes} %{NUMBER:duration}",
  ])("%s takes the vectorized engine, without a reason", (pattern) => {
    const g = compileGrok(pattern);
    expect(g.engine).toBe("vectorized");
    expect(g.reason).toBeUndefined();
  });
});

describe("the issue's two examples, against grok-js's oniguruma", () => {
  it.each([
    ["%{NUMBER:n} items", ["1.2.3 items", "1.2 items", "x1.2 items", "-1.2.3 items", "1..2 items", "3 items"]],
    ["n=%{NUMBER:a}0", ["n=100", "n=10", "n=1.00", "n=0.0", "n=10.0x", "n=1 0", "n=-0"]],
  ])("%s", (pattern, lines) => {
    expect(run(compileGrok(pattern), ["1.2.3 items", "n=100"])).toEqual([null, null]);
    expect(differences(pattern, lines)).toEqual([]);
    fc.assert(
      fc.property(linesNear(lines), (near) => {
        expect(differences(pattern, near)).toEqual([]);
      }),
      { numRuns: 25, seed: 11 },
    );
  });
});

describe("user patterns with look-around, atomic groups, possessive quantifiers, back-references, options", () => {
  const CASES: [string, string[]][] = [
    ["(?<=id=)%{INT:id} %{WORD:w}", ["id=12 ab", "xid=3 c", "id=a b", "id=12ab c", "id=-4 z"]],
    ["(?<![\\d.])%{INT:n}(?![\\d.])", ["a 12 b", "1.2", "x12y", "-3.", "7"]],
    ["%{INT:n}(?! ms)", ["12 ms", "12 s", "123 ms", "1 ms"]],
    ["(?>\\d+)\\.%{INT:frac}", ["12.5", "1.", ".5", "a1.22"]],
    ["%{WORD:k}=\\d++(?<tail>[a-z]*)", ["a=12bc", "a=12", "b=x", "a=1b=2c"]],
    ["(['\"])%{WORD:w}\\1", ["'ab'", "\"ab'", "\"ab\"", "x 'a' \"b\""]],
    ["(?i)user=%{WORD:u}", ["USER=bob", "user=x", "Usr=a", "uSeR=é"]],
    ["%{QS:q} %{WORD:w}", ['"a\\"b" c', "'x' y", '"unbalanced c', "'' z"]],
  ];
  it.each(CASES)("%s gives what grok-js gives, and its engine says why when exact", (pattern, samples) => {
    const g = compileGrok(pattern);
    if (g.engine === "exact") expect(g.reason).toMatch(/, at position \d+ of (pattern|definition) /);
    else expect(g.reason).toBeUndefined();
    expect(differences(pattern, samples)).toEqual([]);
    fc.assert(
      fc.property(linesNear(samples), (near) => {
        expect(differences(pattern, near)).toEqual([]);
      }),
      { numRuns: 20, seed: 5 },
    );
  });

  it("fields are oniguruma's groups, where grok-js itself misnames them after (?<= and (?i)", () => {
    expect(grokJs("(?<=id=)%{INT:id} %{WORD:w}")("id=12 ab")).toEqual({ id: "ab" });
    expect(run(compileGrok("(?<=id=)%{INT:id} %{WORD:w}"), ["id=12 ab"])).toEqual([{ id: "12", w: "ab" }]);
    expect(grokJs("(?i)user=%{WORD:u}")("USER=bob")).toEqual({});
    expect(run(compileGrok("(?i)user=%{WORD:u}"), ["USER=bob"])).toEqual([{ u: "bob" }]);
  });

  it("a back-reference takes the exact engine, and the reason names it", () => {
    const g = compileGrok("(['\"])%{WORD:w}\\1");
    expect(g.engine).toBe("exact");
    expect(g.reason).toMatch(/^back-reference, at position \d+ of pattern/);
  });
});

describe("definition files override shipped definitions", () => {
  const dir = mkdtempSync(join(tmpdir(), "grok-override-"));
  const file = join(dir, "patterns");
  writeFileSync(file, "# two-digit ints\nINT [0-9]{2}\n");
  const users = join(dir, "users");
  writeFileSync(users, "# lower-case user names (USER, and so COMMONAPACHELOG's ident and auth, use it)\nUSERNAME [a-z]+\n");


  it("a shipped name redefined in a file takes the file's definition, also inside other shipped definitions", () => {
    expect(shippedDefinitions().get("INT")).not.toBe("[0-9]{2}");
    expect(readdirSync(shippedPatternsDir())).toContain("grok-patterns");
    const opts = { definitionFiles: [file] };
    expect(run(compileGrok("n=%{INT:n}", opts), ["n=12345"])).toEqual([{ n: "12" }]);
    const apache = [
      '127.0.0.1 bob frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 2326',
      '127.0.0.1 bob Frank [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 2326',
      '127.0.0.1 bob fr4nk [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 2326',
      '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 2326',
    ];
    const [lower, upper, digit, dash] = run(compileGrok("%{COMMONAPACHELOG}", { definitionFiles: [users] }), apache);
    expect(lower).toMatchObject({ ident: "bob", auth: "frank" });
    expect([upper, digit, dash]).toEqual([null, null, null]);
    expect(run(compileGrok("%{COMMONAPACHELOG}"), apache).map((r) => r?.auth)).toEqual(["frank", "Frank", "fr4nk", "-"]);
    for (const definitionFiles of [[file], [users], [file, users]])
      for (const pattern of ["n=%{INT:n}", "%{COMMONAPACHELOG}", "%{NUMBER:x} %{WORD:w}"])
        expect(differences(pattern, ["n=12345", "n=1", ...apache, "12 ab", "123.5 c"], { definitionFiles })).toEqual([]);
  });

  it("inline definitions override both the file and the shipped ones", () => {
    const g = compileGrok("n=%{INT:n}", { definitionFiles: [file], definitions: { INT: "[0-9]{3}" } });
    expect(run(g, ["n=12345", "n=12"])).toEqual([{ n: "123" }, null]);
  });
});

describe("sessionize grok (the built CLI)", () => {
  const grok = (args: string[], input: string) =>
    spawnSync(process.execPath, [CLI, "grok", ...args], { input, encoding: "utf8" });

  it("reads standard input given -, typed suffixes included", () => {
    const r = grok(["--pattern", "%{IP:client} %{WORD:method} %{URIPATHPARAM:request} %{NUMBER:bytes:int} %{NUMBER:duration:float}", "-"], "55.3.244.1 GET /index.html 15824 0.043\nnope\n");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe('{"client":"55.3.244.1","method":"GET","request":"/index.html","bytes":15824,"duration":0.043}\nnull\n');
  });

  it("runs a pattern that needs the exact engine (grok-js under Node), giving what grok-js gives", () => {
    const pattern = "%{WORD:w} %{NUMBER:n:float}(?=\\s)";
    expect(compileGrok(pattern).engine).toBe("exact");
    const r = grok(["--pattern", pattern, "-"], "a 1.5 b\nx\nn=100 2 \n");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('{"w":"a","n":1.5}\nnull\n{"w":"100","n":2}\n');
    expect(r.stdout.trimEnd().split("\n")).toEqual(grokDebug(pattern, {}, ["a 1.5 b", "x", "n=100 2 "]));
  });

  it("names the position of an invalid regex and exits non-zero", () => {
    const r = grok(["--pattern", "%{INT:n} (x", "-"], "1 x\n");
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^sessionize: Invalid regex \(end pattern with unmatched parenthesis\) at position \d+ of pattern "%\{INT:n\} \(x"/);
  });
});
