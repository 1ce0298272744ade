import pl from "nodejs-polars";
import { sortTimeline } from "./timeline-order.js";
import { conform, emptyFrame, type ColumnSpec, nullOf } from "../columns.js";
import { tutorialStreams, type StreamDefinition } from "../streams.js";

/**
 * The columns every unified timeline starts with, in order.
 *
 * @example
 * TIMELINE_LEAD_COLUMNS.map((c) => c.name); // ["message", "timestamp", "event_id", "user_id", "user_action", "time_pretty"]
 */
export const TIMELINE_LEAD_COLUMNS: readonly ColumnSpec[] = [
  { name: "message", type: "string" },
  { name: "timestamp", type: "timestamp" },
  { name: "event_id", type: "string" },
  { name: "user_id", type: "string" },
  { name: "user_action", type: "string" },
  { name: "time_pretty", type: "string" },
];

/**
 * The columns of the unified timeline (`new_logs_joined`, `all_joined_logs`) for a set of
 * streams: the lead columns, then `event_type` and each stream's own typed columns in
 * stream order (a column shared by several streams appears once).
 *
 * @example
 * timelineColumns(tutorialStreams).map((c) => c.name);
 * // ["message", "timestamp", "event_id", "user_id", "user_action", "time_pretty", "event_type", "cart_id", …]
 */
export function timelineColumns(streams: readonly StreamDefinition[] = tutorialStreams): ColumnSpec[] {
  const columns: ColumnSpec[] = [...TIMELINE_LEAD_COLUMNS];
  const seen = new Set(columns.map((c) => c.name));
  for (const stream of streams) {
    for (const { name, type } of stream.columns) {
      const earlier = columns.find((c) => c.name === name);
      if (earlier && earlier.type !== type) {
        throw new Error(`column "${name}" is "${earlier.type}" in one stream and "${type}" in stream "${stream.name}"`);
      }
      if (!seen.has(name)) columns.push({ name, type });
      seen.add(name);
    }
  }
  return columns;
}

/**
 * `user_action`: `<event_type>_<cart_action>` where the event has a cart action
 * (`cart_add`, `cart_remove`), the bare `event_type` otherwise (`web`, `purchase`).
 */
const userAction = (hasCartAction: boolean): pl.Expr =>
  hasCartAction
    ? pl
        .when(pl.col("cart_action").isNotNull())
        .then(pl.concatString([pl.col("event_type"), pl.col("cart_action")], "_"))
        .otherwise(pl.col("event_type"))
    : pl.col("event_type");

/**
 * The unify step: the parsed tables of each stream (as `parseLogs` makes them), keyed by
 * stream name, into one timeline with `user_action` and `time_pretty` (UTC,
 * `%Y-%m-%d %H:%M`), sorted by `user_id` (as a string), `timestamp`, then `event_id`.
 * Columns that a stream does not have are typed nulls in its rows.
 *
 * @example
 * const joined = unifyLogs({ cart: cartEvents, purchase: purchaseEvents, web: webEvents });
 * joined.select("user_id", "user_action", "time_pretty").collectSync();
 */
export function unifyLogs(
  parsed: Record<string, pl.LazyDataFrame>,
  streams: readonly StreamDefinition[] = tutorialStreams,
): pl.LazyDataFrame {
  const columns = timelineColumns(streams);
  const known = new Set(streams.map((s) => s.name));
  for (const name of Object.keys(parsed)) {
    if (!known.has(name)) throw new Error(`unifyLogs: no stream definition for "${name}" (known: ${[...known].join(", ")})`);
  }
  const hasCartAction = columns.some((c) => c.name === "cart_action");
  const frames = streams
    .filter((s) => parsed[s.name] !== undefined)
    .map((s) => {
      const frame = parsed[s.name];
      const withAction = frame.columns.includes("cart_action") ? frame : frame.withColumns(nullOf(pl.Utf8).alias("cart_action"));
      return conform(
        withAction.withColumns(
          userAction(hasCartAction).alias("user_action"),
          pl.col("timestamp").dt.strftime("%Y-%m-%d %H:%M").alias("time_pretty"),
        ),
        columns,
      );
    });
  const all = frames.length === 0 ? emptyFrame(columns) : pl.concat(frames, { how: "vertical" });
  return sortTimeline(all, { rankUsers: true }); // the streams one after another: far from timeline order
}
