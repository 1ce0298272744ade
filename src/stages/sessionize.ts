import pl from "nodejs-polars";
import { sortTimeline } from "./timeline-order.js";
import type { ColumnSpec } from "../columns.js";
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
  const thresholdMicros = Math.round(parseInactivity(options.inactivity ?? DEFAULT_INACTIVITY_MS) * 1000);
  const micros = pl.col("timestamp").cast(pl.Int64);
  const newUser = pl.col("user_id").neq(pl.col("user_id").shift(1)).fillNull(true);
  const longGap = micros.diff(1, "ignore").gt(pl.lit(thresholdMicros)).fillNull(false);
  const opens = newUser.or(longGap.and(pl.col("user_action").neq(pl.lit("purchase"))));
  return sortTimeline(events)
    .withColumns(opens.cast(pl.Int64).cumSum().alias("session"))
    .withColumns(
      pl.concatString([pl.col("user_id"), pl.col("event_id").first().over("session")], ":").alias("session_id"),
    );
}
