import pl from "nodejs-polars";
import { sortTimeline } from "./timeline-order.js";
import { sessionizeLogs, type SessionizeOptions } from "./sessionize.js";

/**
 * Incremental sessionize: given the previous `sessionized_logs` and the events it does not
 * hold yet (`newEvents(batch, history)`: no `event_id` of theirs is in it), sessionize again
 * only the users that have new events (their sessions are the only ones a new event can
 * split, join or extend, late events included), keep every other user's rows as they were,
 * and renumber `session` over the union in (`user_id`, session start) order. The result
 * equals `sessionizeLogs(appendLogs(batch, history), options)`, so the appended history
 * is never built: it is this table without its two session columns. `session_id` values of
 * untouched sessions do not change.
 *
 * @example
 * const fresh = newEvents(newLogsJoined, store.scan("all_joined_logs"));
 * const sessionized = resessionizeLogs(store.scan("sessionized_logs"), fresh, { inactivity: "30m" });
 */
export function resessionizeLogs(previous: pl.LazyDataFrame, added: pl.LazyDataFrame, options: SessionizeOptions = {}): pl.LazyDataFrame {
  const events = added.columns.map((c) => pl.col(c));
  const touchedUsers = added.select(pl.col("user_id")).unique();
  const touchedRows = previous.join(touchedUsers, { on: "user_id", how: "semi" }).select(...events);
  const fresh = sessionizeLogs(pl.concat([touchedRows, added], { how: "vertical" }), options);
  const kept = previous.join(touchedUsers, { on: "user_id", how: "anti" }).select(...fresh.columns.map((c) => pl.col(c)));
  const combined = pl.concat([kept, fresh], { how: "vertical" });
  // In timeline order every session is one run of rows (a user's sessions are consecutive
  // stretches of time, and a user is wholly kept or wholly fresh), and the runs come in
  // (user_id, session start) order: `session` is the running count of session_id changes.
  // No group-by or join over the whole history, so no extra copy of its rows.
  const sessionId = pl.col("session_id");
  const opens = sessionId.neq(sessionId.shift(1)).fillNull(true);
  return sortTimeline(combined.drop("session"))
    .withColumns(opens.cast(pl.Int64).cumSum().alias("session"))
    .select(...fresh.columns.map((c) => pl.col(c)));
}
