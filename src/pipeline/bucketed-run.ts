import pl from "nodejs-polars";
import { releaseMemory } from "../release-memory.js";
import { aggregateSessions } from "../stages/aggregate.js";
import { sessionizeOrdered } from "../stages/sessionize.js";
import type { StagedTable } from "../store/index.js";
import type { PipelineStage } from "./summary.js";
import { inUserRange, type UserRanges } from "./user-buckets.js";

/**
 * What `sessionizeInBuckets` needs besides the events.
 *
 * @example
 * const options: BucketOptions = { inactivityMs: 1_800_000, stage: () => {}, timelineStage: "unify", writePart: (f, before) => store.stage("sessionized_logs", f, before) };
 */
export interface BucketOptions {
  inactivityMs: number;
  /** Told as each stage of a bucket starts (`timelineStage`, sessionize, aggregate, write), for timings. */
  stage: (stage: PipelineStage) => void;
  /** The stage a range's timeline is made in: unify (a first run) or append (the new events merged into a range of the history). */
  timelineStage: PipelineStage;
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
 * Sessionize and aggregate a timeline one user range at a time: `timelineOf(inRange)` gives
 * the events of the users a filter keeps, in timeline order. Each range's sessionized events
 * are written as a part of the table as soon as they are made, so that only one range's
 * timeline is ever held: a run's memory grows with the range, not with the whole timeline.
 * Each range's sessions are numbered on from the previous range's last (`session` counts
 * every session of the table), so the parts, one after the other, are what sessionizing
 * the whole timeline gives, and the aggregated parts are its aggregate.
 *
 * @example
 * const ranges = userRanges(Object.values(parsed).map((f) => f.lazy().select("user_id")), 1_000_000)!;
 * const timelineOf = (inRange: pl.Expr) => unifyLogs(mapValues(parsed, (f) => f.lazy().filter(inRange)));
 * const { sessionized, aggregated } = await sessionizeInBuckets(timelineOf, ranges, options);
 */
export async function sessionizeInBuckets(timelineOf: (inRange: pl.Expr) => pl.LazyDataFrame, ranges: UserRanges, options: BucketOptions): Promise<BucketedRun> {
  const { inactivityMs, stage, timelineStage, writePart } = options;
  let staged: StagedTable | undefined;
  const aggregated: pl.DataFrame[] = [];
  let sessions = 0;
  for (let b = 0; b < ranges.firsts.length; b++) {
    stage(timelineStage);
    let timeline: pl.DataFrame | undefined = timelineOf(inUserRange(ranges, b)).collectSync();
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
    throw new Error(`internal error: the user ranges hold ${staged?.staged.rows ?? 0} events, where ${ranges.events} were counted`);
  }
  return { sessionized: staged, aggregated: pl.concat(aggregated, { how: "vertical" }) };
}
