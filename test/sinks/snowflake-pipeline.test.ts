/**
 * End to end: the pipeline runs on the bundled fixtures (and on the tutorial's own
 * logs when `../shared/tutorial-logs` is there), then both tutorial tables go to the
 * test server and come back row for row, types included. A second publish of a
 * re-run replaces them in place.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pl from "nodejs-polars";
import { DEFAULT_SNOWFLAKE_TABLES, subscribeSnowflake } from "../../src/sinks/snowflake/index.js";
import type { SnowflakeTestServer } from "../support/snowflake-server/index.js";
import { AGGREGATED_TYPES, expectTableMatchesFrame, optionsFor, startServer } from "./helpers.js";

const ROOT = resolve(__dirname, "../..");
const SOURCES = [
  { name: "fixtures/logs", dir: join(ROOT, "fixtures/logs") },
  { name: "../shared/tutorial-logs", dir: resolve(ROOT, "../shared/tutorial-logs") },
].filter((s) => existsSync(s.dir));
const PIPELINE = join(ROOT, "src/pipeline.ts");

let server: SnowflakeTestServer;
let work: string;

beforeAll(async () => {
  server = await startServer();
  work = mkdtempSync(join(tmpdir(), "sessionize-sf-e2e-"));
});
afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Runs the pipeline into a fresh store and returns the two tutorial tables. */
async function pipelineTables(logs: string, store: string): Promise<Record<string, pl.DataFrame>> {
  const { runPipeline } = await import("../../src/pipeline.js");
  const { openStore } = await import("../../src/store/index.js");
  await runPipeline({ logs, store });
  const opened = openStore(store);
  const out: Record<string, pl.DataFrame> = {};
  for (const t of DEFAULT_SNOWFLAKE_TABLES) out[t] = opened.scan(t).collectSync();
  return out;
}

describe.skipIf(!existsSync(PIPELINE) || SOURCES.length === 0)("pipeline → Snowflake round trip", () => {
  it.each(SOURCES)("$name: both tutorial tables, row for row", async ({ dir }) => {
    const store = join(work, `store-${Math.random().toString(36).slice(2)}`);
    const tables = await pipelineTables(dir, store);
    expect(tables.aggregated_sessions.height).toBeGreaterThan(0);
    expect(tables.sessionized_logs.height).toBeGreaterThan(tables.aggregated_sessions.height);
    const report = await subscribeSnowflake(tables, optionsFor(server));
    expect(report.tables.map((t) => [t.table, t.rows])).toEqual([
      ["AGGREGATED_SESSIONS", tables.aggregated_sessions.height],
      ["SESSIONIZED_LOGS", tables.sessionized_logs.height],
    ]);
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", tables.aggregated_sessions, ["session"], { types: AGGREGATED_TYPES });
    await expectTableMatchesFrame(server, "SESSIONIZED_LOGS", tables.sessionized_logs, ["event_id"]);
  });
});
