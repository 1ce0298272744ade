/**
 * Bounded memory for lazy input: a LazyDataFrame is never collected whole; it is
 * counted, then read one `slice(offset, batchRows)` at a time. The frames here
 * are real Polars lazy frames (in memory and Parquet scans); the only wrapper
 * records which collections were asked of them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import pl from "nodejs-polars";
import { subscribeSnowflake } from "../../src/sinks/snowflake/index.js";
import type { SnowflakeTestServer } from "../support/snowflake-server/index.js";
import { aggregatedSessions, expectTableMatchesFrame, optionsFor, sessionizedLogs, startServer } from "./helpers.js";

let server: SnowflakeTestServer;
let dir: string;

beforeAll(async () => {
  server = await startServer();
  dir = mkdtempSync(join(tmpdir(), "sessionize-sf-lazy-"));
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  server.clearFaults();
  for (const t of ["AGGREGATED_SESSIONS", "SESSIONIZED_LOGS"]) await server.sql(`DROP TABLE IF EXISTS "${t}"`);
});

interface Watch {
  /** Collections of the whole frame. */
  whole: number;
  /** Heights of the frames collected from slices, in order. */
  slices: number[];
}

/** `lazy` as it is, but counting what gets collected from it and from its slices. */
function watched(lazy: pl.LazyDataFrame): { frame: pl.LazyDataFrame; watch: Watch } {
  const watch: Watch = { whole: 0, slices: [] };
  const recordSlice = (sub: pl.LazyDataFrame) =>
    new Proxy(sub, {
      get(target, prop, receiver) {
        if (prop === "collectSync") {
          return (...args: Parameters<pl.LazyDataFrame["collectSync"]>) => {
            const df = target.collectSync(...args);
            watch.slices.push(df.height);
            return df;
          };
        }
        if (prop === "collect") {
          return async (...args: Parameters<pl.LazyDataFrame["collect"]>) => {
            const df = await target.collect(...args);
            watch.slices.push(df.height);
            return df;
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
  const frame = new Proxy(lazy, {
    get(target, prop, receiver) {
      if (prop === "collect" || prop === "collectSync" || prop === "fetch" || prop === "fetchSync") {
        return (...args: unknown[]) => {
          watch.whole++;
          return (target[prop] as (...a: unknown[]) => unknown)(...args);
        };
      }
      if (prop === "slice") return (offset: number, length: number) => recordSlice(target.slice(offset, length));
      return Reflect.get(target, prop, receiver);
    },
  });
  return { frame, watch };
}

describe("lazy frames are read one batch at a time", () => {
  it("never collects the whole frame; each collected slice is at most batchRows rows", async () => {
    const sessions = aggregatedSessions(40);
    const { frame, watch } = watched(sessions.lazy());
    const report = await subscribeSnowflake({ aggregated_sessions: frame }, optionsFor(server, { batchRows: 7 }));
    expect(report.tables[0]).toMatchObject({ rows: 40, batches: 6, attempts: 1 });
    expect(watch.whole).toBe(0);
    // the schema comes from an empty slice; then one slice per batch
    expect(watch.slices).toEqual([0, 7, 7, 7, 7, 7, 5]);
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", sessions, ["session"]);
  });

  it("a retried load reads the batches again, still one at a time", async () => {
    const sessions = aggregatedSessions(12);
    const { frame, watch } = watched(sessions.lazy());
    server.addFault({ match: (q) => q.kind === "insert", skip: 1, times: 1, action: { type: "drop-connection", killSession: true } });
    const report = await subscribeSnowflake({ aggregated_sessions: frame }, optionsFor(server, { batchRows: 5 }));
    expect(report.tables[0]).toMatchObject({ rows: 12, batches: 3, attempts: 2 });
    expect(watch.whole).toBe(0);
    expect(Math.max(...watch.slices)).toBe(5);
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", sessions, ["session"]);
  });

  it("a Parquet scan (as the store gives) round-trips in every mode, merge keys checked on the lazy frame", async () => {
    const events = sessionizedLogs(23);
    const first = join(dir, "events-1.parquet");
    events.writeParquet(first);
    const replaced = await subscribeSnowflake({ sessionized_logs: pl.scanParquet(first) }, optionsFor(server, { batchRows: 4 }));
    expect(replaced.tables[0]).toMatchObject({ rows: 23, batches: 6, created: true });
    await expectTableMatchesFrame(server, "SESSIONIZED_LOGS", events, ["event_id"]);

    // events 20..22 change, 23..29 are new
    const next = sessionizedLogs(10, 20).withColumns(pl.col("user_action").add(pl.lit("_v2")));
    const second = join(dir, "events-2.parquet");
    next.writeParquet(second);
    const merged = await subscribeSnowflake({ sessionized_logs: pl.scanParquet(second) }, optionsFor(server, { mode: "merge", batchRows: 4 }));
    expect(merged.tables[0]).toMatchObject({ rows: 10, batches: 3, keys: ["EVENT_ID"] });
    await expectTableMatchesFrame(server, "SESSIONIZED_LOGS", pl.concat([events.slice(0, 20), next]), ["event_id"]);

    const start = server.queries.length;
    const duplicated = pl.scanParquet(second).filter(pl.col("user_id").eq(pl.lit("1")));
    await expect(
      subscribeSnowflake({ sessionized_logs: pl.concat([pl.scanParquet(second), duplicated], { how: "vertical" }) }, optionsFor(server, { mode: "merge" })),
    ).rejects.toThrow(/Table "sessionized_logs" has \d+ duplicate merge keys \(event_id\)/);
    await expect(
      subscribeSnowflake({ sessionized_logs: pl.scanParquet(second) }, optionsFor(server, { mode: "merge", mergeKeys: { sessionized_logs: "cart_id" } })),
    ).rejects.toThrow(/null values in its merge key \(cart_id\)/);
    expect(server.queries.length).toBe(start);

    const appended = await subscribeSnowflake({ sessionized_logs: pl.scanParquet(first).filter(pl.col("user_id").eq(pl.lit("2"))) }, optionsFor(server, { mode: "append", batchRows: 3 }));
    const extra = events.filter(pl.col("user_id").eq(pl.lit("2")));
    expect(appended.tables[0].rows).toBe(extra.height);
    const total = await server.sql('SELECT count(*) FROM "SESSIONIZED_LOGS"', "PUBLIC");
    expect(total.rows[0][0]).toBe(BigInt(30 + extra.height));
  });

  it("an empty lazy frame creates the table with its full schema and sends no batch", async () => {
    const { frame, watch } = watched(aggregatedSessions(3).lazy().filter(pl.col("session").lt(0)));
    const report = await subscribeSnowflake({ aggregated_sessions: frame }, optionsFor(server));
    expect(report.tables[0]).toMatchObject({ rows: 0, batches: 0 });
    expect(watch.whole).toBe(0);
    expect((await server.readTable("AGGREGATED_SESSIONS")).columns).toHaveLength(14);
  });
});
