import pl from "nodejs-polars";
import { sortTimeline } from "./timeline-order.js";
import { nullOf, type ColumnSpec } from "../columns.js";
import { DEFAULT_INACTIVITY_MS, parseInactivity } from "../inactivity.js";

/**
 * The two columns `sessionizeLogs` adds after the timeline's: `sessionized_logs` is the
 * timeline (`timelineColumns`) followed by these.
 *
 * @example
 * SESSION_COLUMNS.map((c) => c.name); // ["session", "session_id"]
 */
export const SESSION_COLUMNS: readonly ColumnSpec[] = [
  { name: "session", type: "int64" },
  { name: "session_id", type: "string" },
];

/**
 * Options of `sessionizeLogs`.
 *
 * @example
 * const options: SessionizeOptions = { inactivity: "45m" };
 * sessionizeLogs(allJoinedLogs, options);
 */
export interface SessionizeOptions {
  /** Inactivity that opens a new session: `"30m"`, `"1h30m"`, or milliseconds. Default 30 minutes. */
  inactivity?: string | number;
}

/**
 * The sessionize step. Events are ordered by `user_id`, `timestamp`, `event_id`; an event
 * opens a session when its user differs from the previous event's, or when the gap to the
 * user's previous event is strictly longer than the inactivity threshold and the event is
 * not a purchase (a purchase stays in the session it completes). `session` is the running
 * count of openings (shift/diff/cumsum, 1-based); `session_id` is `<user_id>:<event_id of
 * the session's first event>`, stable when unrelated events are added.
 *
 * @example
 * const sessionized = sessionizeLogs(allJoinedLogs, { inactivity: "30m" });
 * sessionized.select("user_id", "timestamp", "session", "session_id").collectSync();
 */
export function sessionizeLogs(events: pl.LazyDataFrame, options: SessionizeOptions = {}): pl.LazyDataFrame {
  return sessionizeOrdered(sortTimeline(events), options);
}

/**
 * `sessionizeLogs` on events already in timeline order (as `unifyLogs` and `appendLogs`
 * give them), without sorting them again: the sort is a copy of every column. Out of
 * order events give wrong sessions, so this is for the pipeline, not the package's API.
 *
 * @example
 * sessionizeOrdered(appendLogs(batch, history), { inactivity: "30m" }); // = sessionizeLogs(…)
 */
export function sessionizeOrdered(events: pl.LazyDataFrame, options: SessionizeOptions = {}): pl.LazyDataFrame {
  const thresholdMicros = Math.round(parseInactivity(options.inactivity ?? DEFAULT_INACTIVITY_MS) * 1000);
  const micros = pl.col("timestamp").cast(pl.Int64);
  const newUser = pl.col("user_id").neq(pl.col("user_id").shift(1)).fillNull(true);
  const longGap = micros.diff(1, "ignore").gt(pl.lit(thresholdMicros)).fillNull(false);
  const opens = newUser.or(longGap.and(pl.col("user_action").neq(pl.lit("purchase"))));
  // A session's first event_id, carried down its rows by a forward fill (no group-by).
  const firstEvent = pl.when(pl.col("__opens")).then(pl.col("event_id")).otherwise(nullOf(pl.Utf8)).forwardFill();
  return events
    .withColumns(opens.alias("__opens"))
    .withColumns(pl.col("__opens").cast(pl.Int64).cumSum().alias("session"), pl.concatString([pl.col("user_id"), firstEvent], ":").alias("session_id"))
    .drop("__opens");
}
