import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import pl from "nodejs-polars";
import { subscribeSnowflake, SnowflakeSinkError } from "../../src/sinks/snowflake/index.js";
import type { SnowflakeTestServer } from "../support/snowflake-server/index.js";
import {
  AGGREGATED_TYPES,
  aggregatedSessions,
  expectTableMatchesFrame,
  optionsFor,
  sessionizedLogs,
  startServer,
} from "./helpers.js";

let server: SnowflakeTestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});
beforeEach(async () => {
  server.clearFaults();
  for (const t of ["AGGREGATED_SESSIONS", "SESSIONIZED_LOGS", "aggregated_sessions", "EVENTS_COPY"]) await server.sql(`DROP TABLE IF EXISTS "${t}"`);
});

describe("subscribeSnowflake, replace mode (default)", () => {
  it("round-trips both tutorial tables row for row, types included", async () => {
    const aggregated = aggregatedSessions(40);
    const sessionized = sessionizedLogs(60);
    const report = await subscribeSnowflake({ aggregated_sessions: aggregated, sessionized_logs: sessionized }, optionsFor(server, { batchRows: 7 }));
    expect(report.mode).toBe("replace");
    expect(report.tables.map((t) => [t.source, t.table, t.rows, t.batches, t.created])).toEqual([
      ["aggregated_sessions", "AGGREGATED_SESSIONS", 40, 6, true],
      ["sessionized_logs", "SESSIONIZED_LOGS", 60, 9, true],
    ]);
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", aggregated, ["session"], { types: AGGREGATED_TYPES });
    await expectTableMatchesFrame(server, "SESSIONIZED_LOGS", sessionized, ["event_id"]);
    const types = Object.fromEntries((await server.readTable("SESSIONIZED_LOGS")).columns.map((c) => [c.name, c.type]));
    expect(types).toMatchObject({ TIMESTAMP: "TIMESTAMP_NTZ(6)", PRODUCT_ID: "NUMBER(38,0)", PRICE: "FLOAT", SESSION: "NUMBER(38,0)", MESSAGE: "VARCHAR" });
    expect(await server.tableExists("AGGREGATED_SESSIONS__SESSIONIZE_STAGE")).toBe(false);
    expect(server.openSessions()).toBe(0);
  });

  it("replaces the previous content on the next run, and accepts lazy frames", async () => {
    await subscribeSnowflake({ aggregated_sessions: aggregatedSessions(10) }, optionsFor(server));
    const next = aggregatedSessions(4, 100);
    const report = await subscribeSnowflake({ aggregated_sessions: next.lazy() }, optionsFor(server));
    expect(report.tables[0]).toMatchObject({ rows: 4, created: false, attempts: 1 });
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", next, ["session"]);
    expect(server.queries.some((q) => /SWAP WITH/.test(q.sql))).toBe(true);
    expect(await server.tableExists("AGGREGATED_SESSIONS__SESSIONIZE_STAGE")).toBe(false);
  });

  it("writes an empty table with its full schema", async () => {
    const empty = aggregatedSessions(3).head(0);
    const report = await subscribeSnowflake({ aggregated_sessions: empty }, optionsFor(server));
    expect(report.tables[0]).toMatchObject({ rows: 0, batches: 0 });
    const loaded = await server.readTable("AGGREGATED_SESSIONS");
    expect(loaded.rows).toEqual([]);
    expect(Object.fromEntries(loaded.columns.map((c) => [c.name, c.type]))).toEqual(AGGREGATED_TYPES);
  });

  it("sends values only as bind variables and quotes every identifier", async () => {
    const start = server.queries.length;
    const tricky = pl.DataFrame({ 'we"ird col': ["'); DROP TABLE x; --", "ok"], id: [1, 2] }).withColumns(pl.col("id").cast(pl.Int64));
    await subscribeSnowflake({ "odd name": tricky }, optionsFor(server, { identifierCase: "preserve" }));
    const sent = server.queries.slice(start);
    for (const q of sent) {
      expect(q.sql).not.toContain("DROP TABLE x");
    }
    const inserts = sent.filter((q) => q.sql.startsWith("INSERT INTO"));
    expect(inserts).toHaveLength(1);
    expect(inserts[0].sql).toBe('INSERT INTO "odd name__sessionize_stage" ("we""ird col", "id") VALUES (?, ?)');
    expect(JSON.stringify(inserts[0].bindings)).toContain("DROP TABLE x");
    const loaded = await server.readTable("odd name", { orderBy: ["id"] });
    expect(loaded.columns.map((c) => c.name)).toEqual(['we"ird col', "id"]);
    expect(loaded.rows).toEqual([["'); DROP TABLE x; --", 1n], ["ok", 2n]]);
    await server.sql(`DROP TABLE "odd name"`);
  });

  it("maps every supported Polars type exactly (Int64 above 2^53, NaN/inf, ms/ns datetimes, dates, durations, categoricals, nulls)", async () => {
    const frame = pl
      .DataFrame({
        id: [1, 2, 3],
        big: ["9007199254740993", "-9223372036854775808", null],
        u8: [0, 255, null],
        f32: [0.1, null, -2.5],
        f64: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
        flag: [true, false, null],
        t_ms: [1_700_000_000_123, -1, null],
        t_ns: ["1700000000123456789", "-1", null],
        day: [0, 20_000, null],
        dur_us: [90_500_001, -1, null],
        cat: ["a", "b", null],
      })
      .withColumns(
        pl.col("id").cast(pl.Int16),
        pl.col("big").cast(pl.Int64),
        pl.col("u8").cast(pl.UInt8),
        pl.col("f32").cast(pl.Float32),
        pl.col("t_ms").cast(pl.Int64).cast(pl.Datetime("ms")),
        pl.col("t_ns").cast(pl.Int64).cast(pl.Datetime("ns")),
        pl.col("day").cast(pl.Int32).cast(pl.Date),
        pl.col("dur_us").cast(pl.Int64).cast(pl.Duration("us")),
        pl.col("cat").cast(pl.Categorical),
      );
    const report = await subscribeSnowflake({ types: frame }, optionsFor(server));
    expect(Object.fromEntries(report.tables[0].columns.map((c) => [c.name, c.type]))).toEqual({
      ID: "NUMBER(38,0)",
      BIG: "NUMBER(38,0)",
      U8: "NUMBER(38,0)",
      F32: "FLOAT",
      F64: "FLOAT",
      FLAG: "BOOLEAN",
      T_MS: "TIMESTAMP_NTZ(3)",
      T_NS: "TIMESTAMP_NTZ(9)",
      DAY: "DATE",
      DUR_US: expect.stringMatching(/^NUMBER\(38,[369]\)$/),
      CAT: "VARCHAR",
    });
    const loaded = await server.readTable("TYPES", { orderBy: ["ID"] });
    expect(loaded.rows[0].slice(0, 2)).toEqual([1n, 9007199254740993n]);
    expect(loaded.rows[1][1]).toBe(-9223372036854775808n);
    expect(loaded.rows.map((r) => r[4])).toEqual([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(loaded.rows[0][7]).toBe(1700000000123456789n);
    expect(loaded.rows[1][7]).toBe(-1n);
    await expectTableMatchesFrame(server, "TYPES", frame.withColumns(pl.col("cat").cast(pl.Utf8)), ["id"]);
    await server.sql(`DROP TABLE "TYPES"`);
  });

  it("writes tz-aware datetimes as their UTC wall-clock time", async () => {
    const frame = pl
      .DataFrame({ id: [1], t: [Date.UTC(2025, 0, 2, 3, 4, 5, 678) * 1000 + 9] })
      .withColumns(pl.col("t").cast(pl.Int64).cast(pl.Datetime("us", "Europe/Paris")));
    await subscribeSnowflake({ tz: frame }, optionsFor(server));
    const { rows } = await server.sql(`SELECT CAST("T" AS VARCHAR) FROM "TZ"`);
    expect(rows).toEqual([["2025-01-02 03:04:05.678009"]]);
    await server.sql(`DROP TABLE "TZ"`);
  });

  it("uses tableNames and identifierCase: preserve", async () => {
    const frame = aggregatedSessions(3);
    const report = await subscribeSnowflake({ aggregated_sessions: frame }, optionsFor(server, { identifierCase: "preserve", tableNames: { aggregated_sessions: "aggregated_sessions" } }));
    expect(report.tables[0].table).toBe("aggregated_sessions");
    await expectTableMatchesFrame(server, "aggregated_sessions", frame, ["session"], { upper: false });
  });
});

describe("subscribeSnowflake, append mode", () => {
  it("adds rows to the existing table and creates it when missing", async () => {
    const first = sessionizedLogs(10);
    const second = sessionizedLogs(7, 10);
    const r1 = await subscribeSnowflake({ sessionized_logs: first }, optionsFor(server, { mode: "append" }));
    expect(r1.tables[0]).toMatchObject({ created: true, rows: 10 });
    const r2 = await subscribeSnowflake({ sessionized_logs: second }, optionsFor(server, { mode: "append", batchRows: 3 }));
    expect(r2.tables[0]).toMatchObject({ created: false, rows: 7, batches: 3 });
    await expectTableMatchesFrame(server, "SESSIONIZED_LOGS", pl.concat([first, second]), ["event_id"]);
    expect(await server.tableExists("SESSIONIZED_LOGS__SESSIONIZE_STAGE")).toBe(false);
  });
});

describe("subscribeSnowflake, merge mode", () => {
  it("upserts sessions on session_id and events on event_id by default", async () => {
    const sessions = aggregatedSessions(6);
    const events = sessionizedLogs(8);
    await subscribeSnowflake({ aggregated_sessions: sessions, sessionized_logs: events }, optionsFor(server, { mode: "merge" }));
    // sessions 4..5 change, 6..8 are new; events 6..7 change, 8..11 are new
    const sessionsNext = aggregatedSessions(5, 3).withColumns(pl.col("revenue").add(1000));
    const eventsNext = sessionizedLogs(6, 6).withColumns(pl.col("user_action").add(pl.lit("_v2")));
    const report = await subscribeSnowflake({ aggregated_sessions: sessionsNext, sessionized_logs: eventsNext }, optionsFor(server, { mode: "merge" }));
    expect(report.tables.map((t) => t.keys)).toEqual([["SESSION_ID"], ["EVENT_ID"]]);
    const expectedSessions = pl.concat([sessions.filter(pl.col("session").lt(4)), sessionsNext]);
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", expectedSessions, ["session_id"]);
    const expectedEvents = pl.concat([events.slice(0, 6), eventsNext]);
    await expectTableMatchesFrame(server, "SESSIONIZED_LOGS", expectedEvents, ["event_id"]);
    expect(server.queries.filter((q) => q.sql.startsWith("MERGE INTO")).length).toBeGreaterThanOrEqual(2);
  });

  it("takes a configured key, and refuses duplicate or null keys before touching Snowflake", async () => {
    const events = sessionizedLogs(4);
    await subscribeSnowflake({ events_copy: events }, optionsFor(server, { mode: "merge", mergeKeys: { events_copy: ["message"] } }));
    const changed = events.withColumns(pl.col("session").add(10).cast(pl.Int64));
    const report = await subscribeSnowflake({ events_copy: changed }, optionsFor(server, { mode: "merge", mergeKeys: { events_copy: "message" } }));
    expect(report.tables[0].keys).toEqual(["MESSAGE"]);
    await expectTableMatchesFrame(server, "EVENTS_COPY", changed, ["event_id"]);

    const start = server.queries.length;
    const dup = pl.concat([events, events.head(1)]);
    await expect(subscribeSnowflake({ events_copy: dup }, optionsFor(server, { mode: "merge", mergeKeys: { events_copy: "event_id" } }))).rejects.toThrow(
      /1 duplicate merge keys \(event_id\)/,
    );
    await expect(subscribeSnowflake({ events_copy: events }, optionsFor(server, { mode: "merge", mergeKeys: { events_copy: "cart_id" } }))).rejects.toThrow(
      /null values in its merge key \(cart_id\)/,
    );
    await expect(subscribeSnowflake({ events_copy: events }, optionsFor(server, { mode: "merge", mergeKeys: { events_copy: "nope" } }))).rejects.toThrow(
      /Merge key "nope" is not a column/,
    );
    expect(server.queries.length).toBe(start);
    await expectTableMatchesFrame(server, "EVENTS_COPY", changed, ["event_id"]);
  });
});

describe("subscribeSnowflake, argument checks", () => {
  it("rejects bad options and unsupported column types with clear errors", async () => {
    await expect(subscribeSnowflake({}, optionsFor(server))).rejects.toThrow(/No tables/);
    await expect(subscribeSnowflake({ t: aggregatedSessions(1) }, optionsFor(server, { mode: "upsert" as never }))).rejects.toThrow(/Unknown Snowflake mode "upsert"/);
    await expect(subscribeSnowflake({ t: aggregatedSessions(1) }, optionsFor(server, { batchRows: 0 }))).rejects.toThrow(/batchRows/);
    const listy = pl.DataFrame({ xs: [[1, 2], [3]] });
    const err = await subscribeSnowflake({ listy }, optionsFor(server)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SnowflakeSinkError);
    expect((err as SnowflakeSinkError).kind).toBe("data");
    expect((err as Error).message).toMatch(/Column "xs" has type .*List.* no Snowflake mapping/);
  });
});
