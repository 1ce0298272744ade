/**
 * The benchmark's agreement check: the aggregated tables of two implementations are
 * compared in canonical form (sorted by `session`, timestamps as integer microseconds,
 * every column, floats to a tolerance), and so is the session of every event.
 *
 * @example
 * const diff = compareResults(reference, candidate);
 * if (diff.length > 0) throw new Error(diff.join("\n"));
 */
import pl from "nodejs-polars";
import { AGGREGATED_COLUMNS } from "./peer-common.js";

/** The two result tables of one run, as Parquet files. */
export interface ResultFiles {
  label: string;
  aggregated: string;
  sessionized: string;
}

/** Floats agree when they differ by at most this much, relative to their size (at least 1). */
export const FLOAT_TOLERANCE = 1e-9;

const TIMESTAMP_COLUMNS = new Set(["session_start", "session_end"]);
const FLOAT_COLUMNS = new Set(["time_to_purchase_seconds", "total_session_time_seconds", "revenue"]);

/** A timestamp column of any unit and zone → integer microseconds since the epoch. */
function micros(series: pl.Series): pl.Series {
  const dtype = series.dtype.toString();
  if (dtype.includes("Datetime")) {
    const unit = /\b(ns|us|ms)\b/.exec(JSON.stringify(series.dtype))?.[1] ?? "us";
    const raw = series.cast(pl.Int64);
    if (unit === "ns") return raw.div(1000).cast(pl.Int64);
    if (unit === "ms") return raw.mul(1000).cast(pl.Int64);
    return raw;
  }
  return series.cast(pl.Int64);
}

/** `aggregated_sessions` in canonical form: the contract's columns, sorted by session. */
export function canonicalAggregated(path: string): pl.DataFrame {
  const frame = pl.readParquet(path).sort("session");
  return pl.DataFrame(
    AGGREGATED_COLUMNS.map((name) => {
      const series = frame.getColumn(name);
      if (TIMESTAMP_COLUMNS.has(name)) return micros(series).alias(name);
      if (FLOAT_COLUMNS.has(name)) return series.cast(pl.Float64).alias(name);
      if (name.startsWith("count_of") || name === "session") return series.cast(pl.Int64).alias(name);
      return series.cast(pl.Utf8).alias(name);
    }),
  );
}

/** The session of every event, sorted by event id. */
export function canonicalSessions(path: string): pl.DataFrame {
  return pl
    .readParquet(path, { columns: ["event_id", "session"] })
    .select(pl.col("event_id").cast(pl.Utf8), pl.col("session").cast(pl.Int64))
    .sort("event_id");
}

/** Rows where columns `a` and `b` of `pair` differ (nulls equal only to nulls), with their row index. */
function mismatches(pair: pl.DataFrame, float: boolean): pl.DataFrame {
  const a = pl.col("a");
  const b = pl.col("b");
  const bothNull = a.isNull().and(b.isNull());
  const equal = float
    ? a.sub(b).abs().lessThanEquals(pl.lit(FLOAT_TOLERANCE).mul(pl.maxHorizontal([a.abs(), pl.lit(1)])))
    : a.eq(b);
  return pair.withRowIndex("row").filter(bothNull.or(equal.fillNull(false)).not());
}

/**
 * Differences between two implementations' results, as readable lines (empty: they agree).
 * Checks the aggregated table column by column and the session of each event id.
 *
 * @example
 * compareResults(
 *   { label: "sessionize", aggregated: "a/agg.parquet", sessionized: "a/ses.parquet" },
 *   { label: "duckdb", aggregated: "b/agg.parquet", sessionized: "b/ses.parquet" },
 * ); // []
 */
export function compareResults(reference: ResultFiles, candidate: ResultFiles): string[] {
  const problems: string[] = [];
  const who = `${candidate.label} vs ${reference.label}`;
  const left = canonicalAggregated(reference.aggregated);
  const right = canonicalAggregated(candidate.aggregated);
  if (left.height !== right.height) {
    problems.push(`${who}: ${right.height} sessions, expected ${left.height}`);
  } else {
    for (const name of AGGREGATED_COLUMNS) {
      const pair = pl.DataFrame([left.getColumn(name).alias("a"), right.getColumn(name).alias("b")]);
      const bad = mismatches(pair, FLOAT_COLUMNS.has(name));
      if (bad.height > 0) {
        const first = bad.head(1).toRecords()[0];
        problems.push(`${who}: aggregated_sessions.${name} differs in ${bad.height} rows (first: row ${first.row}: ${JSON.stringify(first.b)} ≠ expected ${JSON.stringify(first.a)})`);
      }
    }
  }
  const sessionsLeft = canonicalSessions(reference.sessionized);
  const sessionsRight = canonicalSessions(candidate.sessionized);
  if (sessionsLeft.height !== sessionsRight.height) {
    problems.push(`${who}: ${sessionsRight.height} sessionized events, expected ${sessionsLeft.height}`);
  } else {
    for (const name of ["event_id", "session"]) {
      const pair = pl.DataFrame([sessionsLeft.getColumn(name).alias("a"), sessionsRight.getColumn(name).alias("b")]);
      const bad = mismatches(pair, false);
      if (bad.height > 0) problems.push(`${who}: sessionized_logs.${name} (by event id) differs in ${bad.height} rows`);
    }
  }
  return problems;
}
