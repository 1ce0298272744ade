import pl from "nodejs-polars";
import { conform, emptyFrame } from "./columns.js";
import { registryFromState } from "./ingest/file-registry.js";
import { parseInactivity } from "./inactivity.js";
import { sessionizeInBuckets } from "./pipeline/bucketed-run.js";
import { readBatch } from "./pipeline/read-batch.js";
import { userRanges, type UserRanges } from "./pipeline/user-buckets.js";
import type { PipelineStage, PipelineSummary, StreamSummary } from "./pipeline/summary.js";
import { aggregateSessions } from "./stages/aggregate.js";
import { appendLogs, countDuplicates, historyCopies, newEvents as newEventsOf } from "./stages/append.js";
import { classifyLines, splitClassified, REJECTED_COLUMNS } from "./stages/parse.js";
import { resessionizeLogs } from "./stages/resessionize.js";
import { sessionizeOrdered } from "./stages/sessionize.js";
import { sortTimeline, TIMELINE_ORDER } from "./stages/timeline-order.js";
import { stackStreams, timelineColumns, unifyLogs, withDerivedColumns } from "./stages/unify.js";
import { openStore, type ColumnsOf, type StagedTable, type TableContent, type TableStore } from "./store/index.js";
import { releaseMemory } from "./release-memory.js";
import { tutorialStreams, validateStream, type StreamDefinition } from "./streams.js";

export type { PipelineStage, PipelineSummary, StreamSummary } from "./pipeline/summary.js";
export type { FileCounts } from "./pipeline/read-batch.js";

/**
 * Options of `runPipeline`.
 *
 * @example
 * const options: PipelineOptions = { logs: "logs", store: ".sessionize", inactivity: "45m", since: new Date("2025-01-05T00:00:00Z"), keep: 5 };
 * await runPipeline(options);
 */
export interface PipelineOptions {
  /** The directory holding the rotated log files (`cart_activity.log`, `.log.1`, …). */
  logs: string;
  /** The store directory (created if missing), or an open `TableStore`. */
  store: string | TableStore;
  /** Inactivity that opens a new session (`"30m"`, `"1h30m"`, or milliseconds). Default 30 minutes. */
  inactivity?: string | number;
  /** The streams to read. Default: the tutorial's cart, purchase and web streams. */
  streams?: readonly StreamDefinition[];
  /** Ignore log files last modified before this instant (the tutorial's `initial_last_modified`). */
  since?: Date;
  /** Called as each stage starts, for progress display. */
  onStage?: (stage: PipelineStage) => void;
  /** How many versions of the store to keep when `store` is a path. Default 20. */
  keep?: number;
  /** Wait for another writer's lock on the store instead of failing at once. Default false. */
  wait?: boolean;
  /**
   * A run whose timeline holds more events than this sessionizes and aggregates it one range
   * of users at a time, each range of about this many events, and writes `sessionized_logs`
   * in as many parts: its memory grows with this, not with the whole timeline. A first run
   * (an empty store, no repeated `event_id`) unifies each range's events; an incremental
   * run merges its new events into each range of the history. The tables are the same
   * either way. Default 1,000,000.
   */
  bucketEvents?: number;
}

/** The default of `PipelineOptions.bucketEvents`. */
export const DEFAULT_BUCKET_EVENTS = 1_000_000;

/**
 * The table names a run writes.
 *
 * @example
 * openStore(".sessionize").scan(TABLES.parsed("cart")); // new_cart_logs
 * openStore(".sessionize").scan(TABLES.aggregated); // aggregated_sessions
 */
export const TABLES = {
  parsed: (stream: string) => `new_${stream}_logs`,
  rejected: "rejected_lines",
  batch: "new_logs_joined",
  history: "all_joined_logs",
  sessionized: "sessionized_logs",
  aggregated: "aggregated_sessions",
} as const;

/** What the store keeps between runs besides the tables: the file registry and the threshold the sessions were cut with. */
interface PipelineState {
  version: 1;
  files: ReturnType<typeof registryFromState>["files"];
  inactivityMs?: number;
}

/**
 * The whole tutorial DAG, incrementally: read what arrived in the logs directory since the
 * last run (in the live file, complete lines only; a rotated or gzip file is final and read to its end), parse it, unify the batch, append it to the history kept
 * in the store, sessionize again the users it touches, aggregate, and commit every table
 * that changed in one atomic version of the store, together with how far each log file
 * has been read. Running it again with no new log lines changes nothing.
 *
 * @example
 * const summary = await runPipeline({ logs: "fixtures/logs", store: ".sessionize" });
 * console.log(summary.events, summary.sessions, summary.rejected);
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineSummary> {
  const streams = options.streams ?? tutorialStreams;
  streams.forEach(validateStream);
  const inactivityMs = parseInactivity(options.inactivity);
  const bucketEvents = options.bucketEvents ?? DEFAULT_BUCKET_EVENTS;
  if (!Number.isSafeInteger(bucketEvents) || bucketEvents < 1) throw new Error(`bucketEvents must be a whole number of events ≥ 1, not ${bucketEvents}`);
  const store = typeof options.store === "string" ? openStore(options.store, { create: true, keep: options.keep }) : options.store;
  return store.withWriteLock(() => runLocked(options, streams, inactivityMs, bucketEvents, store), { wait: options.wait });
}

/**
 * The state as far as a commit is concerned. A birth time the registry learns for a file
 * it already knows (recorded once the file is 2 s old, see `recordedBirth`) is not a change
 * worth a version of its own: it is committed with the next run that changes anything, and
 * a run in which no line arrived commits nothing.
 */
function stateKey(state: PipelineState | undefined): string {
  if (state === undefined) return "";
  return JSON.stringify({ ...state, files: state.files.map(({ birth: _birth, ...file }) => file) });
}

/**
 * Whether no value of `column` repeats, told by 64-bit hashes: distinct hashes mean distinct
 * values, and counting hashes is about 5x faster than counting strings (38 against 190 ms for
 * 1 M event ids). A collision, about 1 in 10^7 for ten million values, only says "repeats"
 * where there is none, which costs the exact duplicate count, never a wrong answer.
 */
function allDistinct(frame: pl.LazyDataFrame, column: string): boolean {
  const counts = frame.select(pl.col(column).hash().nUnique().alias("distinct"), pl.len().alias("rows")).collectSync();
  return Number(counts.getColumn("distinct").get(0)) === Number(counts.getColumn("rows").get(0));
}

/**
 * The user ranges a first run's parsed events are sessionized in (see `sessionizeInBuckets`),
 * or `undefined` when they are done at once: when there are no more than `bucketEvents` of
 * them, or when a `user_id` is null. (Only for a first run whose `event_id`s are distinct:
 * duplicates are dropped over the whole timeline.)
 */
function firstRunRanges(parsed: Record<string, pl.DataFrame>, bucketEvents: number): UserRanges | undefined {
  const frames = Object.values(parsed);
  if (frames.reduce((n, f) => n + f.height, 0) <= bucketEvents) return undefined;
  return userRanges(frames.map((f) => f.lazy().select("user_id")), bucketEvents);
}

/** Row count of `name` in the store, or undefined when it has no such table. */
function storedRows(store: TableStore, name: string): number | undefined {
  return store.tables().find((t) => t.name === name)?.rows;
}

/** The DAG itself, run while holding the store's write lock (one writer at a time). */
async function runLocked(
  options: PipelineOptions,
  streams: readonly StreamDefinition[],
  inactivityMs: number,
  bucketEvents: number,
  store: TableStore,
): Promise<PipelineSummary> {
  const timings: PipelineSummary["timings"] = {};
  let current: { stage: PipelineStage; started: number } | undefined;
  // (a run done in user ranges goes through unify … write once per range: each stage's
  // time is summed over them, and onStage is told the first time a stage starts)
  const stage = (next: PipelineStage) => {
    if (current) timings[current.stage] = (timings[current.stage] ?? 0) + Date.now() - current.started;
    if (timings[next] === undefined) options.onStage?.(next);
    current = { stage: next, started: Date.now() };
  };
  const state = (store.readState() ?? undefined) as PipelineState | undefined;
  const registry = registryFromState(state === undefined ? undefined : { version: state.version, files: state.files });
  const tables: Record<string, TableContent> = {};
  const rows: Record<string, number> = {};
  const put = (name: string, content: TableContent, height: number) => {
    tables[name] = content;
    rows[name] = height;
  };
  /** Whether `name` is written: not when it is empty and was already stored empty. */
  const changes = (name: string, frame: pl.DataFrame) => frame.height > 0 || storedRows(store, name) !== 0;
  // Tables written as soon as they are made (the parsed streams), so that their frames can go:
  // the time is the write stage's.
  let stagingMs = 0;
  const stageNow = (name: string, frame: pl.DataFrame) => {
    const started = Date.now();
    put(name, store.stage(name, frame), frame.height);
    stagingMs += Date.now() - started;
  };

  stage("read");
  // The lines are held by `unparsed` alone, so that each stream's go once it is parsed.
  const { lines: unparsed, ...batch } = readBatch(options.logs, streams, registry, options.since);
  await releaseMemory(); // the pieces each stream's lines were joined from

  stage("parse");
  const summaries: Record<string, StreamSummary> = {};
  const parsedFrames: Record<string, pl.DataFrame> = {};
  const parsed: Record<string, pl.LazyDataFrame> = {};
  const rejects: pl.LazyDataFrame[] = [];
  for (const stream of streams) {
    const lines = unparsed[stream.name];
    delete unparsed[stream.name]; // the lines' memory goes once they are parsed
    const classified = classifyLines(stream, lines.lazy()).collectSync({ engine: "streaming" });
    const split = splitClassified(stream, classified.lazy());
    const events = split.events.collectSync();
    const rejected = split.rejected.collectSync();
    if (changes(TABLES.parsed(stream.name), events)) stageNow(TABLES.parsed(stream.name), events);
    parsedFrames[stream.name] = events;
    parsed[stream.name] = events.lazy();
    rejects.push(rejected.lazy());
    summaries[stream.name] = {
      files: batch.files[stream.name],
      lines: lines.height,
      blank: lines.height - classified.height,
      parsed: events.height,
      rejected: rejected.height,
      duplicates: 0,
    };
  }
  await releaseMemory();
  const newRejects = pl.concat([emptyFrame(REJECTED_COLUMNS), ...rejects], { how: "vertical" }).collectSync();
  if (newRejects.height > 0 || !store.has(TABLES.rejected)) {
    const earlier = store.has(TABLES.rejected) ? [store.scan(TABLES.rejected)] : [];
    const rejected = pl.concat([...earlier, newRejects.lazy()], { how: "vertical" }).collectSync();
    put(TABLES.rejected, rejected, rejected.height);
  }

  const writePart = (frame: pl.DataFrame, before: StagedTable | undefined) => store.stage(TABLES.sessionized, frame, before);
  const historyRows = storedRows(store, TABLES.history) ?? 0;
  // A first run whose event_ids are all distinct: nothing in it is a duplicate, so its
  // timeline is the history, and neither the append nor the duplicate count is needed.
  const firstDistinct =
    historyRows === 0 && allDistinct(pl.concat(Object.values(parsedFrames).map((f) => f.lazy().select("event_id")), { how: "vertical" }), "event_id");
  const ranges = firstDistinct ? firstRunRanges(parsedFrames, bucketEvents) : undefined;
  let newEvents: number;
  let sessions: number;
  if (ranges) {
    // A first run of many events, one range of users at a time (nothing is a duplicate: the event_ids are distinct).
    for (const name of Object.keys(parsed)) delete parsed[name];
    const timelineOf = (inRange: pl.Expr) =>
      unifyLogs(Object.fromEntries(Object.entries(parsedFrames).map(([name, events]) => [name, events.lazy().filter(inRange)])), streams);
    const bucketed = await sessionizeInBuckets(timelineOf, ranges, { inactivityMs, stage, timelineStage: "unify", writePart });
    for (const name of Object.keys(parsedFrames)) delete parsedFrames[name];
    const { sessionized, aggregated } = bucketed;
    const events = sessionized.staged.rows;
    const asColumns: ColumnsOf = { columnsOf: sessionized, columns: timelineColumns(streams).map((c) => c.name) };
    put(TABLES.sessionized, sessionized, events);
    put(TABLES.history, asColumns, events);
    put(TABLES.batch, asColumns, events);
    put(TABLES.aggregated, aggregated, aggregated.height);
    newEvents = events;
    sessions = aggregated.height;
  } else {
    stage("unify");
    // The parsed events, stacked into one chunk, then dropped (or narrowed to the keys, all
    // that the duplicate count needs of them) before the sort: see stackStreams.
    let stacked: pl.DataFrame | undefined = stackStreams(parsed, streams).collectSync().rechunk();
    for (const name of Object.keys(parsed)) {
      if (firstDistinct) delete parsed[name];
      else parsed[name] = parsedFrames[name].select(...TIMELINE_ORDER).lazy();
      delete parsedFrames[name];
    }
    await releaseMemory();
    let sorted: pl.DataFrame | undefined = sortTimeline(stacked.lazy(), { rankUsers: true }).collectSync();
    stacked = undefined;
    await releaseMemory();
    // A first run whose event_ids are distinct sessionizes the sorted timeline as it is, and
    // computes its user_action and time_pretty in the same plan as the sessions rather than
    // as a third copy of the timeline here (its batch and history tables are then stored as
    // columns of sessionized_logs, so this frame is never written without them).
    const deferDerived = firstDistinct && sorted.height > 0;
    let joined: pl.DataFrame | undefined = deferDerived ? sorted : withDerivedColumns(sorted.lazy(), streams).collectSync(); // = unifyLogs(parsed)
    sorted = undefined;
    if (changes(TABLES.batch, joined)) put(TABLES.batch, joined, joined.height);

    stage("append");
    const columns = timelineColumns(streams);
    const hadHistory = store.has(TABLES.history);
    // The history stays a lazy scan: it is read once, into the appended frame (the duplicate
    // count and the new events read only its event_id column), never held as a frame of its own beside it.
    const history = hadHistory ? conform(store.scan(TABLES.history), columns) : emptyFrame(columns);
    const sameThreshold = state?.inactivityMs === inactivityMs;
    const hadSessions = store.has(TABLES.sessionized) && store.has(TABLES.aggregated) && sameThreshold;
    // Incremental: only the events the batch adds are computed; they are sessionized into the
    // previous sessionized_logs, and the appended history is that table without its session
    // columns (the same rows in the same order), so it is never built on its own.
    const incremental = hadSessions && historyRows > 0;
    // The history's event_ids that the batch holds too, read once: all that the new events and the duplicate count need of it.
    const copies = firstDistinct ? undefined : historyCopies(history, joined.lazy()).collectSync().lazy();
    const added = incremental ? newEventsOf(joined.lazy(), copies!).collectSync() : undefined;
    // With no history and no repeated event_id, appending changes nothing: the batch, already
    // in timeline order, is the history (and the store writes the one frame once for both).
    let all = incremental ? undefined : firstDistinct ? joined : appendLogs(joined.lazy(), history).collectSync();
    // (no history and every event_id distinct: nothing is a duplicate, and the count's sort is skipped)
    const duplicateCounts = firstDistinct ? [] : countDuplicates(parsed, copies!).collectSync().toRecords();
    for (const row of duplicateCounts) summaries[row.stream as string].duplicates = Number(row.duplicates);
    // the parsed frames are written (staged) already
    for (const name of Object.keys(parsed)) {
      delete parsed[name];
      delete parsedFrames[name];
    }
    newEvents = added ? added.height : all!.height - historyRows;
    if (all && (newEvents > 0 || !hadHistory)) put(TABLES.history, all, all.height);
    await releaseMemory();

    stage("sessionize");
    // An incremental run on a history of more than bucketEvents events merges the new events
    // into it one range of users at a time (each range of the sorted history read alone: the
    // row groups of other users are skipped), so it never holds the whole timeline either.
    const historyRanges =
      added && added.height > 0 ? userRanges([store.scan(TABLES.sessionized).select("user_id"), added.lazy().select("user_id")], bucketEvents) : undefined;
    if (hadSessions && newEvents === 0) {
      sessions = storedRows(store, TABLES.aggregated) ?? 0;
    } else if (added && historyRanges && historyRanges.firsts.length > 1) {
      const previous = store.scan(TABLES.sessionized);
      const timelineOf = (inRange: pl.Expr) =>
        sortTimeline(pl.concat([conform(previous.filter(inRange), columns), added.lazy().filter(inRange)], { how: "vertical" }));
      joined = undefined; // the batch table holds it
      const { sessionized, aggregated } = await sessionizeInBuckets(timelineOf, historyRanges, { inactivityMs, stage, timelineStage: "append", writePart });
      const events = sessionized.staged.rows;
      put(TABLES.sessionized, sessionized, events);
      put(TABLES.history, { columnsOf: sessionized, columns: columns.map((c) => c.name) }, events);
      put(TABLES.aggregated, aggregated, aggregated.height);
      sessions = aggregated.height;
    } else {
      const sessionized = (
        added
          ? resessionizeLogs(conform(store.scan(TABLES.sessionized), columns), added.lazy(), { inactivity: inactivityMs })
          : sessionizeOrdered(deferDerived ? withDerivedColumns(all!.lazy(), streams) : all!.lazy(), { inactivity: inactivityMs }) // in timeline order: unify and appendLogs sort
      ).collectSync();
      put(TABLES.sessionized, sessionized, sessionized.height);
      // The history's rows are the sessionized rows, in the same (timeline) order, without the
      // session columns: stored as those columns of the one file, the events are written once.
      const historyColumns = columns.map((c) => c.name);
      const asColumns: ColumnsOf = { columnsOf: sessionized, columns: historyColumns };
      if (added) put(TABLES.history, asColumns, sessionized.height);
      for (const name of [TABLES.history, TABLES.batch]) {
        if (all && tables[name] === all) put(name, asColumns, sessionized.height);
      }
      if (deferDerived && Object.values(tables).includes(all!)) throw new Error("internal error: a timeline without user_action and time_pretty was about to be stored");
      all = joined = undefined; // what is still needed of them is in the tables to commit
      await releaseMemory();
      stage("aggregate");
      const aggregated = aggregateSessions(sessionized.lazy()).collectSync();
      put(TABLES.aggregated, aggregated, aggregated.height);
      sessions = aggregated.height;
    }
  }

  stage("write");
  const nextState: PipelineState = { ...batch.registry, inactivityMs };
  const changed = Object.keys(tables).length > 0 || stateKey(nextState) !== stateKey(state);
  const version = changed ? store.commit(tables, { state: nextState }).version : store.version;
  timings.write = (timings.write ?? 0) + Date.now() - current!.started + stagingMs;
  timings.parse! -= stagingMs;

  const duplicates = Object.values(summaries).reduce((n, s) => n + s.duplicates, 0);
  return {
    streams: summaries,
    rejected: newRejects.height,
    duplicates,
    newEvents,
    events: historyRows + newEvents,
    sessions,
    tables: rows,
    version,
    timings,
    warnings: batch.warnings,
  };
}
