import pl from "nodejs-polars";
import { emptyFrame } from "./columns.js";
import { findLogFiles } from "./io/log-files.js";
import { emptyLines, readLogLines } from "./io/read-lines.js";
import { parseInactivity } from "./inactivity.js";
import { aggregateSessions } from "./stages/aggregate.js";
import { appendLogs } from "./stages/append.js";
import { classifyLines, isBlankLine, splitClassified, REJECTED_COLUMNS } from "./stages/parse.js";
import { sessionizeLogs } from "./stages/sessionize.js";
import { timelineColumns, unifyLogs } from "./stages/unify.js";
import { openStore, type TableStore } from "./store/index.js";
import { tutorialStreams, type StreamDefinition } from "./streams.js";

/** The stages of a run, in order, as `onStage` reports them. */
export type PipelineStage = "read" | "parse" | "unify" | "append" | "sessionize" | "aggregate" | "write";

/** Options of `runPipeline`. */
export interface PipelineOptions {
  /** The directory holding the rotated log files (`cart_activity.log`, `.log.1`, …). */
  logs: string;
  /** The store directory (created if missing), or an open `TableStore`. */
  store: string | TableStore;
  /** Inactivity that opens a new session (`"30m"`, `"1h30m"`, or milliseconds). Default 30 minutes. */
  inactivity?: string | number;
  /** The streams to read. Default: the tutorial's cart, purchase and web streams. */
  streams?: readonly StreamDefinition[];
  /** Called as each stage starts, for progress display. */
  onStage?: (stage: PipelineStage) => void;
  /** How many versions of the store to keep when `store` is a path. Default 20. */
  keep?: number;
  /** Wait for another writer's lock on the store instead of failing at once. Default false. */
  wait?: boolean;
}

/** What one stream contributed to a run. Non-blank lines = parsed + rejected. */
export interface StreamSummary {
  files: number;
  lines: number;
  blank: number;
  parsed: number;
  rejected: number;
}

/** The outcome of `runPipeline`. */
export interface PipelineSummary {
  streams: Record<string, StreamSummary>;
  /** Lines rejected in this run, all streams. */
  rejected: number;
  /** Events of this run dropped because their `event_id` was already seen. */
  duplicates: number;
  /** Events of this run that were new to the history. */
  newEvents: number;
  /** Events in the history (`all_joined_logs`) after the run. */
  events: number;
  /** Sessions in `aggregated_sessions`. */
  sessions: number;
  /** Row count of every table written. */
  tables: Record<string, number>;
}

/** The table names a run writes. */
export const TABLES = {
  parsed: (stream: string) => `new_${stream}_logs`,
  rejected: "rejected_lines",
  batch: "new_logs_joined",
  history: "all_joined_logs",
  sessionized: "sessionized_logs",
  aggregated: "aggregated_sessions",
} as const;

function readStreamLines(logs: string, stream: StreamDefinition): { files: number; lines: pl.DataFrame } {
  const files = findLogFiles(logs, stream.name);
  const frames = files.map((f) => readLogLines(f.path, f.name));
  const lines = (frames.length === 0 ? emptyLines() : pl.concat(frames, { how: "vertical" })).collectSync();
  return { files: files.length, lines };
}

/**
 * The whole tutorial DAG: read each stream's log files, parse them, unify the batch,
 * append it to the history kept in the store, sessionize, aggregate, and write every
 * table to the store: `new_<stream>_logs`, `rejected_lines`, `new_logs_joined`,
 * `all_joined_logs`, `sessionized_logs`, `aggregated_sessions`. Running it again on the
 * same logs adds nothing (every event is a duplicate).
 *
 * @example
 * const summary = await runPipeline({ logs: "fixtures/logs", store: ".sessionize" });
 * console.log(summary.events, summary.sessions, summary.rejected);
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineSummary> {
  const store = typeof options.store === "string" ? openStore(options.store, { create: true, keep: options.keep }) : options.store;
  return store.withWriteLock(() => runLocked(options, store), { wait: options.wait });
}

/** The DAG itself, run while holding the store's write lock (one writer at a time). */
async function runLocked(options: PipelineOptions, store: TableStore): Promise<PipelineSummary> {
  const streams = options.streams ?? tutorialStreams;
  const inactivity = parseInactivity(options.inactivity);
  const stage = options.onStage ?? (() => {});

  stage("read");
  const read = streams.map((s) => ({ stream: s, ...readStreamLines(options.logs, s) }));

  stage("parse");
  const summaries: Record<string, StreamSummary> = {};
  const tables: Record<string, pl.DataFrame> = {};
  const parsed: Record<string, pl.LazyDataFrame> = {};
  const rejected: pl.LazyDataFrame[] = [];
  for (const { stream, files, lines } of read) {
    const classified = classifyLines(stream, lines.lazy()).collectSync();
    const { events, rejected: rejects } = splitClassified(stream, classified.lazy());
    const eventFrame = events.collectSync();
    const rejectFrame = rejects.collectSync();
    tables[TABLES.parsed(stream.name)] = eventFrame;
    parsed[stream.name] = eventFrame.lazy();
    rejected.push(rejectFrame.lazy());
    summaries[stream.name] = {
      files,
      lines: lines.height,
      blank: lines.height - classified.height,
      parsed: eventFrame.height,
      rejected: rejectFrame.height,
    };
  }
  tables[TABLES.rejected] = pl.concat([emptyFrame(REJECTED_COLUMNS), ...rejected], { how: "vertical" }).collectSync();

  stage("unify");
  const batch = unifyLogs(parsed, streams).collectSync();
  tables[TABLES.batch] = batch;

  stage("append");
  const columns = timelineColumns(streams);
  const history = store.has(TABLES.history) ? store.scan(TABLES.history).collectSync() : emptyFrame(columns).collectSync();
  const all = appendLogs(batch.lazy(), history.lazy()).collectSync();
  tables[TABLES.history] = all;

  stage("sessionize");
  const sessionized = sessionizeLogs(all.lazy(), { inactivity }).collectSync();
  tables[TABLES.sessionized] = sessionized;

  stage("aggregate");
  const aggregated = aggregateSessions(sessionized.lazy()).collectSync();
  tables[TABLES.aggregated] = aggregated;

  stage("write");
  store.commit(tables);

  const newEvents = all.height - history.height;
  return {
    streams: summaries,
    rejected: tables[TABLES.rejected].height,
    duplicates: batch.height - newEvents,
    newEvents,
    events: all.height,
    sessions: aggregated.height,
    tables: Object.fromEntries(Object.entries(tables).map(([name, frame]) => [name, frame.height])),
  };
}
