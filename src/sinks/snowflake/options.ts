/**
 * Settings of the Snowflake subscriber: the connection (from code or from the
 * tutorial's `SNOWFLAKE_*` environment variables) and how tables are loaded.
 */
import { SnowflakeSinkError } from "./errors.js";
import { checkPrivateKey } from "./private-key.js";

/**
 * How a table reaches Snowflake.
 *
 * @example
 * await subscribeSnowflake(tables, { mode: "append" });
 */
export type SnowflakeMode = "replace" | "append" | "merge";

/**
 * Connection settings, each with the environment variable it is read from.
 *
 * @example
 * const settings: Partial<SnowflakeConnectionSettings> = { account: "myorg-myaccount", user: "etl", privateKeyPath: "/keys/rsa_key.p8" };
 */
export interface SnowflakeConnectionSettings {
  /** Account identifier, e.g. `myorg-myaccount` (SNOWFLAKE_ACCOUNT). */
  account: string;
  /** Login name (SNOWFLAKE_USER). */
  user: string;
  /** Programmatic access token, sent as the password as the tutorial does (SNOWFLAKE_PAT). */
  token?: string;
  /** A plain password, used like `token` when no token is given. */
  password?: string;
  /** Path of a PEM private key for key-pair authentication (SNOWFLAKE_PRIVATE_KEY_PATH). */
  privateKeyPath?: string;
  /** A PEM private key given in code instead of a path. */
  privateKey?: string;
  /** Passphrase of an encrypted private key (SNOWFLAKE_PRIVATE_KEY_PASSPHRASE). */
  privateKeyPassphrase?: string;
  /** Role to use (SNOWFLAKE_ROLE); the user's default role when absent. */
  role?: string;
  /** Target database (SNOWFLAKE_DATABASE). */
  database: string;
  /** Target schema (SNOWFLAKE_SCHEMA). */
  schema: string;
  /** Warehouse that runs the loads (SNOWFLAKE_WAREHOUSE). */
  warehouse: string;
  /** Full URL of the account, for private endpoints or a test server (SNOWFLAKE_ACCESS_URL), e.g. `https://myorg-myaccount.privatelink.snowflakecomputing.com`. */
  accessUrl?: string;
}

/**
 * Where each connection setting comes from in the environment.
 *
 * @example
 * SNOWFLAKE_ENV.token; // "SNOWFLAKE_PAT"
 */
export const SNOWFLAKE_ENV: Readonly<Record<keyof SnowflakeConnectionSettings, string>> = {
  account: "SNOWFLAKE_ACCOUNT",
  user: "SNOWFLAKE_USER",
  token: "SNOWFLAKE_PAT",
  password: "SNOWFLAKE_PASSWORD",
  privateKeyPath: "SNOWFLAKE_PRIVATE_KEY_PATH",
  privateKey: "SNOWFLAKE_PRIVATE_KEY",
  privateKeyPassphrase: "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE",
  role: "SNOWFLAKE_ROLE",
  database: "SNOWFLAKE_DATABASE",
  schema: "SNOWFLAKE_SCHEMA",
  warehouse: "SNOWFLAKE_WAREHOUSE",
  accessUrl: "SNOWFLAKE_ACCESS_URL",
};

/**
 * Log levels of snowflake-sdk's own logger.
 *
 * @example
 * await subscribeSnowflake(tables, { driverLogLevel: "WARN" }); // the driver's warnings, redacted, through `log`
 */
export type SnowflakeDriverLogLevel = "OFF" | "ERROR" | "WARN" | "INFO" | "DEBUG" | "TRACE";

/**
 * Everything `subscribeSnowflake` accepts: connection settings (any left out
 * are read from `env`) plus loading options.
 *
 * @example
 * const options: SnowflakeOptions = {
 *   ...snowflakeOptionsFromEnv(),
 *   mode: "merge",
 *   mergeKeys: { aggregated_sessions: "session_id" },
 *   log: (line) => console.error(line),
 * };
 */
export interface SnowflakeOptions extends Partial<SnowflakeConnectionSettings> {
  /** `replace` (default): load a new table and swap it in atomically; `append`: add rows; `merge`: upsert on a key. */
  mode?: SnowflakeMode;
  /**
   * Merge key per source table (a column name or several). Defaults: `session_id` for
   * `aggregated_sessions`, `event_id` for `sessionized_logs`; for other tables
   * `event_id` when the table has it, else `session_id`.
   */
  mergeKeys?: Record<string, string | readonly string[]>;
  /** Snowflake table name per source table (default: the source name, cased by `identifierCase`). */
  tableNames?: Record<string, string>;
  /**
   * How names become quoted identifiers: `upper` (default) gives `"AGGREGATED_SESSIONS"`,
   * which unquoted SQL finds as `aggregated_sessions`; `preserve` keeps the case as is.
   */
  identifierCase?: "upper" | "preserve";
  /** Most rows per INSERT batch (default 10,000; never more than the driver's 65,280 bind values per statement). */
  batchRows?: number;
  /** Retries of a table load after a transient failure (default 3). */
  retries?: number;
  /** First back-off delay in ms, doubled on each retry with jitter (default 1,000). */
  retryDelayMs?: number;
  /** Longest back-off delay in ms (default 30,000). */
  maxRetryDelayMs?: number;
  /** A statement without an answer after this many ms counts as a transient failure (default 600,000). */
  statementTimeoutMs?: number;
  /** Progress lines (secrets removed). Default: silent. */
  log?: (line: string) => void;
  /** Level of snowflake-sdk's own (process-wide) log, sent to `log` with secrets removed (default `OFF`: the driver prints nothing and writes no snowflake.log). */
  driverLogLevel?: SnowflakeDriverLogLevel;
  /** Where settings missing from these options are read (default `process.env`; `false` reads nothing). */
  env?: Record<string, string | undefined> | false;
}

const REQUIRED: (keyof SnowflakeConnectionSettings)[] = ["account", "user", "database", "schema", "warehouse"];
const CONNECTION_KEYS = Object.keys(SNOWFLAKE_ENV) as (keyof SnowflakeConnectionSettings)[];

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function missingSettings(s: Partial<SnowflakeConnectionSettings>): string[] {
  const missing = REQUIRED.filter((k) => nonEmpty(s[k]) === undefined).map((k) => `${k} (${SNOWFLAKE_ENV[k]})`);
  if (!nonEmpty(s.token) && !nonEmpty(s.password) && !nonEmpty(s.privateKeyPath) && !nonEmpty(s.privateKey)) {
    missing.push(`token (${SNOWFLAKE_ENV.token}) or privateKeyPath (${SNOWFLAKE_ENV.privateKeyPath})`);
  }
  return missing;
}

function readEnv(env: Record<string, string | undefined>): Partial<SnowflakeConnectionSettings> {
  const out: Partial<SnowflakeConnectionSettings> = {};
  for (const key of CONNECTION_KEYS) {
    const value = nonEmpty(env[SNOWFLAKE_ENV[key]]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * Reads the connection from the environment, as the tutorial's `source.sh` sets it:
 * SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_PAT (or SNOWFLAKE_PRIVATE_KEY_PATH and
 * SNOWFLAKE_PRIVATE_KEY_PASSPHRASE), SNOWFLAKE_ROLE, SNOWFLAKE_DATABASE,
 * SNOWFLAKE_SCHEMA, SNOWFLAKE_WAREHOUSE and optionally SNOWFLAKE_ACCESS_URL.
 * Throws a {@link SnowflakeSinkError} (kind `config`) naming every missing variable.
 *
 * @example
 * const options = snowflakeOptionsFromEnv();          // process.env
 * await subscribeSnowflake({ aggregated_sessions: frame }, { ...options, mode: "append" });
 */
export function snowflakeOptionsFromEnv(env: Record<string, string | undefined> = process.env): SnowflakeOptions {
  const settings = readEnv(env);
  const missing = missingSettings(settings);
  if (missing.length > 0) {
    throw new SnowflakeSinkError("config", `Snowflake settings missing: ${missing.join(", ")}. Set the environment variables or pass them in the options.`);
  }
  return { ...settings, env: false };
}

/**
 * Connection settings after merging options with the environment and checking them.
 *
 * @example
 * const connection: ResolvedConnection = resolveConnection(options);
 */
export type ResolvedConnection = SnowflakeConnectionSettings;

/**
 * Options first, then `options.env` (default `process.env`) for what they leave out;
 * throws a {@link SnowflakeSinkError} (kind `config`) naming what is still missing.
 * With key-pair settings it also reads the key file and decrypts the key (see
 * {@link checkPrivateKey}), so a missing file or a wrong passphrase fails here,
 * before any login, with an error naming SNOWFLAKE_PRIVATE_KEY_PATH or
 * SNOWFLAKE_PRIVATE_KEY_PASSPHRASE.
 *
 * @example
 * resolveConnection({ account: "a", user: "u", token: "t", database: "d", schema: "s", warehouse: "w", env: false });
 */
export function resolveConnection(options: SnowflakeOptions): ResolvedConnection {
  const fromEnv = options.env === false ? {} : readEnv(options.env ?? process.env);
  const merged: Partial<SnowflakeConnectionSettings> = { ...fromEnv };
  for (const key of CONNECTION_KEYS) {
    const value = nonEmpty(options[key]);
    if (value !== undefined) merged[key] = value;
  }
  const missing = missingSettings(merged);
  if (missing.length > 0) {
    throw new SnowflakeSinkError("config", `Snowflake settings missing: ${missing.join(", ")}. Set the environment variables or pass them in the options.`);
  }
  if (merged.accessUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(merged.accessUrl);
    } catch {
      throw new SnowflakeSinkError("config", `Snowflake access URL is not a URL (${SNOWFLAKE_ENV.accessUrl}).`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new SnowflakeSinkError("config", `Snowflake access URL must start with https:// (${SNOWFLAKE_ENV.accessUrl}).`);
    }
  }
  checkPrivateKey(merged);
  return merged as ResolvedConnection;
}

/**
 * The secrets among the settings, for redaction.
 *
 * @example
 * secretsOf({ token: "t0k", user: "etl" }); // ["t0k"]
 */
export function secretsOf(options: Partial<SnowflakeConnectionSettings>): string[] {
  return [options.token, options.password, options.privateKeyPassphrase, options.privateKey].filter(
    (s): s is string => typeof s === "string" && s.length > 0,
  );
}
