import type pl from "nodejs-polars";

/**
 * The order of every timeline table: user (as a string), then time, then event id.
 *
 * @example
 * events.sort({ by: TIMELINE_ORDER, maintainOrder: true }); // what sortTimeline does
 */
export const TIMELINE_ORDER = ["user_id", "timestamp", "event_id"];

/**
 * Sort a timeline in `TIMELINE_ORDER`, stably: rows equal on all three keys (a repeated
 * event) keep their input order, so that "the first occurrence wins" is well defined.
 *
 * @example
 * sortTimeline(pl.concat([cartEvents, webEvents]));
 */
export function sortTimeline(frame: pl.LazyDataFrame): pl.LazyDataFrame {
  return frame.sort({ by: TIMELINE_ORDER, maintainOrder: true });
}
