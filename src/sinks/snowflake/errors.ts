/**
 * The one error type of the Snowflake subscriber, and the redaction that keeps
 * secrets out of it. Driver errors are never passed on as they are: only their
 * code, SQL state and a redacted message are copied.
 */

/**
 * What went wrong, broadly.
 *
 * @example
 * if (error.kind === "config") console.error("fix the settings:", error.message);
 */
export type SnowflakeErrorKind = "config" | "auth" | "connection" | "sql" | "data";

/**
 * Details of a {@link SnowflakeSinkError}.
 *
 * @example
 * new SnowflakeSinkError("sql", "Object does not exist", { code: "002003", table: "aggregated_sessions" });
 */
export interface SnowflakeSinkErrorDetails {
  /** Source table being published when it failed. */
  table?: string;
  /** Snowflake or driver error code, e.g. `390100`, `002003`. */
  code?: string;
  sqlState?: string;
  /** Whether a retry could succeed (network, session lost, timeout, some server errors). */
  transient?: boolean;
  /** Load attempts made for `table`. */
  attempts?: number;
  /** Source tables fully published before the failure. */
  published?: string[];
}

/**
 * Thrown by `subscribeSnowflake` and `snowflakeOptionsFromEnv`. Its message,
 * stack and fields never contain the token, password, passphrase or key.
 *
 * @example
 * try { await subscribeSnowflake(tables); }
 * catch (e) { if (e instanceof SnowflakeSinkError && e.kind === "auth") console.error(e.message); }
 */
export class SnowflakeSinkError extends Error {
  readonly kind: SnowflakeErrorKind;
  declare readonly table?: string;
  declare readonly code?: string;
  declare readonly sqlState?: string;
  readonly transient: boolean;
  declare readonly attempts?: number;
  declare readonly published?: string[];

  constructor(kind: SnowflakeErrorKind, message: string, details: SnowflakeSinkErrorDetails = {}) {
    super(message);
    this.name = "SnowflakeSinkError";
    this.kind = kind;
    this.transient = details.transient ?? false;
    if (details.table !== undefined) this.table = details.table;
    if (details.code !== undefined) this.code = details.code;
    if (details.sqlState !== undefined) this.sqlState = details.sqlState;
    if (details.attempts !== undefined) this.attempts = details.attempts;
    if (details.published !== undefined) this.published = details.published;
  }
}

const REDACTED = "[redacted]";

/**
 * Replaces every secret (and its URL-encoded and base64 forms) with `[redacted]`.
 *
 * @example
 * const redact = makeRedactor(["s3cr3t"]);
 * redact("token=s3cr3t"); // "token=[redacted]"
 */
export type Redactor = (text: string) => string;

/**
 * @example
 * const redact = makeRedactor(["s3cr3t"]);
 * redact("password=s3cr3t"); // "password=[redacted]"
 */
export function makeRedactor(secrets: readonly string[]): Redactor {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < 4) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
    forms.add(JSON.stringify(s).slice(1, -1));
    forms.add(Buffer.from(s).toString("base64"));
    // each line of a multi-line secret (a PEM key) on its own
    for (const line of s.split(/\r?\n/)) if (line.trim().length >= 16) forms.add(line.trim());
  }
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = text;
    for (const f of ordered) if (out.includes(f)) out = out.split(f).join(REDACTED);
    return out;
  };
}

interface DriverErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  sqlState?: unknown;
  response?: { statusCode?: unknown; status?: unknown };
}

/** Snowflake codes meaning "log in again": the session is gone or expired. */
const SESSION_GONE = new Set(["390111", "390112", "390114", "390104"]);
/** Snowflake SQL error codes worth a retry (internal error, statement aborted by the service). */
const TRANSIENT_SQL = new Set(["000603", "000625", "000630"]);

/** True for codes of authentication failures (390100 bad password, 390144 bad JWT, …). */
function isAuthCode(code: string): boolean {
  return /^390(1\d\d|3\d\d|4\d\d)$/.test(code) && !SESSION_GONE.has(code);
}

/**
 * Turns anything a driver call threw into a {@link SnowflakeSinkError}, with the
 * message redacted and the kind and transience decided from the driver's error.
 *
 * @example
 * try { await run(sql); } catch (e) { throw fromDriverError(e, redact, "statement"); }
 */
export function fromDriverError(err: unknown, redact: Redactor, during: "login" | "statement"): SnowflakeSinkError {
  if (err instanceof SnowflakeSinkError) return err;
  const e = (err ?? {}) as DriverErrorLike;
  const name = typeof e.name === "string" ? e.name : "";
  const code = e.code === undefined || e.code === null ? undefined : String(e.code);
  const sqlState = typeof e.sqlState === "string" ? e.sqlState : undefined;
  const message = redact(typeof e.message === "string" && e.message ? e.message : String(err));
  const status = Number(e.response?.statusCode ?? e.response?.status ?? NaN);
  if (code !== undefined && isAuthCode(code)) {
    return new SnowflakeSinkError("auth", `Snowflake authentication failed: ${message}`, { code, sqlState });
  }
  if (code !== undefined && SESSION_GONE.has(code)) {
    return new SnowflakeSinkError("connection", `Snowflake session lost: ${message}`, { code, sqlState, transient: true });
  }
  if (name === "NetworkError") {
    return new SnowflakeSinkError("connection", `Could not reach Snowflake: ${message}`, { code, sqlState, transient: true });
  }
  if (name === "RequestFailedError") {
    const transient = !Number.isFinite(status) || status >= 500 || status === 429 || status === 408;
    return new SnowflakeSinkError("connection", `Snowflake request failed${Number.isFinite(status) ? ` (HTTP ${status})` : ""}: ${message}`, {
      code,
      sqlState,
      transient,
    });
  }
  // SQL state class 08: the connection is closed or was never established (407002 "terminated connection")
  if (name === "ClientError" && (sqlState?.startsWith("08") || code === "405503" || code === "407002")) {
    return new SnowflakeSinkError("connection", `Snowflake connection closed: ${message}`, { code, sqlState, transient: true });
  }
  if (name === "OperationFailedError") {
    if (during === "login") return new SnowflakeSinkError("auth", `Snowflake login failed: ${message}`, { code, sqlState });
    return new SnowflakeSinkError("sql", message, { code, sqlState, transient: code !== undefined && TRANSIENT_SQL.has(code) });
  }
  // anything else at login (a key the driver cannot use, a setting it rejects) fails the same way every time
  if (during === "login") return new SnowflakeSinkError("connection", `Snowflake login failed: ${message}`, { code, sqlState, transient: false });
  return new SnowflakeSinkError("connection", message, { code, sqlState, transient: false });
}
