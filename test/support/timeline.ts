import pl from "nodejs-polars";
import { conform } from "../../src/columns.js";
import { timelineColumns } from "../../src/stages/unify.js";
import { parseIsoTimestamp } from "../../src/timestamps.js";

/** One event of a hand-written timeline. */
export interface TestEvent {
  user: string;
  at: string; // ISO 8601
  action: "web" | "cart_add" | "cart_remove" | "purchase";
  id?: string;
  total?: number;
}

/**
 * A unified timeline (the columns of `new_logs_joined`) from a few hand-written events;
 * event ids default to e<index> zero-padded, in the order given.
 */
export function timeline(events: TestEvent[]): pl.LazyDataFrame {
  const eventType = events.map((e) => e.action.split("_")[0]);
  const text = (name: string, values: (string | null)[]) => pl.Series(name, values, pl.Utf8);
  const frame = pl.DataFrame([
    text("message", events.map((e, i) => `line ${i}`)),
    text("ts", events.map((e) => e.at)),
    text("event_id", events.map((e, i) => e.id ?? `e${String(i).padStart(4, "0")}`)),
    text("user_id", events.map((e) => e.user)),
    text("user_action", events.map((e) => e.action)),
    text("event_type", eventType),
    text("cart_action", events.map((e) => (e.action.startsWith("cart_") ? e.action.slice(5) : null))),
    pl.Series("total_amount", events.map((e) => (e.action === "purchase" ? (e.total ?? 10) : null)), pl.Float64),
  ]);
  return conform(
    frame.lazy().withColumns(
      parseIsoTimestamp(pl.col("ts")).alias("timestamp"),
      parseIsoTimestamp(pl.col("ts")).dt.strftime("%Y-%m-%d %H:%M").alias("time_pretty"),
    ),
    timelineColumns(),
  );
}

/** Rows of a collected frame as plain objects, for `toEqual`. */
export function rows(frame: pl.LazyDataFrame | pl.DataFrame, columns?: string[]): Record<string, unknown>[] {
  const df = "collectSync" in frame ? frame.collectSync() : frame;
  return (columns ? df.select(...columns) : df).toRecords() as Record<string, unknown>[];
}
