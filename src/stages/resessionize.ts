import pl from "nodejs-polars";
import { sessionizeLogs, type SessionizeOptions } from "./sessionize.js";

const TOUCHED = "__touched";

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
  // Each previous row marked by whether its user has new events: a left join keeps the
  // previous rows' order and hashes only the touched users (a semi or anti join here hashed
  // every previous row, and the two of them read the previous table twice).
  const touchedUsers = added.select(pl.col("user_id")).unique().withColumns(pl.lit(true).alias(TOUCHED));
  const marked = previous.join(touchedUsers, { on: "user_id", how: "left" });
  const touchedRows = marked.filter(pl.col(TOUCHED).isNotNull()).select(...events);
  const fresh = sessionizeLogs(pl.concat([touchedRows, added], { how: "vertical" }), options);
  const kept = marked.filter(pl.col(TOUCHED).isNull()).select(...fresh.columns.map((c) => pl.col(c)));
  // A user's rows are all kept or all fresh, each part in timeline order, so a stable sort
  // by user_id alone puts the union in timeline order. Then every session is one run of rows
  // (a user's sessions are consecutive stretches of time) and the runs come in
  // (user_id, session start) order: `session` is the running count of session_id changes.
  // No group-by or join over the whole history, so no extra copy of its rows.
  const sessionId = pl.col("session_id");
  const opens = sessionId.neq(sessionId.shift(1)).fillNull(true);
  return pl
    .concat([kept, fresh], { how: "vertical" })
    .sort({ by: ["user_id"], maintainOrder: true })
    .withColumns(opens.cast(pl.Int64).cumSum().alias("session"))
    .select(...fresh.columns.map((c) => pl.col(c)));
}
