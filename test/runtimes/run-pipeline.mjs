// Runs the built package (dist/) under whichever runtime executes this file — node, bun or
// deno — and writes what it did as canonical JSON, for test/runtimes/runtimes.test.ts.
//
//   <runtime> run-pipeline.mjs <esm|cjs> <logs dir> <store dir> <out.json>
//
// esm imports dist/index.js, cjs requires dist/index.cjs. The JSON holds the run's summary
// (without timings), every table the pipeline stored (dtypes and rows in stored order,
// datetimes as integers so that microseconds count), which grok-js / oniguruma modules were
// seen while importing the package and running the pipeline, and what patterns that need the
// exact engine (grok-js, loaded only then) give in this runtime afterwards.
//
// No single probe sees module loads in every runtime, so four are used, and the test checks
// that at least one of them sees nodejs-polars' addon and, after the exact-engine attempt,
// grok-js: `dlopen` (process.dlopen; node and bun), `load` (Module._load requests; node and
// deno), `cache` (require.cache; a failed load leaves no entry) and `maps` (shared objects
// mapped into the process, from /proc/self/maps on Linux; node and bun).
import { readFileSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const dlopened = [];
const dlopen = process.dlopen;
if (typeof dlopen === "function") {
  process.dlopen = function (module, filename, ...rest) {
    dlopened.push(String(filename));
    return dlopen.call(this, module, filename, ...rest);
  };
}
const requested = [];
const load = Module._load;
if (typeof load === "function") {
  Module._load = function (request, ...rest) {
    requested.push(String(request));
    return load.call(this, request, ...rest);
  };
}

const [format, logs, store, out] = process.argv.slice(2);
const require = createRequire(import.meta.url);

/** What each probe has seen so far: everything matching `re`, per probe (null: probe unavailable). */
function seen(re) {
  let mapped = null;
  try {
    mapped = readFileSync("/proc/self/maps", "utf8")
      .split("\n")
      .map((l) => l.trim().split(/\s+/)[5])
      .filter((f) => f && f.endsWith(".node"));
  } catch {
    // not Linux: this probe is unavailable
  }
  const pick = (list) => (list ? [...new Set(list.filter((f) => re.test(f)))] : null);
  return {
    dlopen: pick(typeof dlopen === "function" ? dlopened : null),
    load: pick(typeof load === "function" ? requested : null),
    cache: pick(require.cache ? Object.keys(require.cache) : null),
    maps: pick(mapped),
  };
}
const GROK = /oniguruma|grok-js|onig_scanner/;
const POLARS = /nodejs-polars/;

const dist = (file) => fileURLToPath(new URL(`../../dist/${file}`, import.meta.url));
const lib = format === "cjs" ? require(dist("index.cjs")) : await import(new URL("../../dist/index.js", import.meta.url).href);
const pl = format === "cjs" ? require("nodejs-polars") : (await import("nodejs-polars")).default;

const { timings: _timings, ...summary } = await lib.runPipeline({ logs, store });
const duringRun = { grok: seen(GROK), polars: seen(POLARS) };

const value = (_key, v) => (typeof v === "bigint" ? `${v}n` : v);
const records = (df) => df.toRecords().map((r) => JSON.stringify(r, value));
const tables = {};
const opened = lib.openStore(store);
for (const { name } of opened.tables().sort((a, b) => a.name.localeCompare(b.name))) {
  const df = opened.scan(name).collectSync();
  const datetimes = df.columns.filter((c) => String(df.getColumn(c).dtype).startsWith("DataType(Datetime"));
  tables[name] = {
    schema: df.columns.map((c) => `${c}: ${df.getColumn(c).dtype}`),
    rows: records(datetimes.length ? df.withColumns(...datetimes.map((c) => pl.col(c).cast(pl.Int64))) : df),
  };
}

// Patterns the vectorized engine cannot run (atomic group before a digit / a look-ahead).
const exactCases = [
  ["n=%{NUMBER:a}0", ["n=100", "n=1 0"]],
  ["%{WORD:w} %{NUMBER:n:float}(?=\\s)", ["a 1.5 b", "x"]],
];
const exact = exactCases.map(([pattern, lines]) => {
  const g = lib.compileGrok(pattern);
  try {
    return { pattern, engine: g.engine, rows: records(g.apply(pl.DataFrame({ l: lines }).lazy(), "l").collectSync()) };
  } catch (e) {
    return { pattern, engine: g.engine, error: e.message };
  }
});

const result = {
  summary,
  definitions: lib.shippedDefinitions().size,
  engines: ["%{COMBINEDAPACHELOG}", "%{SYSLOGLINE}"].map((p) => lib.compileGrok(p).engine),
  duringRun,
  afterExact: seen(GROK),
  exact,
  tables,
};
writeFileSync(out, JSON.stringify(result, value, 1));
