import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The built package finds grok-js (its pattern files, and the exact engine) when imported
 * from `node --input-type=module -e`, from any working directory, and also when its own
 * file sits where grok-js does not resolve (then from the working directory).
 */
const ROOT = resolve(".");
let withGrokJs: string;
let withoutGrokJs: string;
let elsewhere: string;

/** A copy of the built ESM entry in `<dir>/dist`, with the given packages linked into `<dir>/node_modules`. */
function install(dir: string, packages: string[]): string {
  mkdirSync(join(dir, "dist"), { recursive: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  copyFileSync(join(ROOT, "dist/index.js"), join(dir, "dist/index.js"));
  for (const p of packages) symlinkSync(join(ROOT, "node_modules", p), join(dir, "node_modules", p), "dir");
  return pathToFileURL(join(dir, "dist/index.js")).href;
}

const SCRIPT = (url: string) => `
import { createRequire } from "node:module";
import { compileGrok, shippedDefinitions } from ${JSON.stringify(url)};
const pl = createRequire(${JSON.stringify(join(ROOT, "package.json"))})("nodejs-polars");
const g = compileGrok("(?i)%{WORD:w} %{INT:n:int}");
const out = g.apply(pl.DataFrame({ line: ["ab 12 ", "x"] }).lazy(), "line").collectSync();
console.log(JSON.stringify({ engine: g.engine, int: shippedDefinitions().get("INT"), rows: out.select("w", "n").toRecords() }));
`;

function runModule(url: string, cwd: string) {
  return spawnSync(process.execPath, ["--input-type=module", "-e", SCRIPT(url)], { cwd, encoding: "utf8" });
}

beforeAll(() => {
  const base = mkdtempSync(join(tmpdir(), "sessionize-require-"));
  // nodejs-polars is resolved from the copy itself (a bare import); grok-js is what is looked up
  withGrokJs = install(join(base, "with"), ["nodejs-polars", "grok-js"]);
  withoutGrokJs = install(join(base, "without"), ["nodejs-polars"]);
  elsewhere = join(base, "cwd");
  mkdirSync(elsewhere);
});

const EXPECTED = { engine: "exact", int: "(?:[+-]?(?:[0-9]+))", rows: [{ w: "ab", n: 12 }, { w: null, n: null }] };
// the exact engine (the option group) loads grok-js: its module is found as its patterns are

describe("finding grok-js from the built package", () => {
  it("node --input-type=module -e, importing the package, from an unrelated working directory", () => {
    const r = runModule(withGrokJs, elsewhere);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual(EXPECTED);
  });

  it("a copy of the package where grok-js does not resolve falls back to the working directory", () => {
    const r = runModule(withoutGrokJs, ROOT);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual(EXPECTED);
  });

  it("where neither resolves, the error says that grok-js is missing and where it was looked for", () => {
    const r = runModule(withoutGrokJs, elsewhere);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("sessionize cannot find the grok-js package (its pattern files and exact engine)");
    expect(r.stderr).toContain(elsewhere);
  });
});
