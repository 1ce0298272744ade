/**
 * The test server itself, driven by snowflake-sdk directly: logins, typed
 * results, bindings, transactions, SWAP, errors in Snowflake's shape, session close.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import snowflake from "snowflake-sdk";
import type { SnowflakeTestServer } from "../support/snowflake-server/index.js";
import { startServer, TOKEN, USER } from "./helpers.js";

let server: SnowflakeTestServer;

beforeAll(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  snowflake.configure({ logLevel: "OFF", customLogger: { error() {}, warn() {}, info() {}, debug() {}, trace() {} } } as snowflake.ConfigureOptions);
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

function connect(extra: Partial<snowflake.ConnectionOptions> = {}): Promise<snowflake.Connection> {
  const conn = snowflake.createConnection({
    accessUrl: server.url,
    account: server.account,
    username: USER,
    password: TOKEN,
    database: server.database,
    schema: "PUBLIC",
    warehouse: "WH",
    sfRetryMaxLoginRetries: 0,
    ...extra,
  } as snowflake.ConnectionOptions);
  return new Promise((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve(conn))));
}

function run(conn: snowflake.Connection, sqlText: string, binds?: snowflake.Binds): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) =>
    conn.execute({ sqlText, ...(binds ? { binds } : {}), complete: (err, _s, rows) => (err ? reject(err) : resolve((rows ?? []) as Record<string, unknown>[])) }),
  );
}

function close(conn: snowflake.Connection): Promise<void> {
  return new Promise((resolve) => conn.destroy(() => resolve()));
}

describe("snowflake test server", () => {
  it("logs in with the token as password or as PROGRAMMATIC_ACCESS_TOKEN, and refuses a wrong one", async () => {
    const a = await connect();
    await close(a);
    const b = await connect({ authenticator: "PROGRAMMATIC_ACCESS_TOKEN", token: TOKEN, password: undefined } as Partial<snowflake.ConnectionOptions>);
    await close(b);
    const err = await connect({ password: "nope-nope" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "390100", message: "Incorrect username or password was specified." });
    expect(server.openSessions()).toBe(0);
  });

  it("returns typed results the driver parses (NUMBER, FLOAT, BOOLEAN, TIMESTAMP_NTZ, VARCHAR, NULL)", async () => {
    const conn = await connect();
    const rows = await run(
      conn,
      `SELECT CAST(42 AS NUMBER(38,0)) AS "N", CAST(1.25 AS FLOAT) AS "F", TRUE AS "B", CAST('2025-01-02 03:04:05.123456' AS TIMESTAMP_NTZ(6)) AS "T", ? AS "S", NULL AS "Z"`,
      ["hello"],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ N: 42, F: 1.25, B: true, S: "hello", Z: null });
    expect((rows[0].T as Date).toISOString()).toBe("2025-01-02T03:04:05.123Z");
    await close(conn);
  });

  it("binds arrays of rows, keeps transactions per session, and swaps tables", async () => {
    const conn = await connect();
    await run(conn, `CREATE TABLE "A" ("ID" NUMBER(38,0), "NAME" VARCHAR)`);
    await run(conn, `CREATE TABLE "B" ("ID" NUMBER(38,0), "NAME" VARCHAR)`);
    const inserted = await run(conn, `INSERT INTO "A" ("ID", "NAME") VALUES (?, ?)`, [["1", "one"], ["2", null]]);
    expect(inserted).toEqual([{ "number of rows inserted": 2 }]);
    await run(conn, "BEGIN");
    await run(conn, `INSERT INTO "B" ("ID", "NAME") VALUES (?, ?)`, [["9", "nine"]]);
    expect((await server.readTable("B")).rows).toEqual([]); // not visible outside the transaction
    await run(conn, "ROLLBACK");
    expect((await run(conn, `SELECT COUNT(*) AS "N" FROM "B"`))[0].N).toBe(0);
    await run(conn, "BEGIN");
    await run(conn, `INSERT INTO "B" ("ID", "NAME") VALUES (?, ?)`, [["7", "seven"]]);
    await run(conn, "COMMIT");
    await run(conn, `ALTER TABLE "A" SWAP WITH "B"`);
    expect((await server.readTable("A", { orderBy: ["ID"] })).rows).toEqual([[7n, "seven"]]);
    expect((await server.readTable("B", { orderBy: ["ID"] })).rows).toEqual([
      [1n, "one"],
      [2n, null],
    ]);
    await run(conn, `DROP TABLE "A"`);
    await run(conn, `DROP TABLE "B"`);
    await close(conn);
  });

  it("answers errors in Snowflake's shape", async () => {
    const conn = await connect();
    const missing = await run(conn, `SELECT * FROM "NO_SUCH_TABLE"`).catch((e: unknown) => e);
    expect(missing).toMatchObject({ name: "OperationFailedError", code: "002003", sqlState: "42S02" });
    expect((missing as Error).message).toMatch(/Object '.*NO_SUCH_TABLE.*' does not exist or not authorized/);
    const syntax = await run(conn, `SELEC 1`).catch((e: unknown) => e);
    expect(syntax).toMatchObject({ code: "001003", sqlState: "42000" });
    await close(conn);
  });

  it("ends the session on close, rolling back what it left open", async () => {
    const conn = await connect();
    await run(conn, `CREATE TABLE "C" ("ID" NUMBER(38,0))`);
    await run(conn, "BEGIN");
    await run(conn, `INSERT INTO "C" ("ID") VALUES (?)`, ["1"]);
    const open = server.openSessions();
    await close(conn);
    expect(server.openSessions()).toBe(open - 1);
    expect((await server.readTable("C")).rows).toEqual([]);
    await server.sql(`DROP TABLE "C"`);
  });
});
