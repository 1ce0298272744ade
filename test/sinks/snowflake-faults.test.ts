/**
 * Fault injection: every failure leaves the previous table exactly as it was and
 * gives a clear error; transient failures are retried with back-off.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import pl from "nodejs-polars";
import { subscribeSnowflake, SnowflakeSinkError } from "../../src/sinks/snowflake/index.js";
import type { QueryInfo, SnowflakeTestServer } from "../support/snowflake-server/index.js";
import { aggregatedSessions, expectTableMatchesFrame, optionsFor, sessionizedLogs, startServer } from "./helpers.js";

let server: SnowflakeTestServer;
const previous = aggregatedSessions(12);
const next = aggregatedSessions(30, 50);
/** batchRows 5 → the next load takes 6 INSERT batches. */
const BATCH = 5;
const isInsert = (q: QueryInfo) => q.kind === "insert";

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});
beforeEach(async () => {
  server.clearFaults();
  for (const t of ["AGGREGATED_SESSIONS", "AGGREGATED_SESSIONS__SESSIONIZE_STAGE", "SESSIONIZED_LOGS"]) await server.sql(`DROP TABLE IF EXISTS "${t}"`);
  await subscribeSnowflake({ aggregated_sessions: previous }, optionsFor(server));
});

async function failure(p: Promise<unknown>): Promise<SnowflakeSinkError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SnowflakeSinkError);
  return e as SnowflakeSinkError;
}

const logins = () => server.requests.filter((r) => r.path.startsWith("/session/v1/login-request")).length;

describe("connection dropped in the middle of a load", () => {
  it("answer lost after the 3rd batch ran: the driver's retry gets the first answer, nothing is loaded twice", async () => {
    server.addFault({ match: isInsert, skip: 2, times: 1, action: { type: "drop-connection", after: true } });
    const report = await subscribeSnowflake({ aggregated_sessions: next }, optionsFor(server, { batchRows: BATCH }));
    expect(report.tables[0]).toMatchObject({ rows: 30, batches: 6, attempts: 1 });
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", next, ["session"]);
  });

  it("session lost with the connection: the table load starts over on a new session and succeeds", async () => {
    server.addFault({ match: isInsert, skip: 2, times: 1, action: { type: "drop-connection", killSession: true } });
    const lines: string[] = [];
    const before = logins();
    const report = await subscribeSnowflake({ aggregated_sessions: next }, optionsFor(server, { batchRows: BATCH, log: (l) => lines.push(l) }));
    expect(report.tables[0]).toMatchObject({ rows: 30, attempts: 2 });
    expect(logins() - before).toBe(2);
    expect(lines.some((l) => /retrying in \d+ ms \(attempt 2 of 4\)/.test(l))).toBe(true);
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", next, ["session"]);
    expect(await server.tableExists("AGGREGATED_SESSIONS__SESSIONIZE_STAGE")).toBe(false);
  });

  it("connection lost for good: a clear error after the retries, the previous table intact, the partly loaded staging table dropped", async () => {
    server.addFault({ match: isInsert, skip: 2, action: { type: "drop-connection", killSession: true } });
    const before = logins();
    const err = await failure(subscribeSnowflake({ aggregated_sessions: next }, optionsFor(server, { batchRows: BATCH, retries: 2 })));
    expect(err.kind).toBe("connection");
    expect(err.transient).toBe(true);
    expect(err.attempts).toBe(3);
    expect(err.table).toBe("aggregated_sessions");
    expect(err.message).toMatch(/^Publishing aggregated_sessions to Snowflake table ANALYTICS\.PUBLIC\.AGGREGATED_SESSIONS failed after 3 attempts: /);
    expect(err.message).not.toMatch(/unknown/i);
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", previous, ["session"]);
    // one login per attempt, then one more for the cleanup, which is closed again
    expect(logins() - before).toBe(4);
    expect(await server.tableExists("AGGREGATED_SESSIONS__SESSIONIZE_STAGE")).toBe(false);
    expect(server.openSessions()).toBe(0);
  });

  it("when the cleanup cannot log in either, the original error is reported and the staging table is left for the next publish", async () => {
    let inserts = 0;
    // on the 3rd batch the session dies, and from then on logins are refused
    const match = (q: QueryInfo) => {
      if (!isInsert(q)) return false;
      if (++inserts === 3) server.setLoginFault({ type: "refuse" });
      return inserts >= 3;
    };
    server.addFault({ match, action: { type: "drop-connection", killSession: true } });
    const lines: string[] = [];
    const err = await failure(subscribeSnowflake({ aggregated_sessions: next }, optionsFor(server, { batchRows: BATCH, retries: 0, log: (l) => lines.push(l) })));
    expect(err.kind).toBe("connection");
    expect(err.attempts).toBe(1);
    expect(err.message).toMatch(/^Publishing aggregated_sessions .* failed after 1 attempt: Snowflake (session lost|connection closed)/);
    expect(lines.some((l) => /could not drop the staging table AGGREGATED_SESSIONS__SESSIONIZE_STAGE \(Snowflake authentication failed/.test(l))).toBe(true);
    expect(await server.tableExists("AGGREGATED_SESSIONS__SESSIONIZE_STAGE")).toBe(true);
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", previous, ["session"]);
    // the next publish starts by dropping it
    server.setLoginFault(undefined);
    server.clearFaults();
    await subscribeSnowflake({ aggregated_sessions: next }, optionsFor(server, { batchRows: BATCH }));
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", next, ["session"]);
    expect(await server.tableExists("AGGREGATED_SESSIONS__SESSIONIZE_STAGE")).toBe(false);
  });

  it("a statement that never answers counts as transient (statementTimeoutMs) and is retried", async () => {
    server.addFault({ match: isInsert, skip: 1, times: 1, action: { type: "stall" } });
    const report = await subscribeSnowflake({ aggregated_sessions: next }, optionsFor(server, { batchRows: BATCH, statementTimeoutMs: 1_500 }));
    expect(report.tables[0].attempts).toBe(2);
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", next, ["session"]);
  });

  it("HTTP 503 on a batch: retried by the driver with the same request id", async () => {
    server.addFault({ match: isInsert, skip: 1, times: 1, action: { type: "http-status", status: 503 } });
    const report = await subscribeSnowflake({ aggregated_sessions: next }, optionsFor(server, { batchRows: BATCH }));
    expect(report.tables[0].attempts).toBe(1);
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", next, ["session"]);
  });
});

describe("login refused", () => {
  it("wrong credentials: an auth error naming account and user, no retry, the previous table intact", async () => {
    server.setLoginFault({ type: "refuse" });
    const before = logins();
    const err = await failure(subscribeSnowflake({ aggregated_sessions: next }, optionsFor(server)));
    expect(err.kind).toBe("auth");
    expect(err.code).toBe("390100");
    expect(err.attempts).toBe(1);
    expect(err.message).toMatch(/Snowflake authentication failed: Incorrect username or password was specified\. \(account TESTACCOUNT, user loader/);
    expect(err.message).toMatch(/SNOWFLAKE_PAT/);
    expect(logins() - before).toBe(1);
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", previous, ["session"]);
  });

  it("a wrong token (no injected fault) is the same auth error", async () => {
    const err = await failure(subscribeSnowflake({ aggregated_sessions: next }, optionsFor(server, { token: "not-the-token-at-all" })));
    expect(err.kind).toBe("auth");
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", previous, ["session"]);
  });

  it("login answered with HTTP 503 twice: retried with back-off, then succeeds", async () => {
    server.setLoginFault({ type: "http-status", status: 503, times: 2 });
    const report = await subscribeSnowflake({ aggregated_sessions: next }, optionsFor(server));
    expect(report.tables[0].attempts).toBe(3);
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", next, ["session"]);
  });
});

describe("query error after some batches", () => {
  it("an SQL error on the 4th batch: no retry, a clear error, previous table intact, staging dropped", async () => {
    server.addFault({ match: isInsert, skip: 3, times: 1, action: { type: "sql-error", code: "100038", message: "Numeric value 'abc' is not recognized" } });
    const err = await failure(subscribeSnowflake({ aggregated_sessions: next }, optionsFor(server, { batchRows: BATCH })));
    expect(err.kind).toBe("sql");
    expect(err.code).toBe("100038");
    expect(err.attempts).toBe(1);
    expect(err.message).toBe(
      "Publishing aggregated_sessions to Snowflake table ANALYTICS.PUBLIC.AGGREGATED_SESSIONS failed after 1 attempt: Numeric value 'abc' is not recognized",
    );
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", previous, ["session"]);
    expect(await server.tableExists("AGGREGATED_SESSIONS__SESSIONIZE_STAGE")).toBe(false);
    expect(server.openSessions()).toBe(0);
  });

  it("the swap's answer lost on the last attempt: the error says the table may already have been replaced (it was)", async () => {
    server.addFault({ match: (q) => q.kind === "swap", times: 1, action: { type: "drop-connection", after: true, killSession: true } });
    const err = await failure(subscribeSnowflake({ aggregated_sessions: next }, optionsFor(server, { batchRows: BATCH, retries: 0 })));
    expect(err.kind).toBe("connection");
    expect(err.transient).toBe(true);
    expect(err.attempts).toBe(1);
    expect(err.message).toMatch(/failed after 1 attempt: Snowflake (session lost|connection closed): .*Outcome unknown: the table may already have been replaced/);
    // the swap did run before its answer was lost
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", next, ["session"]);
    // the staging table (holding the old rows after the swap) is dropped on a fresh session
    expect(await server.tableExists("AGGREGATED_SESSIONS__SESSIONIZE_STAGE")).toBe(false);
    expect(server.openSessions()).toBe(0);
  });

  it("the swap's answer lost with retries left: the load is redone and the result is the same", async () => {
    server.addFault({ match: (q) => q.kind === "swap", times: 1, action: { type: "drop-connection", after: true, killSession: true } });
    const report = await subscribeSnowflake({ aggregated_sessions: next }, optionsFor(server, { batchRows: BATCH }));
    expect(report.tables[0]).toMatchObject({ rows: 30, attempts: 2, created: false });
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", next, ["session"]);
    expect(await server.tableExists("AGGREGATED_SESSIONS__SESSIONIZE_STAGE")).toBe(false);
  });

  it("an SQL error on the swap is a failure, not an unknown outcome", async () => {
    server.addFault({ match: (q) => q.kind === "swap", times: 1, action: { type: "sql-error", code: "002003", message: "Object does not exist" } });
    const err = await failure(subscribeSnowflake({ aggregated_sessions: next }, optionsFor(server, { batchRows: BATCH })));
    expect(err.kind).toBe("sql");
    expect(err.message).not.toMatch(/unknown/i);
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", previous, ["session"]);
    expect(await server.tableExists("AGGREGATED_SESSIONS__SESSIONIZE_STAGE")).toBe(false);
  });

  it("a transient server error (000603) on the swap: the load is retried and succeeds", async () => {
    server.addFault({ match: (q) => q.kind === "swap", times: 1, action: { type: "sql-error", code: "000603", message: "SQL execution internal error" } });
    const report = await subscribeSnowflake({ aggregated_sessions: next }, optionsFor(server, { batchRows: BATCH }));
    expect(report.tables[0].attempts).toBe(2);
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", next, ["session"]);
  });

  it("the second table fails: the first stays published and the error says so", async () => {
    const events = sessionizedLogs(9);
    server.addFault({ match: (q) => isInsert(q) && q.sql.includes("SESSIONIZED_LOGS"), action: { type: "sql-error" } });
    const err = await failure(subscribeSnowflake({ aggregated_sessions: next, sessionized_logs: events }, optionsFor(server)));
    expect(err.table).toBe("sessionized_logs");
    expect(err.published).toEqual(["aggregated_sessions"]);
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", next, ["session"]);
    expect(await server.tableExists("SESSIONIZED_LOGS")).toBe(false);
  });
});

describe("append and merge under faults", () => {
  it("append whose final INSERT loses its session is not retried (it could add rows twice) and says the outcome is unknown", async () => {
    server.addFault({ match: (q) => q.kind === "insert-select", action: { type: "drop-connection", killSession: true } });
    const err = await failure(subscribeSnowflake({ aggregated_sessions: next }, optionsFor(server, { mode: "append" })));
    expect(err.attempts).toBe(1);
    expect(err.message).toMatch(/Whether the append ran is unknown/);
    // the session died before COMMIT, so nothing was appended
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", previous, ["session"]);
  });

  it("merge after an SQL error on a batch leaves the target as it was", async () => {
    server.addFault({ match: isInsert, skip: 1, times: 1, action: { type: "sql-error" } });
    const changed = previous.withColumns(pl.col("revenue").add(5));
    const err = await failure(subscribeSnowflake({ aggregated_sessions: changed }, optionsFor(server, { mode: "merge", batchRows: BATCH })));
    expect(err.kind).toBe("sql");
    await expectTableMatchesFrame(server, "AGGREGATED_SESSIONS", previous, ["session"]);
  });
});
