import pl from "nodejs-polars";
import { nullOf, type ColumnSpec } from "../columns.js";

/**
 * The columns of `aggregated_sessions`, in order.
 *
 * @example
 * emptyFrame(AGGREGATED_COLUMNS).collectSync().columns; // ["session", "session_id", "user_id", …, "revenue"]
 */
export const AGGREGATED_COLUMNS: readonly ColumnSpec[] = [
  { name: "session", type: "int64" },
  { name: "session_id", type: "string" },
  { name: "user_id", type: "string" },
  { name: "session_start", type: "timestamp" },
  { name: "session_end", type: "timestamp" },
  { name: "count_of_web_activities", type: "int64" },
  { name: "count_of_total_activities", type: "int64" },
  { name: "count_of_cart_activities", type: "int64" },
  { name: "count_of_purchase_activities", type: "int64" },
  { name: "time_to_purchase", type: "string" },
  { name: "total_session_time", type: "string" },
  { name: "time_to_purchase_seconds", type: "float64" },
  { name: "total_session_time_seconds", type: "float64" },
  { name: "revenue", type: "float64" },
];

const MICROS_PER_SECOND = 1_000_000;

/**
 * A duration in microseconds as `"<minutes>m <seconds>s"`, both whole numbers
 * (truncated): 5_703_000_000 µs → `"95m 3s"`. Null stays null.
 */
function minutesAndSeconds(micros: pl.Expr): pl.Expr {
  const seconds = micros.div(pl.lit(MICROS_PER_SECOND)).floor().cast(pl.Int64);
  const minutes = seconds.div(pl.lit(60)).floor().cast(pl.Int64);
  const rest = seconds.sub(minutes.mul(pl.lit(60))).cast(pl.Int64);
  const text = pl.concatString([minutes.cast(pl.Utf8), pl.lit("m "), rest.cast(pl.Utf8), pl.lit("s")], "");
  return pl.when(micros.isNull()).then(nullOf(pl.Utf8)).otherwise(text);
}

/**
 * The aggregate step: one row per session of a sessionized timeline (from
 * `sessionizeLogs`), sorted by `session`, with its user, start and end, activity counts
 * by kind (`web`, `cart*`, `purchase*`), time to the first purchase (null without one),
 * total time, both as `"95m 3s"` and in seconds, and `revenue`, the sum of the session's
 * purchase totals (0 without a purchase).
 *
 * Each row's part is computed first, as plain columns (whether it is a web, cart or purchase
 * event, its purchase time and amount), so that the group-by only sums, counts and takes
 * extremes of columns: 150 against 220 ms for 1 M events here, where conditions evaluated
 * inside the aggregation took the slower per-group path.
 *
 * @example
 * aggregateSessions(sessionizeLogs(allJoinedLogs)).sort("revenue", true).head(5).collectSync();
 */
export function aggregateSessions(sessionized: pl.LazyDataFrame): pl.LazyDataFrame {
  const micros = pl.col("timestamp").cast(pl.Int64);
  const action = pl.col("user_action");
  const isPurchase = action.str.startsWith("purchase");
  const flag = (condition: pl.Expr) => condition.cast(pl.Int64);
  const amount = sessionized.columns.includes("total_amount")
    ? pl.when(isPurchase).then(pl.col("total_amount")).otherwise(pl.lit(0)).fillNull(0).cast(pl.Float64)
    : pl.lit(0).cast(pl.Float64);
  return sessionized
    .select(
      pl.col("session"),
      pl.col("session_id"),
      pl.col("user_id"),
      pl.col("event_id"),
      micros.alias("__micros"),
      flag(action.eq(pl.lit("web"))).alias("__web"),
      flag(action.str.startsWith("cart")).alias("__cart"),
      flag(isPurchase).alias("__purchase"),
      pl.when(isPurchase).then(micros).otherwise(nullOf(pl.Int64)).alias("__purchase_micros"),
      amount.alias("__amount"),
    )
    .groupBy("session")
    .agg(
      pl.col("session_id").first().alias("session_id"),
      pl.col("user_id").first().alias("user_id"),
      pl.col("__micros").min().alias("__start"),
      pl.col("__micros").max().alias("__end"),
      pl.col("__web").sum().alias("count_of_web_activities"),
      pl.col("event_id").count().cast(pl.Int64).alias("count_of_total_activities"),
      pl.col("__cart").sum().alias("count_of_cart_activities"),
      pl.col("__purchase").sum().alias("count_of_purchase_activities"),
      pl.col("__purchase_micros").min().alias("__first_purchase"),
      pl.col("__amount").sum().alias("revenue"),
    )
    .withColumns(
      pl.col("__first_purchase").sub(pl.col("__start")).alias("__to_purchase"),
      pl.col("__end").sub(pl.col("__start")).alias("__total"),
    )
    .select(
      pl.col("session").cast(pl.Int64),
      pl.col("session_id"),
      pl.col("user_id"),
      pl.col("__start").cast(pl.Datetime("us", "UTC")).alias("session_start"),
      pl.col("__end").cast(pl.Datetime("us", "UTC")).alias("session_end"),
      pl.col("count_of_web_activities"),
      pl.col("count_of_total_activities"),
      pl.col("count_of_cart_activities"),
      pl.col("count_of_purchase_activities"),
      minutesAndSeconds(pl.col("__to_purchase")).alias("time_to_purchase"),
      minutesAndSeconds(pl.col("__total")).alias("total_session_time"),
      pl.col("__to_purchase").cast(pl.Float64).div(pl.lit(MICROS_PER_SECOND)).alias("time_to_purchase_seconds"),
      pl.col("__total").cast(pl.Float64).div(pl.lit(MICROS_PER_SECOND)).alias("total_session_time_seconds"),
      pl.col("revenue"),
    )
    .sort("session");
}
