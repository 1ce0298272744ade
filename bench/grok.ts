// npm run bench:grok — parses one million tutorial-format lines per stream with the
// vectorized grok engine, with grok-js parseSync line by line, and with DuckDB's
// regexp_extract, in the same run, and prints lines per second for each, once it has
// checked that the three give the same captures on every line (an empty capture and no
// match count as null for all three); it refuses to report a figure otherwise.
// Lines: the tutorial's own logs (../shared/tutorial-logs) when present, else the
// repo's fixtures, repeated to one million per stream.
import { DuckDBInstance } from "@duckdb/node-api";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { compileGrok } from "../src/grok/index.js";

const N = Number(process.env.BENCH_LINES ?? 1_000_000);
const PATTERNS = {
  cart: "%{TIMESTAMP_ISO8601:timestamp} event_id=%{UUID:event_id} type=%{WORD:type} user_id=%{WORD:user_id} cart_id=%{WORD:cart_id} action=%{WORD:action} product_id=%{INT:product_id} quantity=%{INT:quantity} price=%{NUMBER:price}",
  purchase: "%{TIMESTAMP_ISO8601:timestamp} event_id=%{UUID:event_id} type=%{WORD:type} user_id=%{WORD:user_id} cart_id=%{WORD:cart_id} order_id=%{WORD:order_id} total=%{NUMBER:total} currency=%{WORD:currency} payment_method=%{WORD:payment_method}",
  web: "%{TIMESTAMP_ISO8601:timestamp} event_id=%{UUID:event_id} type=%{WORD:type} user_id=%{WORD:user_id} path=%{URIPATHPARAM:path} referrer=%{URIPATHPARAM:referrer} user_agent=\"%{DATA:user_agent}\"",
};

function sampleLines(stream: string): string[] {
  const dir = existsSync("../shared/tutorial-logs") ? "../shared/tutorial-logs" : "fixtures/logs";
  const lines = readdirSync(dir)
    .filter((f) => f.startsWith(stream + "_"))
    .flatMap((f) => readFileSync(join(dir, f), "utf8").split(/\r?\n/))
    .filter(Boolean);
  return Array.from({ length: N }, (_, i) => lines[i % lines.length]);
}

/** An empty capture, a missing one and a line that does not match are all null. */
const norm = (v: unknown): string | null => (v === undefined || v === null || v === "" ? null : String(v));

/** The first few (line, field) where the engine, grok-js and DuckDB give different captures. */
function differingCaptures(fields: string[], ours: pl.DataFrame, js: (Record<string, string> | null)[], db: unknown[][]): string[] {
  const columns = fields.map((f) => ours.getColumn(f).toArray());
  const found: string[] = [];
  for (let i = 0; i < js.length && found.length < 5; i++) {
    fields.forEach((f, k) => {
      const [a, b, c] = [norm(columns[k][i]), norm(js[i]?.[f]), norm(db[i]?.[k])];
      if (a !== b || a !== c) found.push(`line ${i + 1}, ${f}: sessionize ${JSON.stringify(a)}, grok-js ${JSON.stringify(b)}, duckdb ${JSON.stringify(c)}`);
    });
  }
  return found;
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const rate = (s: number) => `${Math.round(N / s).toLocaleString("en-US")} lines/s (${s.toFixed(2)} s)`;

const grokJs = createRequire(import.meta.url)("grok-js").loadDefaultSync();
const duck = await (await DuckDBInstance.create(":memory:")).connect();
const tmp = mkdtempSync(join(tmpdir(), "bench-grok-"));

console.log(`grok bench: ${N.toLocaleString("en-US")} lines per stream`);
for (const [stream, pattern] of Object.entries(PATTERNS)) {
  const lines = sampleLines(stream);
  const compiled = compileGrok(pattern);
  const frame = pl.DataFrame([pl.Series("line", lines, pl.Utf8)]);

  let t0 = process.hrtime.bigint();
  const out = compiled.apply(frame.lazy(), "line").collectSync();
  const vec = seconds(t0);
  const matched = Number(out.getColumn("__grok_matched").cast(pl.Int32).sum());

  const p = grokJs.createPattern(pattern);
  const jsResults: (Record<string, string> | null)[] = new Array(lines.length);
  t0 = process.hrtime.bigint();
  let jsMatched = 0;
  for (let i = 0; i < lines.length; i++) if ((jsResults[i] = p.parseSync(lines[i]))) jsMatched++;
  const js = seconds(t0);

  const file = join(tmp, `${stream}.log`);
  writeFileSync(file, lines.join("\n") + "\n");
  await duck.run(`CREATE OR REPLACE TABLE ${stream} AS SELECT * FROM read_csv('${file}', columns={'line': 'VARCHAR'}, delim='\x01', quote='', escape='', header=false)`);
  const names = compiled.fields.map((f) => `'${f.name}'`).join(", ");
  const re = compiled.rustRegex!.replaceAll("'", "''");
  t0 = process.hrtime.bigint();
  await duck.run(`CREATE OR REPLACE TEMP TABLE ${stream}_out AS SELECT regexp_extract(line, '${re}', [${names}]) AS s FROM ${stream}`);
  const db = seconds(t0);
  const dbMatched = Number((await duck.runAndReadAll(`SELECT count(*) FILTER (WHERE s.${compiled.fields[0].name} <> '') FROM ${stream}_out`)).getRows()[0][0]);

  const fields = compiled.fields.map((f) => f.name);
  const dbRows = (await duck.runAndReadAll(`SELECT ${fields.map((f) => `s.${f}`).join(", ")} FROM ${stream}_out`)).getRows();
  const differences = differingCaptures(fields, out, jsResults, dbRows);
  if (differences.length > 0) {
    console.error(`\n${stream}: the three do not give the same captures; no figure is reported:\n  ${differences.join("\n  ")}`);
    process.exit(1);
  }

  console.log(`\n${stream} (engine: ${compiled.engine}; matched: ours ${matched}, grok-js ${jsMatched}, duckdb ${dbMatched}; the same captures on all ${N.toLocaleString("en-US")} lines)`);
  console.log(`  sessionize vectorized  ${rate(vec)}`);
  console.log(`  grok-js parseSync      ${rate(js)}   → vectorized is ${(js / vec).toFixed(1)}x faster`);
  console.log(`  duckdb regexp_extract  ${rate(db)}   → vectorized is ${(db / vec).toFixed(2)}x as fast`);
}
rmSync(tmp, { recursive: true, force: true });
