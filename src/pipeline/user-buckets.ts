import pl from "nodejs-polars";

/**
 * How a run splits its users into ranges of `user_id` (in string order) of about
 * `bucketEvents` events each: `firsts[b]` is the first user id of bucket `b`, which holds
 * the users from it up to the next bucket's first, the last bucket every user after its
 * first. Sessions never span users and the timeline is sorted by user first, so the
 * buckets' timelines, one after the other, are the whole timeline, and each can be unified,
 * sessionized and aggregated on its own.
 *
 * @example
 * const ranges = userRanges([cart.select("user_id"), web.select("user_id")], 1_000_000);
 * ranges?.firsts; // ["1", "20571", "31142", …]
 */
export interface UserRanges {
  firsts: string[];
  /** The events counted, all buckets. */
  events: number;
}

/**
 * The user ranges for the events whose `user_id` columns are `userIds`: users in string
 * order, a user in the bucket where its first event falls when every event is counted in
 * that order (`floor(events before it / bucketEvents)`), so that a bucket holds at most
 * `bucketEvents` events plus its last user's. One hash group-by of the ids and a sort of
 * the distinct ones. `undefined` when a `user_id` is null (a range cannot hold it).
 *
 * @example
 * userRanges([pl.DataFrame({ user_id: ["a", "b", "b", "c"] }).lazy()], 2)?.firsts; // ["a", "c"]
 */
export function userRanges(userIds: pl.LazyDataFrame[], bucketEvents: number): UserRanges | undefined {
  if (!Number.isSafeInteger(bucketEvents) || bucketEvents < 1) throw new Error(`bucketEvents must be a whole number ≥ 1, not ${bucketEvents}`);
  const counts = pl
    .concat(userIds, { how: "vertical" })
    .groupBy("user_id")
    .agg(pl.len().alias("events"))
    .sort("user_id")
    .collectSync();
  if (counts.getColumn("user_id").nullCount() > 0) return undefined;
  const events = pl.col("events").cast(pl.Int64);
  const before = events.cumSum().sub(events).cast(pl.Float64);
  const firsts = counts
    .lazy()
    .withColumns(before.div(pl.lit(bucketEvents)).floor().cast(pl.Int64).alias("bucket"))
    .groupBy("bucket", true)
    .agg(pl.col("user_id").first())
    .sort("bucket")
    .collectSync()
    .getColumn("user_id")
    .toArray() as string[];
  return { firsts, events: Number(counts.getColumn("events").sum()) };
}

/**
 * Whether a row's `user_id` falls in bucket `b` of `ranges`.
 *
 * @example
 * events.filter(inUserRange(ranges, 2));
 */
export function inUserRange(ranges: UserRanges, b: number): pl.Expr {
  const user = pl.col("user_id");
  const from = user.gtEq(pl.lit(ranges.firsts[b]));
  return b + 1 < ranges.firsts.length ? from.and(user.lt(pl.lit(ranges.firsts[b + 1]))) : from;
}
