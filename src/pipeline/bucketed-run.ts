import pl from "nodejs-polars";
import { releaseMemory } from "../release-memory.js";
import { aggregateSessions } from "../stages/aggregate.js";
import { sessionizeOrdered } from "../stages/sessionize.js";
import { unifyLogs } from "../stages/unify.js";
import type { StagedTable } from "../store/index.js";
import type { StreamDefinition } from "../streams.js";
import type { PipelineStage } from "./summary.js";
import { inUserRange, type UserRanges } from "./user-buckets.js";

/**
 * What `sessionizeInBuckets` needs besides the events.
 *
 * @example
 * const options: BucketOptions = { streams, inactivityMs: 1_800_000, stage: () => {}, writePart: (f, before) => store.stage("sessionized_logs", f, before) };
 */
export interface BucketOptions {
  streams: readonly StreamDefinition[];
  inactivityMs: number;
  /** Told as each stage of a bucket starts (unify, sessionize, aggregate, write), for timings. */
  stage: (stage: PipelineStage) => void;
  /** Writes one bucket's sessionized events as the next part of the table (`TableStore.stage`). */
  writePart: (frame: pl.DataFrame, before: StagedTable | undefined) => StagedTable;
}

/**
 * The sessionized table, in parts, and the aggregated sessions of a run done bucket by bucket.
 *
 * @example
 * const { sessionized, aggregated }: BucketedRun = await sessionizeInBuckets(parsed, ranges, options);
 */
export interface BucketedRun {
  sessionized: StagedTable;
  aggregated: pl.DataFrame;
}

/**
 * Unify, sessionize and aggregate every event of `parsed` (each stream's events, as parsed)
 * one user range at a time, writing each range's sessionized events as a part of the table
 * as soon as they are made, so that only one range's timeline is ever held: the memory of
 * a run grows with the parsed events and the bucket size, not with the whole timeline.
 * Each range's sessions are numbered on from the previous range's last (`session` counts
 * every session of the table), so the parts, one after the other, are what
 * `sessionizeOrdered(unifyLogs(parsed))` gives, and the aggregated parts are its aggregate.
 * For events with distinct `event_id`s (a first run with nothing to deduplicate).
 *
 * @example
 * const ranges = userRanges(Object.values(parsed).map((f) => f.lazy().select("user_id")), 1_000_000)!;
 * const { sessionized, aggregated } = await sessionizeInBuckets(parsed, ranges, options);
 */
export async function sessionizeInBuckets(parsed: Record<string, pl.DataFrame>, ranges: UserRanges, options: BucketOptions): Promise<BucketedRun> {
  const { streams, inactivityMs, stage, writePart } = options;
  let staged: StagedTable | undefined;
  const aggregated: pl.DataFrame[] = [];
  let sessions = 0;
  for (let b = 0; b < ranges.firsts.length; b++) {
    stage("unify");
    const inRange = inUserRange(ranges, b);
    const part = Object.fromEntries(Object.entries(parsed).map(([name, events]) => [name, events.lazy().filter(inRange)]));
    let timeline: pl.DataFrame | undefined = unifyLogs(part, streams).collectSync();
    stage("sessionize");
    let sessionized: pl.DataFrame | undefined = sessionizeOrdered(timeline.lazy(), { inactivity: inactivityMs })
      .withColumns(pl.col("session").add(pl.lit(sessions).cast(pl.Int64)).alias("session"))
      .collectSync();
    timeline = undefined;
    stage("aggregate");
    const sessionsOfRange = aggregateSessions(sessionized.lazy()).collectSync();
    aggregated.push(sessionsOfRange);
    sessions += sessionsOfRange.height;
    stage("write");
    staged = writePart(sessionized, staged);
    sessionized = undefined;
    await releaseMemory();
  }
  if (staged?.staged.rows !== ranges.events) {
    throw new Error(`internal error: the user ranges hold ${staged?.staged.rows ?? 0} events, the parsed streams ${ranges.events}`);
  }
  return { sessionized: staged, aggregated: pl.concat(aggregated, { how: "vertical" }) };
}
