/**
 * A local HTTP server that speaks the part of Snowflake's REST protocol that
 * snowflake-sdk uses to load tables, backed by DuckDB so that tests can read
 * back what the driver wrote.
 *
 * Endpoints: `POST /session/v1/login-request` (password, token-as-password,
 * PROGRAMMATIC_ACCESS_TOKEN, SNOWFLAKE_JWT), `POST /queries/v1/query-request`
 * (bindings in the body, array bindings included; retries with the same
 * requestId get the first answer instead of running twice, as Snowflake does),
 * `POST /session?delete=true`, `POST /session/heartbeat`,
 * `POST /session/token-request`, `POST /telemetry/send`,
 * `GET /queries/:id/result`, `POST /queries/v1/abort-request`.
 *
 * Every Snowflake session gets its own DuckDB connection, so BEGIN/COMMIT/
 * ROLLBACK are real transactions; a session that ends (closed or killed by a
 * fault) rolls back what it left open.
 *
 * @example
 * const server = await startSnowflakeServer({ users: [{ name: "LOADER", password: "pat-123" }] });
 * // snowflake.createConnection({ accessUrl: server.url, account: server.account, username: "LOADER", password: "pat-123", … })
 * server.addFault({ match: (q) => q.kind === "insert", skip: 2, action: { type: "sql-error" } });
 * const table = await server.readTable("AGGREGATED_SESSIONS");
 * await server.close();
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { gunzipSync } from "node:zlib";
import { DuckDBInstance, LIST, VARCHAR, listValue, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { checkLogin, type TestUser } from "./auth.js";
import { singleValueResult, toSnowflakeResult, type RowType } from "./results.js";
import { classify, normalizeSql, snowflakeTypeOf, statementTypeId, translateDdl } from "./translate.js";

export type { TestUser } from "./auth.js";

/** Options of {@link startSnowflakeServer}. */
export interface SnowflakeServerOptions {
  /** Account name the driver must send (default "TESTACCOUNT"). */
  account?: string;
  /** The one database this server holds (default "ANALYTICS"). */
  database?: string;
  /** Schemas created up front (default ["PUBLIC"]); others are created on login. */
  schemas?: string[];
  /** Users allowed to log in (default: none). */
  users?: TestUser[];
}

/** What a fault matcher sees of a query. */
export interface QueryInfo {
  /** The SQL text as sent. */
  sql: string;
  /** `insert` = INSERT … VALUES (?, …); `insert-select` = any other INSERT; `begin`/`commit`/`rollback`; `swap`; else the first keyword, lower case. */
  kind: string;
  /** Number of bound rows (array binding), 1 for scalar bindings, 0 without. */
  boundRows: number;
  /** 1-based count of statements of this kind seen by the server so far, this one included. */
  ordinal: number;
  sessionId: number;
  requestId: string;
}

/** What a fault does. */
export type FaultAction =
  /** Destroys the TCP connection without answering. `after` runs the statement first (the answer is lost). `killSession` also ends the session, rolling back its open transaction. */
  | { type: "drop-connection"; after?: boolean; killSession?: boolean }
  /** Answers with a Snowflake SQL error. */
  | { type: "sql-error"; code?: string; message?: string; sqlState?: string }
  /** Answers with a bare HTTP status (e.g. 503, which the driver retries). */
  | { type: "http-status"; status: number }
  /** Never answers (until the server closes); the statement does not run. */
  | { type: "stall" };

/** A fault injected into query handling. */
export interface Fault {
  /** Which queries it applies to (default: all). */
  match?: (q: QueryInfo) => boolean;
  /** Matching queries to let through before the fault fires (default 0). */
  skip?: number;
  /** How many times it fires (default: every time after `skip`). */
  times?: number;
  action: FaultAction;
}

/** A fault on login-request. */
export type LoginFault =
  | { type: "refuse"; times?: number }
  | { type: "http-status"; status: number; times?: number }
  | { type: "drop-connection"; times?: number };

/** A table read back from DuckDB. */
export interface ReadTable {
  /** Column names and the Snowflake types they were declared with (e.g. NUMBER(38,0), TIMESTAMP_NTZ(6)). */
  columns: { name: string; type: string }[];
  /** Rows, values as produced by {@link readValue}. */
  rows: unknown[][];
}

/** One logged request (bodies parsed; login secrets are kept so tests can search for them). */
export interface LoggedRequest {
  method: string;
  path: string;
  body: unknown;
}

/** A running test server. */
export interface SnowflakeTestServer {
  /** `http://127.0.0.1:<port>`, for the driver's `accessUrl`. */
  url: string;
  account: string;
  database: string;
  /** Every request received, in order. */
  requests: LoggedRequest[];
  /** SQL text and bindings of every query-request, in order. */
  queries: { sql: string; bindings: unknown }[];
  addFault(fault: Fault): void;
  setLoginFault(fault: LoginFault | undefined): void;
  clearFaults(): void;
  /** Sessions currently open. */
  openSessions(): number;
  /** Runs SQL directly on DuckDB (schema `database.schema`), outside any session. */
  sql(text: string, schema?: string): Promise<{ columns: string[]; rows: unknown[][] }>;
  tableExists(name: string, schema?: string): Promise<boolean>;
  /** Reads a table with its declared Snowflake types, rows ordered by `orderBy` (column names) when given. */
  readTable(name: string, options?: { schema?: string; orderBy?: string[] }): Promise<ReadTable>;
  close(): Promise<void>;
}

/**
 * Converts a DuckDB value to a plain JS value for comparisons:
 * NUMBER(p,0) → bigint, NUMBER(p,s>0) → exact decimal string, FLOAT → number,
 * TIMESTAMP_NTZ → bigint ticks since the epoch at the column's scale, DATE → days,
 * VARCHAR → string, BOOLEAN → boolean, NULL → null.
 */
export function readValue(value: DuckDBValue, snowflakeType: string): unknown {
  if (value === null || value === undefined) return null;
  if (/^NUMBER\(\d+,0\)$/.test(snowflakeType)) return BigInt(String(value));
  if (snowflakeType.startsWith("NUMBER")) return String(value);
  if (snowflakeType.startsWith("TIMESTAMP_NTZ")) {
    const v = value as { millis?: bigint; micros?: bigint; nanos?: bigint };
    return v.nanos ?? v.micros ?? v.millis;
  }
  if (snowflakeType === "DATE") return (value as { days: number }).days;
  return value;
}

interface Session {
  id: number;
  token: string;
  masterToken: string;
  user: string;
  conn: DuckDBConnection;
  schema: string | null;
  warehouse: string | null;
  role: string | null;
  queue: Promise<unknown>;
  closed: boolean;
}

interface SnowflakeBody {
  success: boolean;
  code: string | null;
  message: string | null;
  data: unknown;
}

class SqlError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly sqlState: string,
  ) {
    super(message);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Maps a DuckDB error to Snowflake's error code, SQL state and message style. */
function toSqlError(err: unknown): SqlError {
  if (err instanceof SqlError) return err;
  const text = err instanceof Error ? err.message : String(err);
  const missing = /Table with name ([^\s]+) does not exist/i.exec(text);
  if (missing) return new SqlError("002003", `SQL compilation error:\nObject '${missing[1]}' does not exist or not authorized.`, "42S02");
  if (/^(Parser|Binder|Catalog) Error/i.test(text)) return new SqlError("001003", `SQL compilation error:\n${text}`, "42000");
  if (/^Conversion Error/i.test(text)) return new SqlError("100038", text, "22018");
  if (/^Constraint Error/i.test(text)) return new SqlError("100072", text, "22000");
  if (/^TransactionContext Error/i.test(text)) return new SqlError("000603", text, "XX000");
  return new SqlError("000904", text, "42000");
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("error", reject);
    req.on("end", () => {
      let raw = Buffer.concat(chunks);
      if (raw.length === 0) return resolve(undefined);
      // the driver gzips bodies (Content-Encoding: gzip) when compression finishes in time
      if (raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw);
      try {
        resolve(JSON.parse(raw.toString("utf8")));
      } catch (e) {
        reject(e);
      }
    });
  });
}

/**
 * Starts a server on 127.0.0.1 (a free port chosen by the OS).
 *
 * @example
 * const server = await startSnowflakeServer({ users: [{ name: "LOADER", password: "secret" }] });
 * try { … } finally { await server.close(); }
 */
export async function startSnowflakeServer(options: SnowflakeServerOptions = {}): Promise<SnowflakeTestServer> {
  const account = options.account ?? "TESTACCOUNT";
  const database = options.database ?? "ANALYTICS";
  const users = options.users ?? [];
  const instance = await DuckDBInstance.create(":memory:");
  const admin = await instance.connect();
  await admin.run(`ATTACH ':memory:' AS ${quoteIdent(database)}`);
  const knownSchemas = new Set<string>();
  async function ensureSchema(schema: string): Promise<void> {
    if (knownSchemas.has(schema)) return;
    await admin.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(database)}.${quoteIdent(schema)}`);
    knownSchemas.add(schema);
  }
  for (const s of options.schemas ?? ["PUBLIC"]) await ensureSchema(s);

  const sessions = new Map<string, Session>();
  const masterTokens = new Map<string, Session>();
  let nextSessionId = 1000;
  const requests: LoggedRequest[] = [];
  const queries: { sql: string; bindings: unknown }[] = [];
  let faults: { fault: Fault; seen: number; fired: number }[] = [];
  let loginFault: { fault: LoginFault; fired: number } | undefined;
  const ordinals = new Map<string, number>();
  /** requestId → the answer (or the answer in progress), so that driver retries do not run a statement twice. */
  const answered = new Map<string, Promise<SnowflakeBody>>();
  const results = new Map<string, SnowflakeBody>();
  const sockets = new Set<Socket>();

  async function endSession(session: Session): Promise<void> {
    if (session.closed) return;
    session.closed = true;
    sessions.delete(session.token);
    masterTokens.delete(session.masterToken);
    await session.queue.catch(() => undefined);
    try {
      await session.conn.run("ROLLBACK");
    } catch {
      // no transaction open
    }
    session.conn.closeSync();
  }

  function ok(data: unknown): SnowflakeBody {
    return { success: true, code: null, message: null, data };
  }
  function fail(code: string, message: string, data: Record<string, unknown> = {}): SnowflakeBody {
    return { success: false, code, message, data: { ...data, errorCode: code } };
  }

  async function login(url: URL, body: { data?: Record<string, unknown> } | undefined): Promise<SnowflakeBody | number | "drop"> {
    if (loginFault && (loginFault.fault.times === undefined || loginFault.fired < loginFault.fault.times)) {
      loginFault.fired++;
      const f = loginFault.fault;
      if (f.type === "refuse") return fail("390100", "Incorrect username or password was specified.", { nextAction: "RETRY_LOGIN" });
      if (f.type === "http-status") return f.status;
      return "drop";
    }
    const check = checkLogin(users, account, body?.data ?? {});
    if (!check.ok) return fail(check.code, check.message, { nextAction: "RETRY_LOGIN", authnMethod: "USERNAME_PASSWORD" });
    const dbName = url.searchParams.get("databaseName");
    const schemaName = url.searchParams.get("schemaName");
    const usesDb = dbName !== null && dbName.toUpperCase() === database.toUpperCase();
    const conn = await instance.connect();
    let schema: string | null = null;
    if (usesDb) {
      schema = schemaName ?? "PUBLIC";
      await ensureSchema(schema);
      await conn.run(`USE ${quoteIdent(database)}.${quoteIdent(schema)}`);
    }
    const session: Session = {
      id: nextSessionId++,
      token: "ST-" + randomBytes(24).toString("hex"),
      masterToken: "MT-" + randomBytes(24).toString("hex"),
      user: check.user.name,
      conn,
      schema,
      warehouse: url.searchParams.get("warehouse"),
      role: url.searchParams.get("roleName"),
      queue: Promise.resolve(),
      closed: false,
    };
    sessions.set(session.token, session);
    masterTokens.set(session.masterToken, session);
    return ok({
      token: session.token,
      masterToken: session.masterToken,
      validityInSeconds: 3600,
      masterValidityInSeconds: 14400,
      sessionId: session.id,
      serverVersion: "9.99.0",
      displayUserName: session.user,
      firstLogin: false,
      healthCheckInterval: 45,
      parameters: [
        { name: "CLIENT_STAGE_ARRAY_BINDING_THRESHOLD", value: 65280 },
        { name: "TIMEZONE", value: "UTC" },
        { name: "CLIENT_SESSION_KEEP_ALIVE", value: false },
      ],
      sessionInfo: {
        databaseName: usesDb ? database : null,
        schemaName: schema,
        warehouseName: session.warehouse,
        roleName: session.role ?? "PUBLIC",
      },
    });
  }

  function sessionOf(req: IncomingMessage, master = false): Session | undefined {
    const m = /Snowflake Token="([^"]*)"/.exec(String(req.headers.authorization ?? ""));
    if (!m) return undefined;
    return (master ? masterTokens : sessions).get(m[1]);
  }

  /** Array bindings → lists of strings; scalar bindings → strings. */
  function bindingValues(bindings: Record<string, { type: string; value: unknown }> | undefined): {
    arrays: (string | null)[][] | null;
    scalars: (string | null)[];
  } {
    if (!bindings) return { arrays: null, scalars: [] };
    const keys = Object.keys(bindings).sort((a, b) => Number(a) - Number(b));
    const values = keys.map((k) => bindings[k].value);
    const asText = (v: unknown) => (v === null || v === undefined ? null : String(v));
    if (values.length > 0 && values.every(Array.isArray)) {
      return { arrays: values.map((col) => (col as unknown[]).map(asText)), scalars: [] };
    }
    return { arrays: null, scalars: values.map(asText) };
  }

  async function execute(session: Session, sql: string, bindings: Record<string, { type: string; value: unknown }> | undefined, queryId: string): Promise<SnowflakeBody> {
    const shape = classify(sql);
    const { arrays, scalars } = bindingValues(bindings);
    const conn = session.conn;
    const common = {
      queryId,
      finalDatabaseName: session.schema ? database : null,
      finalSchemaName: session.schema,
      finalWarehouseName: session.warehouse,
      finalRoleName: session.role,
      numberOfBinds: bindings ? Object.keys(bindings).length : 0,
      arrayBindSupported: false,
      version: 1,
      queryResultFormat: "json",
      parameters: [],
    };
    const answer = (verb: string, result: { rowtype: RowType[]; rowset: (string | null)[][] }) =>
      ok({ ...common, ...result, total: result.rowset.length, returned: result.rowset.length, statementTypeId: statementTypeId(verb) });
    if (shape.kind === "begin" || shape.kind === "commit" || shape.kind === "rollback") {
      try {
        await conn.run(shape.kind === "begin" ? "BEGIN TRANSACTION" : shape.kind.toUpperCase());
      } catch (e) {
        // Snowflake: BEGIN inside a transaction and COMMIT/ROLLBACK outside one are no-ops
        if (!/transaction/i.test(String((e as Error).message))) throw e;
      }
      return answer(shape.kind.toUpperCase(), singleValueResult("status", "text", "Statement executed successfully."));
    }
    if (!session.schema) throw new SqlError("090105", "Cannot perform operation. This session does not have a current database. Call 'USE DATABASE', or use a qualified name.", "22000");
    if (shape.kind === "swap") {
      // ALTER TABLE a SWAP WITH b: three renames in one transaction (nested in the session's own if one is open)
      const tmp = quoteIdent(`__swap_${randomBytes(6).toString("hex")}`);
      const stripQualifier = (name: string) => name.replace(/^.*\.\s*(?=("|[A-Za-z_]))/s, "");
      const a = shape.a;
      const b = shape.b;
      let own = false;
      try {
        await conn.run("BEGIN TRANSACTION");
        own = true;
      } catch {
        own = false;
      }
      try {
        await conn.run(`ALTER TABLE ${a} RENAME TO ${tmp}`);
        await conn.run(`ALTER TABLE ${b} RENAME TO ${stripQualifier(a)}`);
        await conn.run(`ALTER TABLE ${tmp} RENAME TO ${stripQualifier(b)}`);
        if (own) await conn.run("COMMIT");
      } catch (e) {
        if (own) await conn.run("ROLLBACK");
        throw e;
      }
      return answer("ALTER", singleValueResult("status", "text", "Statement executed successfully."));
    }
    if (shape.kind === "insert-values") {
      if (arrays) {
        if (arrays.length !== shape.placeholders) throw new SqlError("002049", `SQL compilation error: Bind variable count ${arrays.length} does not match ${shape.placeholders}.`, "42601");
        const selects = arrays.map(() => "unnest(?)").join(", ");
        const r = await conn.run(
          `INSERT INTO ${shape.table} (${shape.columns}) SELECT ${selects}`,
          arrays.map((col) => listValue(col)),
          arrays.map(() => LIST(VARCHAR)),
        );
        return answer("INSERT", singleValueResult("number of rows inserted", "fixed", String(r.rowsChanged)));
      }
      const r = await conn.run(`INSERT INTO ${shape.table} (${shape.columns}) VALUES (${scalars.map(() => "?").join(", ")})`, scalars);
      return answer("INSERT", singleValueResult("number of rows inserted", "fixed", String(r.rowsChanged)));
    }
    const text = translateDdl(normalizeSql(sql));
    const verb = shape.kind === "sql" ? shape.verb : "";
    if (verb === "SELECT" || verb === "WITH" || verb === "SHOW" || verb === "DESCRIBE") {
      const reader = await conn.runAndReadAll(text, scalars.length > 0 ? scalars : undefined);
      return answer(verb, toSnowflakeResult(reader));
    }
    const r = await conn.run(text, scalars.length > 0 ? scalars : undefined);
    if (verb === "INSERT") return answer(verb, singleValueResult("number of rows inserted", "fixed", String(r.rowsChanged)));
    if (verb === "UPDATE") return answer(verb, singleValueResult("number of rows updated", "fixed", String(r.rowsChanged)));
    if (verb === "DELETE") return answer(verb, singleValueResult("number of rows deleted", "fixed", String(r.rowsChanged)));
    if (verb === "MERGE") return answer(verb, singleValueResult("number of rows merged", "fixed", String(r.rowsChanged)));
    return answer(verb, singleValueResult("status", "text", "Statement executed successfully."));
  }

  function pickFault(info: QueryInfo): FaultAction | undefined {
    for (const f of faults) {
      if (f.fault.match && !f.fault.match(info)) continue;
      f.seen++;
      if (f.seen <= (f.fault.skip ?? 0)) continue;
      if (f.fault.times !== undefined && f.fired >= f.fault.times) continue;
      f.fired++;
      return f.fault.action;
    }
    return undefined;
  }

  async function query(req: IncomingMessage, res: ServerResponse, url: URL, body: Record<string, unknown>): Promise<void> {
    const session = sessionOf(req);
    if (!session) return send(res, 200, fail("390111", "Session no longer exists.  New login required to access the service."));
    const requestId = url.searchParams.get("requestId") ?? randomUUID();
    const previous = answered.get(requestId);
    if (previous) return send(res, 200, await previous);
    const sql = String(body.sqlText ?? "");
    const bindings = body.bindings as Record<string, { type: string; value: unknown }> | undefined;
    const shape = classify(sql);
    const { arrays, scalars } = bindingValues(bindings);
    const kind = shape.kind === "insert-values" ? "insert" : shape.kind === "sql" ? (shape.verb === "INSERT" ? "insert-select" : shape.verb.toLowerCase()) : shape.kind;
    const ordinal = (ordinals.get(kind) ?? 0) + 1;
    ordinals.set(kind, ordinal);
    queries.push({ sql, bindings });
    const info: QueryInfo = { sql, kind, boundRows: arrays ? (arrays[0]?.length ?? 0) : scalars.length > 0 ? 1 : 0, ordinal, sessionId: session.id, requestId };
    const fault = pickFault(info);
    if (fault?.type === "http-status") return send(res, fault.status, { message: "injected" });
    if (fault?.type === "stall") return;
    if (fault?.type === "sql-error") {
      const err = new SqlError(fault.code ?? "100038", fault.message ?? "Injected failure: numeric value 'x' is not recognized", fault.sqlState ?? "22018");
      return send(res, 200, fail(err.code, err.message, { sqlState: err.sqlState, queryId: randomUUID(), internalError: false, type: "EXECUTION" }));
    }
    if (fault?.type === "drop-connection" && !fault.after) {
      if (fault.killSession) await endSession(session);
      req.socket.destroy();
      return;
    }
    const queryId = randomUUID();
    const run = (session.queue = session.queue.then(
      () => execute(session, sql, bindings, queryId),
      () => execute(session, sql, bindings, queryId),
    )) as Promise<SnowflakeBody>;
    const settled = run.catch((e: unknown) => {
      const err = toSqlError(e);
      return fail(err.code, err.message, { sqlState: err.sqlState, queryId, internalError: false, type: "COMPILATION" });
    });
    answered.set(requestId, settled);
    const answer = await settled;
    results.set(queryId, answer);
    if (fault?.type === "drop-connection") {
      if (fault.killSession) await endSession(session);
      req.socket.destroy();
      return;
    }
    send(res, 200, answer);
  }

  function send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const body = (await readBody(req)) as Record<string, unknown> | undefined;
    requests.push({ method: req.method ?? "", path: url.pathname + url.search, body });
    const path = url.pathname;
    if (req.method === "POST" && path === "/session/v1/login-request") {
      const answer = await login(url, body as { data?: Record<string, unknown> });
      if (answer === "drop") return void req.socket.destroy();
      if (typeof answer === "number") return send(res, answer, { message: "injected" });
      return send(res, 200, answer);
    }
    if (req.method === "POST" && path === "/queries/v1/query-request") return query(req, res, url, body ?? {});
    if (req.method === "POST" && path === "/session" && url.searchParams.get("delete") === "true") {
      const session = sessionOf(req);
      if (!session) return send(res, 200, fail("390111", "Session no longer exists.  New login required to access the service."));
      await endSession(session);
      return send(res, 200, ok(null));
    }
    if (req.method === "POST" && path === "/session/heartbeat") {
      return send(res, 200, sessionOf(req) ? ok(null) : fail("390111", "Session no longer exists."));
    }
    if (req.method === "POST" && path === "/session/token-request") {
      const session = sessionOf(req, true);
      if (!session) return send(res, 200, fail("390114", "Master token has expired."));
      sessions.delete(session.token);
      session.token = "ST-" + randomBytes(24).toString("hex");
      sessions.set(session.token, session);
      return send(res, 200, ok({ sessionToken: session.token, validityInSecondsST: 3600, masterToken: session.masterToken, validityInSecondsMT: 14400 }));
    }
    if (req.method === "POST" && path === "/telemetry/send") return send(res, 200, ok(null));
    if (req.method === "POST" && path === "/queries/v1/abort-request") return send(res, 200, ok(null));
    const resultPath = /^\/queries\/([^/]+)\/result$/.exec(path);
    if (req.method === "GET" && resultPath) {
      const result = results.get(resultPath[1]);
      return send(res, 200, result ?? fail("000709", `Statement ${resultPath[1]} not found`));
    }
    send(res, 404, { success: false, code: "404", message: `no route ${req.method} ${path}`, data: null });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent && !req.socket.destroyed) send(res, 500, { success: false, message: String((e as Error).message) });
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  async function directSql(text: string, schema = "PUBLIC"): Promise<{ columns: string[]; rows: unknown[][]; types: string[] }> {
    const conn = await instance.connect();
    try {
      await conn.run(`USE ${quoteIdent(database)}.${quoteIdent(schema)}`);
      const reader = await conn.runAndReadAll(text);
      return { columns: reader.columnNames(), rows: reader.getRows(), types: reader.columnTypes().map((t) => t.toString()) };
    } finally {
      conn.closeSync();
    }
  }

  return {
    url: `http://127.0.0.1:${port}`,
    account,
    database,
    requests,
    queries,
    addFault(fault) {
      faults.push({ fault, seen: 0, fired: 0 });
    },
    setLoginFault(fault) {
      loginFault = fault ? { fault, fired: 0 } : undefined;
    },
    clearFaults() {
      faults = [];
      loginFault = undefined;
    },
    openSessions: () => sessions.size,
    async sql(text, schema) {
      const r = await directSql(text, schema);
      return { columns: r.columns, rows: r.rows };
    },
    async tableExists(name, schema = "PUBLIC") {
      const r = await directSql(
        `SELECT count(*) FROM information_schema.tables WHERE table_catalog = '${database.replace(/'/g, "''")}' AND table_schema = '${schema.replace(/'/g, "''")}' AND table_name = '${name.replace(/'/g, "''")}'`,
        schema,
      );
      return Number(r.rows[0][0]) > 0;
    },
    async readTable(name, opts = {}) {
      const order = opts.orderBy && opts.orderBy.length > 0 ? ` ORDER BY ${opts.orderBy.map(quoteIdent).join(", ")}` : "";
      const r = await directSql(`SELECT * FROM ${quoteIdent(name)}${order}`, opts.schema);
      const columns = r.columns.map((c, i) => ({ name: c, type: snowflakeTypeOf(r.types[i]) }));
      return { columns, rows: r.rows.map((row) => row.map((v, i) => readValue(v as DuckDBValue, columns[i].type))) };
    },
    async close() {
      for (const s of [...sessions.values()]) await endSession(s);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      admin.closeSync();
      instance.closeSync();
    },
  };
}
