/**
 * The Snowflake subscriber: publishes Polars frames as Snowflake tables.
 *
 * Every mode first loads the frame into a staging table next to the target
 * (`<TARGET>__SESSIONIZE_STAGE`, dropped and re-created on each attempt), in
 * batches of bound rows, and checks its row count. Only then is the target
 * touched, by one atomic statement:
 *
 * - replace: `ALTER TABLE target SWAP WITH staging`, then the staging table (now
 *   holding the old rows) is dropped. A failure before the swap leaves the old
 *   table exactly as it was; a retry redoes the whole load, so it is safe even
 *   when the swap's answer was lost. When that answer is lost on the last
 *   attempt, the error says the table may already have been replaced.
 * - append: `INSERT INTO target SELECT … FROM staging` in a transaction. Not
 *   retried once sent: if its answer is lost, whether it ran is unknown and a
 *   retry could add the rows twice, so the error says so.
 * - merge: `MERGE INTO target USING staging ON key …` in a transaction
 *   (idempotent, so retried like replace). Keys must be non-null and unique.
 *
 * A target that does not exist yet is created by renaming the staging table.
 *
 * After the last failed attempt the staging table is dropped, on a fresh
 * session when the failure took the session down (best effort: if Snowflake
 * cannot be reached at all it stays, and the next publish drops it first). It
 * is kept only when an append's outcome is unknown.
 */
import pl from "nodejs-polars";
import { openSession, type SnowflakeSession } from "./client.js";
import { makeRedactor, SnowflakeSinkError } from "./errors.js";
import { resolveConnection, secretsOf, type ResolvedConnection, type SnowflakeMode, type SnowflakeOptions } from "./options.js";
import {
  appendSql,
  countSql,
  createTableSql,
  dropTableSql,
  insertSql,
  mergeSql,
  renameSql,
  swapSql,
  TABLE_EXISTS_SQL,
} from "./sql.js";
import { tableSource, type TableSource } from "./source.js";
import { bindBatches, planColumn, type ColumnPlan } from "./types.js";

/**
 * The tables `sessionize publish --snowflake` sends by default.
 *
 * @example
 * await publishStore({ store: ".sessionize", tables: DEFAULT_SNOWFLAKE_TABLES });
 */
export const DEFAULT_SNOWFLAKE_TABLES: readonly string[] = ["aggregated_sessions", "sessionized_logs"];

/**
 * Merge keys used when `mergeKeys` does not name one for a table.
 *
 * @example
 * DEFAULT_MERGE_KEYS.aggregated_sessions; // "session_id"
 */
export const DEFAULT_MERGE_KEYS: Readonly<Record<string, string>> = {
  aggregated_sessions: "session_id",
  sessionized_logs: "event_id",
};

/** The driver sends more bind values than this through a stage (PUT), which this subscriber does not use. */
const MAX_BIND_VALUES = 65_280;

/**
 * What happened to one table.
 *
 * @example
 * const [first]: TableReport[] = (await subscribeSnowflake(tables)).tables;
 * console.log(`${first.table}: ${first.rows} rows in ${first.batches} batches`);
 */
export interface TableReport {
  /** Source table name (the key in the `tables` argument). */
  source: string;
  /** Snowflake table name (unquoted), in `database.schema`. */
  table: string;
  rows: number;
  batches: number;
  /** Load attempts (1 unless a transient failure was retried). */
  attempts: number;
  /** Whether the table did not exist before. */
  created: boolean;
  /** Columns as created in Snowflake. */
  columns: { name: string; type: string }[];
  /** Merge key columns (merge mode only). */
  keys?: string[];
}

/**
 * What `subscribeSnowflake` did. Holds no secrets.
 *
 * @example
 * const report: SubscribeReport = await subscribeSnowflake({ aggregated_sessions: frame });
 * report.tables.map((t) => t.rows);
 */
export interface SubscribeReport {
  mode: SnowflakeMode;
  account: string;
  database: string;
  schema: string;
  tables: TableReport[];
}

interface Settings {
  mode: SnowflakeMode;
  batchRows: number;
  retries: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  statementTimeoutMs: number;
  upper: boolean;
  log: (line: string) => void;
}

function positiveInt(value: number | undefined, fallback: number, name: string, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new SnowflakeSinkError("config", `Option ${name} must be an integer ≥ ${min} (got ${value}).`);
  return value;
}

function settingsOf(options: SnowflakeOptions, redact: (s: string) => string): Settings {
  const mode = options.mode ?? "replace";
  if (!["replace", "append", "merge"].includes(mode)) {
    throw new SnowflakeSinkError("config", `Unknown Snowflake mode "${String(mode)}" (use replace, append or merge).`);
  }
  if (options.identifierCase !== undefined && options.identifierCase !== "upper" && options.identifierCase !== "preserve") {
    throw new SnowflakeSinkError("config", `Option identifierCase must be "upper" or "preserve".`);
  }
  const log = options.log;
  return {
    mode,
    batchRows: positiveInt(options.batchRows, 10_000, "batchRows"),
    retries: positiveInt(options.retries, 3, "retries", 0),
    retryDelayMs: positiveInt(options.retryDelayMs, 1_000, "retryDelayMs", 0),
    maxRetryDelayMs: positiveInt(options.maxRetryDelayMs, 30_000, "maxRetryDelayMs", 0),
    statementTimeoutMs: positiveInt(options.statementTimeoutMs, 600_000, "statementTimeoutMs"),
    upper: (options.identifierCase ?? "upper") === "upper",
    log: log ? (line) => log(redact(line)) : () => undefined,
  };
}

function mergeKeysFor(source: string, frame: TableSource, options: SnowflakeOptions): string[] {
  const given = options.mergeKeys?.[source];
  const keys = given === undefined ? undefined : typeof given === "string" ? [given] : [...given];
  const columnNames = frame.columns.map((c) => c.name);
  const chosen =
    keys ??
    (DEFAULT_MERGE_KEYS[source] !== undefined
      ? [DEFAULT_MERGE_KEYS[source]]
      : columnNames.includes("event_id")
        ? ["event_id"]
        : columnNames.includes("session_id")
          ? ["session_id"]
          : undefined);
  if (!chosen || chosen.length === 0) {
    throw new SnowflakeSinkError("config", `No merge key for table "${source}": pass mergeKeys: { ${source}: "<column>" }.`, { table: source });
  }
  for (const k of chosen) {
    if (!columnNames.includes(k)) {
      throw new SnowflakeSinkError("config", `Merge key "${k}" is not a column of table "${source}".`, { table: source });
    }
  }
  const nulls = frame.aggregate(...chosen.map((k) => pl.col(k).isNull().sum().alias(k)));
  if (chosen.some((k) => Number(nulls.getColumn(k).get(0)) > 0)) {
    throw new SnowflakeSinkError("data", `Table "${source}" has null values in its merge key (${chosen.join(", ")}).`, { table: source });
  }
  const distinct = frame.distinctCount(chosen);
  if (distinct !== frame.height) {
    throw new SnowflakeSinkError("data", `Table "${source}" has ${frame.height - distinct} duplicate merge keys (${chosen.join(", ")}); merge needs one row per key.`, {
      table: source,
    });
  }
  return chosen;
}

function backoffMs(attempt: number, s: Settings): number {
  const ceiling = Math.min(s.maxRetryDelayMs, s.retryDelayMs * 2 ** (attempt - 1));
  // "equal jitter": half fixed, half random, so retries of several clients spread out
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface LoadPlan {
  source: string;
  target: string;
  staging: string;
  frame: TableSource;
  columns: ColumnPlan[];
  keys?: string[];
  batchRows: number;
}

/** The statement of an attempt that changes the target, once it has been sent (its answer may be lost). */
type TargetStatement = "rename" | "swap" | "append" | "merge";

/** What one attempt got to; read after it fails. */
interface AttemptState {
  /** The staging table may exist (its first DROP was sent). */
  stagingTouched: boolean;
  /** Set just before the statement that changes the target is sent (for merge: its COMMIT). */
  sent?: TargetStatement;
}

/** What the error of a last attempt adds when the answer to `sent` was lost: the target may have changed after all. */
const OUTCOME_UNKNOWN: Record<TargetStatement, string> = {
  rename: " Outcome unknown: the table may already have been created (the rename was sent before the connection failed); check it before relying on it.",
  swap: " Outcome unknown: the table may already have been replaced (the swap was sent before the connection failed); check it before relying on it.",
  append: " Whether the append ran is unknown: check the table before publishing again.",
  merge: " Outcome unknown: the merge may already have been committed (the COMMIT was sent before the connection failed); check the table before relying on it.",
};

/** One attempt at loading one table; `session` is open. Sets `state.sent` before the statement that changes the target. */
async function loadOnce(session: SnowflakeSession, plan: LoadPlan, mode: SnowflakeMode, state: AttemptState): Promise<{ batches: number; created: boolean }> {
  const names = plan.columns.map((c) => c.name);
  state.stagingTouched = true;
  await session.run(dropTableSql(plan.staging));
  await session.run(createTableSql(plan.staging, plan.columns));
  let batches = 0;
  for (const rows of bindBatches(plan.frame, plan.columns, plan.batchRows)) {
    await session.run(insertSql(plan.staging, names), rows);
    batches++;
  }
  const loaded = Number((await session.run(countSql(plan.staging)))[0]?.N);
  if (loaded !== plan.frame.height) {
    throw new SnowflakeSinkError("sql", `Staging table ${plan.staging} holds ${loaded} rows, expected ${plan.frame.height}; the target was not changed.`, {
      transient: true,
    });
  }
  const exists = Number((await session.run(TABLE_EXISTS_SQL, [plan.target]))[0]?.N) > 0;
  if (!exists) {
    state.sent = "rename";
    await session.run(renameSql(plan.staging, plan.target));
    return { batches, created: true };
  }
  if (mode === "replace") {
    state.sent = "swap";
    await session.run(swapSql(plan.target, plan.staging));
  } else {
    // an append is never retried once sent: a lost answer could hide rows already added
    if (mode === "append") state.sent = "append";
    await session.run("BEGIN");
    try {
      await session.run(mode === "append" ? appendSql(plan.target, plan.staging, names) : mergeSql(plan.target, plan.staging, names, plan.keys ?? []));
      if (mode === "merge") state.sent = "merge";
      await session.run("COMMIT");
    } catch (e) {
      await session.run("ROLLBACK").catch(() => undefined);
      throw e;
    }
  }
  // after a swap the staging table holds the old rows; either way it is no longer needed
  await session.run(dropTableSql(plan.staging)).catch(() => undefined);
  return { batches, created: false };
}

/**
 * Best effort, after a table's last failed attempt: drops its staging table on
 * `session` when it still works, else on a new session from `open` (closed
 * again). Never throws: a failure is only logged, so that it cannot hide the
 * error being reported.
 */
async function dropStaging(
  staging: string,
  session: SnowflakeSession | undefined,
  open: () => Promise<SnowflakeSession>,
  log: (line: string) => void,
): Promise<void> {
  let own: SnowflakeSession | undefined;
  try {
    const on = session ?? (own = await open());
    await on.run(dropTableSql(staging));
  } catch (e) {
    log(`could not drop the staging table ${staging} (${(e as Error)?.message ?? String(e)}); the next publish drops it first`);
  } finally {
    await own?.close();
  }
}

/**
 * Publishes each frame as a Snowflake table, one after the other, with the
 * driver snowflake-sdk. Connection settings come from `options`, and those left
 * out from the environment (see {@link snowflakeOptionsFromEnv}).
 *
 * Modes: `replace` (default; load a new table, swap it in atomically), `append`,
 * `merge` (on `session_id` for sessions, `event_id` for events, or `mergeKeys`).
 * Types: Utf8 → VARCHAR, integers → NUMBER(38,0), floats → FLOAT, Boolean →
 * BOOLEAN, Datetime → TIMESTAMP_NTZ, Date → DATE, Duration → NUMBER of seconds;
 * nulls stay null. Transient failures (network, lost session, timeouts) are
 * retried with exponential back-off; an authentication failure is not.
 * Errors are {@link SnowflakeSinkError}s and never contain secrets.
 *
 * Memory: rows are read, encoded and sent one batch (`batchRows`) at a time. A
 * LazyDataFrame is never collected whole: its rows are counted first, then each
 * batch is `lazy.slice(offset, batchRows).collectSync()`, so only one batch is
 * materialised at a time (Polars pushes the slice into a Parquet scan, such as
 * the store's `scan`, which then reads only those rows). Each batch re-runs the
 * lazy query, so pass lazy frames that are cheap to re-run and give their rows
 * in the same order every time (a scan of files does; a group-by may not: collect
 * that first). A DataFrame is sliced without copying.
 * Tables are published one after the other; two publishers writing the same
 * table at the same time would share its staging table, so do not do that.
 * snowflake-sdk's logger is process-wide: each call configures it (silent by
 * default). After a statement timeout the driver may keep retrying that request
 * in the background; a command-line program should exit when it is done.
 *
 * @example
 * import { subscribeSnowflake, snowflakeOptionsFromEnv } from "sessionize";
 * const report = await subscribeSnowflake(
 *   { aggregated_sessions: aggregated, sessionized_logs: sessionized },
 *   { ...snowflakeOptionsFromEnv(), mode: "replace", log: console.error },
 * );
 * report.tables.map((t) => `${t.table}: ${t.rows} rows`);
 */
export async function subscribeSnowflake(
  tables: Record<string, pl.DataFrame | pl.LazyDataFrame>,
  options: SnowflakeOptions = {},
): Promise<SubscribeReport> {
  const connection: ResolvedConnection = resolveConnection(options);
  const redact = makeRedactor([...secretsOf(connection), ...secretsOf(options)]);
  const s = settingsOf(options, redact);
  const ident = (name: string) => (s.upper ? name.toUpperCase() : name);

  const sources = Object.keys(tables);
  if (sources.length === 0) throw new SnowflakeSinkError("config", "No tables to publish to Snowflake.");
  const report: SubscribeReport = { mode: s.mode, account: connection.account, database: connection.database, schema: connection.schema, tables: [] };
  const published: string[] = [];
  let session: SnowflakeSession | undefined;
  const sessionOptions = { redact, statementTimeoutMs: s.statementTimeoutMs, driverLogLevel: options.driverLogLevel ?? "OFF", log: options.log } as const;

  try {
    for (const source of sources) {
      const input = tables[source];
      const target = options.tableNames?.[source] ?? ident(source);
      if (target.length === 0) throw new SnowflakeSinkError("config", `Empty Snowflake table name for "${source}".`, { table: source });
      const frame = tableSource(input, source);
      const columns = frame.columns.map((c) => planColumn(c.name, c.dtype, ident(c.name)));
      if (columns.length === 0) throw new SnowflakeSinkError("data", `Table "${source}" has no columns.`, { table: source });
      const seen = new Set<string>();
      for (const c of columns) {
        if (seen.has(c.name)) throw new SnowflakeSinkError("data", `Table "${source}" has two columns named ${c.name} in Snowflake.`, { table: source });
        seen.add(c.name);
      }
      const keys = s.mode === "merge" ? mergeKeysFor(source, frame, options).map(ident) : undefined;
      const plan: LoadPlan = {
        source,
        target,
        staging: `${target}${s.upper ? "__SESSIONIZE_STAGE" : "__sessionize_stage"}`,
        frame,
        columns,
        keys,
        batchRows: Math.max(1, Math.min(s.batchRows, Math.floor(MAX_BIND_VALUES / columns.length))),
      };

      let attempt = 0;
      const state: AttemptState = { stagingTouched: false };
      for (;;) {
        attempt++;
        state.sent = undefined;
        try {
          session ??= await openSession(connection, sessionOptions);
          const { batches, created } = await loadOnce(session, plan, s.mode, state);
          report.tables.push({
            source,
            table: target,
            rows: frame.height,
            batches,
            attempts: attempt,
            created,
            columns: columns.map((c) => ({ name: c.name, type: c.type })),
            ...(keys ? { keys } : {}),
          });
          published.push(source);
          s.log(`${source} → ${connection.database}.${connection.schema}.${target}: ${frame.height} rows in ${batches} batch${batches === 1 ? "" : "es"} (${s.mode}${created ? ", created" : ""})`);
          break;
        } catch (e) {
          const err = e instanceof SnowflakeSinkError ? e : new SnowflakeSinkError("connection", redact(String((e as Error)?.message ?? e)));
          const canRetry = err.transient && attempt <= s.retries && state.sent !== "append";
          if (err.transient && session) {
            await session.close();
            session = undefined;
          }
          if (!canRetry) {
            // a failed load leaves the target as it was; the (partly loaded) staging table goes too,
            // on a fresh session when this one is gone, unless an append may still be using it
            if (state.stagingTouched && state.sent !== "append") {
              await dropStaging(plan.staging, session, () => openSession(connection, { ...sessionOptions, statementTimeoutMs: Math.min(s.statementTimeoutMs, 30_000) }), s.log);
            }
            // a transient failure after the target's statement was sent may be a lost answer
            const unknown = err.transient && state.sent !== undefined ? OUTCOME_UNKNOWN[state.sent] : "";
            throw new SnowflakeSinkError(
              err.kind,
              `Publishing ${source} to Snowflake table ${connection.database}.${connection.schema}.${target} failed after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${err.message}${unknown}`,
              { table: source, code: err.code, sqlState: err.sqlState, transient: err.transient, attempts: attempt, published: [...published] },
            );
          }
          const wait = backoffMs(attempt, s);
          s.log(`${source}: ${err.message}; retrying in ${wait} ms (attempt ${attempt + 1} of ${s.retries + 1})`);
          await sleep(wait);
        }
      }
    }
  } finally {
    await session?.close();
  }
  return report;
}
