/**
 * A small promise-based session over snowflake-sdk: log in, run statements
 * (with a deadline each), close. The driver is loaded on first use, so that
 * importing the package does not load it; its logger is routed through a
 * redacting sink (silent by default) so it prints nothing on its own.
 */
import type * as SnowflakeSdk from "snowflake-sdk";
import { fromDriverError, SnowflakeSinkError, type Redactor } from "./errors.js";
import type { ResolvedConnection, SnowflakeDriverLogLevel } from "./options.js";

type Sdk = typeof SnowflakeSdk;

let sdkPromise: Promise<Sdk> | undefined;

async function loadSdk(): Promise<Sdk> {
  // The AWS SDK that snowflake-sdk bundles warns about Node 20 on first use; it is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  sdkPromise ??= import("snowflake-sdk").then((m) => ((m as { default?: Sdk }).default ?? m) as Sdk);
  return sdkPromise;
}

/** Routes the driver's (process-wide) logger to `log`, secrets removed, at `level`. */
function configureDriverLog(sdk: Sdk, level: SnowflakeDriverLogLevel, redact: Redactor, log?: (line: string) => void): void {
  const sink = (tag: string) => (message: unknown) => {
    if (level !== "OFF" && log) log(`snowflake-sdk ${tag}: ${redact(String(message))}`);
  };
  sdk.configure({
    logLevel: level,
    additionalLogToConsole: false,
    customLogger: { error: sink("error"), warn: sink("warn"), info: sink("info"), debug: sink("debug"), trace: sink("trace") },
  } as SnowflakeSdk.ConfigureOptions);
}

/**
 * Settings of {@link openSession}.
 *
 * @example
 * const session = await openSession(connection, { redact, statementTimeoutMs: 60_000, driverLogLevel: "OFF" });
 */
export interface SessionOptions {
  redact: Redactor;
  statementTimeoutMs: number;
  driverLogLevel: SnowflakeDriverLogLevel;
  log?: (line: string) => void;
}

/**
 * An open Snowflake session.
 *
 * @example
 * const rows = await session.run('SELECT COUNT(*) AS "N" FROM "T"');
 * await session.close();
 */
export interface SnowflakeSession {
  /** Runs one statement; `binds` is one row (`?` values) or an array of rows (array binding). */
  run(sql: string, binds?: (string | null)[] | (string | null)[][]): Promise<Record<string, unknown>[]>;
  /** Closes the session (best effort, never throws). */
  close(): Promise<void>;
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SnowflakeSinkError("connection", `Snowflake did not answer ${what} within ${ms} ms`, { transient: true })),
      ms,
    );
    timer.unref?.();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Logs in and returns a session. Authentication: key pair when a private key is
 * set, else the token (or password) sent as the password.
 *
 * @example
 * const session = await openSession(connection, { redact, statementTimeoutMs: 60_000, driverLogLevel: "OFF" });
 * await session.run('SELECT 1 AS "ONE"');
 * await session.close();
 */
export async function openSession(connection: ResolvedConnection, options: SessionOptions): Promise<SnowflakeSession> {
  const sdk = await loadSdk();
  configureDriverLog(sdk, options.driverLogLevel, options.redact, options.log);
  const keyPair = connection.privateKeyPath !== undefined || connection.privateKey !== undefined;
  const connectionOptions: SnowflakeSdk.ConnectionOptions = {
    account: connection.account,
    username: connection.user,
    database: connection.database,
    schema: connection.schema,
    warehouse: connection.warehouse,
    ...(connection.role !== undefined ? { role: connection.role } : {}),
    ...(connection.accessUrl !== undefined ? { accessUrl: connection.accessUrl.replace(/\/+$/, "") } : {}),
    application: "sessionize",
    ...(keyPair
      ? {
          authenticator: "SNOWFLAKE_JWT",
          ...(connection.privateKey !== undefined ? { privateKey: connection.privateKey } : { privateKeyPath: connection.privateKeyPath }),
          ...(connection.privateKeyPassphrase !== undefined ? { privateKeyPass: connection.privateKeyPassphrase } : {}),
        }
      : { password: connection.token ?? connection.password }),
    // login retries are ours (with our back-off), not the driver's
    sfRetryMaxLoginRetries: 0,
  } as SnowflakeSdk.ConnectionOptions;
  let conn: SnowflakeSdk.Connection;
  try {
    conn = sdk.createConnection(connectionOptions);
  } catch (e) {
    throw new SnowflakeSinkError("config", `Invalid Snowflake settings: ${options.redact(String((e as Error).message ?? e))}`, {
      code: (e as { code?: unknown }).code === undefined ? undefined : String((e as { code?: unknown }).code),
    });
  }
  try {
    await withDeadline(
      new Promise<void>((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve()))),
      options.statementTimeoutMs,
      "the login",
    );
  } catch (e) {
    destroyQuietly(conn);
    const err = fromDriverError(e, options.redact, "login");
    if (err.kind === "auth") {
      throw new SnowflakeSinkError(
        "auth",
        `${err.message} (account ${connection.account}, user ${connection.user}, ${keyPair ? "key-pair authentication" : "token/password authentication"}). Check SNOWFLAKE_USER and ${keyPair ? "SNOWFLAKE_PRIVATE_KEY_PATH" : "SNOWFLAKE_PAT"}.`,
        { code: err.code, sqlState: err.sqlState },
      );
    }
    throw err;
  }

  let broken = false;
  return {
    async run(sql, binds) {
      const execution = new Promise<Record<string, unknown>[]>((resolve, reject) => {
        conn.execute({
          sqlText: sql,
          ...(binds !== undefined ? { binds: binds as SnowflakeSdk.Binds } : {}),
          complete: (err, _stmt, rows) => (err ? reject(err) : resolve((rows ?? []) as Record<string, unknown>[])),
        });
      });
      try {
        return await withDeadline(execution, options.statementTimeoutMs, "a statement");
      } catch (e) {
        const err = fromDriverError(e, options.redact, "statement");
        if (err.transient) broken = true;
        throw err;
      }
    },
    async close() {
      if (broken) return destroyQuietly(conn);
      await withDeadline(
        new Promise<void>((resolve) => conn.destroy(() => resolve())),
        Math.min(options.statementTimeoutMs, 30_000),
        "the logout",
      ).catch(() => undefined);
    },
  };
}

function destroyQuietly(conn: SnowflakeSdk.Connection): void {
  try {
    conn.destroy(() => undefined);
  } catch {
    // already gone
  }
}
