import pl from "nodejs-polars";
import { replaceStrict } from "../polars-native.js";

/**
 * The order of every timeline table: user (as a string), then time, then event id.
 *
 * @example
 * events.sort({ by: TIMELINE_ORDER, maintainOrder: true }); // what sortTimeline does
 */
export const TIMELINE_ORDER = ["user_id", "timestamp", "event_id"];

/**
 * Options of `sortTimeline`.
 *
 * @example
 * sortTimeline(batch, { rankUsers: true });
 */
export interface SortTimelineOptions {
  /**
   * Sort by each user's rank among the distinct user ids, in string order (the few
   * distinct ids sorted, then a lookup per row), instead of by the id itself: the same
   * order. About twice as fast on rows far from timeline order, such as a batch's streams
   * one after another: 170 ms against 320 ms for the keys of 1 M events and 11,111 users.
   * Slower on rows nearly in order, such as a sorted history plus a small batch (118 ms
   * against 92 ms at 1 M), where Polars' sort takes the runs of the string key at once.
   */
  rankUsers?: boolean;
}

/**
 * Sort a timeline in `TIMELINE_ORDER`, stably: rows equal on all three keys (a repeated
 * event) keep their input order, so that "the first occurrence wins" is well defined.
 *
 * @example
 * sortTimeline(pl.concat([cartEvents, webEvents]), { rankUsers: true });
 */
export function sortTimeline(frame: pl.LazyDataFrame, options: SortTimelineOptions = {}): pl.LazyDataFrame {
  if (!options.rankUsers) return frame.sort({ by: TIMELINE_ORDER, maintainOrder: true });
  const users = pl.col("user_id").unique().sort();
  const rank = replaceStrict(pl.col("user_id"), users, users.rank("ordinal"));
  return frame.sort({ by: [rank, pl.col("timestamp"), pl.col("event_id")], maintainOrder: true });
}
