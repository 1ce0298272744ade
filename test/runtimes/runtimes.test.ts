import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The built package (dist/, built by the global setup) runs the whole pipeline on the
 * fixtures under Node, Bun and Deno, imported as ESM and required as CJS, each run into its
 * own fresh store, through test/runtimes/run-pipeline.mjs. Every run must store the same
 * tables, none may load grok-js or its native oniguruma module while importing the package
 * and running the pipeline, and a pattern that needs the exact engine must work under Node
 * and fail with a message saying grok-js could not be loaded under Bun (oniguruma is built
 * for Node's ABI) and Deno (it refuses nan addons).
 */

const root = fileURLToPath(new URL("../..", import.meta.url));
const script = join(root, "test/runtimes/run-pipeline.mjs");
const logs = join(root, "fixtures/logs");
const bin = (name: string) => join(root, "node_modules/.bin", name);

type Runtime = "node" | "bun" | "deno";
type Format = "esm" | "cjs";
type Probes = Record<"dlopen" | "load" | "cache" | "maps", string[] | null>;
interface Table {
  schema: string[];
  rows: string[];
}
interface Report {
  summary: Record<string, unknown>;
  definitions: number;
  engines: string[];
  duringRun: { grok: Probes; polars: Probes };
  afterExact: Probes;
  exact: { pattern: string; engine: string; rows?: string[]; error?: string }[];
  tables: Record<string, Table>;
}

const command: Record<Runtime, { file: string; args: string[] }> = {
  node: { file: process.execPath, args: [] },
  bun: { file: bin("bun"), args: [] },
  // -A: the pipeline reads and writes files, reads the environment, and loads native
  // addons (nodejs-polars); --no-lock: leave no deno.lock in the repo. Deno resolves
  // nodejs-polars from node_modules/ through the root package.json.
  deno: { file: bin("deno"), args: ["run", "-A", "--no-lock"] },
};
const env = { ...process.env, DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1", NO_COLOR: "1" };

const runs = (["node", "bun", "deno"] as const).flatMap((runtime) =>
  (["esm", "cjs"] as const).map((format) => ({ runtime, format, name: `${runtime} ${format}` })),
);

const temp = mkdtempSync(join(tmpdir(), "sessionize-runtimes-"));
const reports = new Map<string, Report>();
const failures = new Map<string, string>();

async function runOne(runtime: Runtime, format: Format, name: string): Promise<void> {
  const out = join(temp, `${runtime}-${format}.json`);
  const { file, args } = command[runtime];
  try {
    await promisify(execFile)(file, [...args, script, format, logs, join(temp, `${runtime}-${format}-store`), out], {
      cwd: root,
      env,
      timeout: 90_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    reports.set(name, JSON.parse(readFileSync(out, "utf8")) as Report);
  } catch (e) {
    const err = e as Error & { stderr?: string; stdout?: string };
    failures.set(name, `${err.message}\n${err.stderr ?? ""}${err.stdout ?? ""}`);
  }
}

beforeAll(async () => {
  await Promise.all(runs.map((r) => runOne(r.runtime, r.format, r.name)));
}, 120_000);

afterAll(() => rmSync(temp, { recursive: true, force: true }));

function report(name: string): Report {
  const r = reports.get(name);
  if (!r) throw new Error(`${name} did not run the pipeline:\n${failures.get(name)}`);
  return r;
}

/** The first difference between two runs' tables, in words, or null when they are identical. */
function tableDifference(a: Record<string, Table>, b: Record<string, Table>): string | null {
  const names = [Object.keys(a).join(","), Object.keys(b).join(",")];
  if (names[0] !== names[1]) return `tables ${names[0]} vs ${names[1]}`;
  for (const t of Object.keys(a)) {
    if (a[t].schema.join() !== b[t].schema.join()) {
      let c = 0;
      while (a[t].schema[c] === b[t].schema[c]) c++;
      return `${t}: column ${c} is ${a[t].schema[c] ?? "absent"} vs ${b[t].schema[c] ?? "absent"} (${a[t].schema.length} vs ${b[t].schema.length} columns)`;
    }
    if (a[t].rows.length !== b[t].rows.length) return `${t}: ${a[t].rows.length} rows vs ${b[t].rows.length}`;
    const i = a[t].rows.findIndex((row, k) => row !== b[t].rows[k]);
    if (i >= 0) return `${t}, row ${i}:\n  ${a[t].rows[i]}\n  ${b[t].rows[i]}`;
  }
  return null;
}

const seenBy = (p: Probes) => Object.entries(p).filter(([, hits]) => hits && hits.length > 0).map(([probe]) => probe);

describe("runtimes", () => {
  it("bun and deno are pinned devDependencies, and their binaries are those versions", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies.bun).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.devDependencies.deno).toMatch(/^\d+\.\d+\.\d+$/);
    expect(execFileSync(bin("bun"), ["--version"], { encoding: "utf8" }).trim()).toBe(pkg.devDependencies.bun);
    expect(execFileSync(bin("deno"), ["--version"], { encoding: "utf8", env }).split("\n")[0]).toMatch(
      new RegExp(`^deno ${pkg.devDependencies.deno.replace(/\./g, "\\.")} `),
    );
  });

  it.each(runs.map((r) => r.name))("%s runs the pipeline on the fixtures", (name) => {
    const r = report(name);
    expect(r.summary.events).toBe(9000);
    expect(r.summary.sessions).toBeGreaterThan(1000);
    expect(r.tables.sessionized_logs.rows).toHaveLength(9000);
    expect(r.definitions).toBeGreaterThan(100);
    expect(r.engines).toEqual(["vectorized", "vectorized"]);
  });

  it.each(runs.slice(1).map((r) => r.name))("%s stores the same tables as node esm (dtypes and rows)", (name) => {
    const reference = report("node esm");
    const r = report(name);
    expect(Object.keys(r.tables)).toEqual([
      "aggregated_sessions",
      "all_joined_logs",
      "new_cart_logs",
      "new_logs_joined",
      "new_purchase_logs",
      "new_web_logs",
      "rejected_lines",
      "sessionized_logs",
    ]);
    expect(tableDifference(reference.tables, r.tables)).toBeNull();
    expect(r.summary).toEqual(reference.summary);
    expect(r.definitions).toBe(reference.definitions);
  });

  it.each(runs.map((r) => r.name))("%s: importing the package and running the pipeline loads no grok-js or oniguruma", (name) => {
    const r = report(name);
    // The probes work in this runtime: one of them sees nodejs-polars' native addon load,
    // and one of them sees the exact engine's attempt to load grok-js after the run.
    expect(seenBy(r.duringRun.polars)).not.toEqual([]);
    expect(seenBy(r.afterExact)).not.toEqual([]);
    expect(r.duringRun.grok).toEqual(
      Object.fromEntries(Object.entries(r.duringRun.grok).map(([probe, hits]) => [probe, hits && []])),
    );
  });

  it.each(["node esm", "node cjs"])("%s: patterns needing the exact engine run on grok-js", (name) => {
    expect(report(name).exact).toEqual([
      {
        pattern: "n=%{NUMBER:a}0",
        engine: "exact",
        rows: ['{"l":"n=100","a":null,"__grok_matched":false}', '{"l":"n=1 0","a":null,"__grok_matched":false}'],
      },
      {
        pattern: "%{WORD:w} %{NUMBER:n:float}(?=\\s)",
        engine: "exact",
        rows: ['{"l":"a 1.5 b","w":"a","n":1.5,"__grok_matched":true}', '{"l":"x","w":null,"n":null,"__grok_matched":false}'],
      },
    ]);
  });

  // What really happens (Bun 1.4.5, Deno 2.9.6): grok-js cannot load its oniguruma addon,
  // so a pattern that needs the exact engine fails when applied, saying so and why.
  const cause: Record<string, RegExp> = {
    bun: /The module 'onig_scanner' was compiled against a different Node\.js ABI version using NODE_MODULE_VERSION \d+\. This version of Bun requires NODE_MODULE_VERSION \d+/,
    deno: /Cannot load native addon at .*onig_scanner\.node: it was built against the legacy Node\.js native addon API \(NODE_MODULE \/ nan\), which Deno does not support/,
  };
  it.each(["bun esm", "bun cjs", "deno esm", "deno cjs"])("%s: a pattern needing the exact engine says grok-js could not load", (name) => {
    const { exact } = report(name);
    expect(exact.map((e) => [e.pattern, e.engine, e.rows])).toEqual([
      ["n=%{NUMBER:a}0", "exact", undefined],
      ["%{WORD:w} %{NUMBER:n:float}(?=\\s)", "exact", undefined],
    ]);
    for (const e of exact) {
      expect(e.error).toContain(
        `Grok pattern ${JSON.stringify(e.pattern)} needs the exact engine (`,
      );
      expect(e.error).toContain("which runs on grok-js and its native oniguruma module, and that could not be loaded in this runtime: ");
      expect(e.error).toMatch(cause[name.split(" ")[0]]);
    }
  });
});
