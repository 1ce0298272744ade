import pl from "nodejs-polars";

/**
 * The append step: the persisted history (`all_joined_logs`) plus a new batch
 * (`new_logs_joined`), with each `event_id` kept once. The first occurrence wins: an
 * event already in the history, or earlier in the same batch, drops the later copy as a
 * duplicate (their number is `batch rows + history rows − result rows`). The result is sorted by `user_id`,
 * `timestamp`, `event_id`, like the timeline.
 *
 * @example
 * const all = appendLogs(newLogsJoined, allJoinedLogs);
 * all.collectSync().height; // history rows + new distinct events
 */
export function appendLogs(batch: pl.LazyDataFrame, history: pl.LazyDataFrame): pl.LazyDataFrame {
  return pl
    .concat([history, batch.select(...history.columns.map((c) => pl.col(c)))], { how: "vertical" })
    .filter(pl.col("event_id").isFirstDistinct())
    .sort(["user_id", "timestamp", "event_id"]);
}
