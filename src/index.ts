/**
 * sessionize: e-commerce logs to shopper sessions, on nodejs-polars lazy frames.
 * Re-exports only; each concept lives in its own module.
 */
export { type ColumnSpec, type ColumnType, TIMESTAMP_DTYPE, polarsType, emptyFrame, conform, nullOf } from "./columns.js";
export {
  type StreamColumn,
  type StreamDefinition,
  cartStream,
  purchaseStream,
  webStream,
  tutorialStreams,
  validateStream,
} from "./streams.js";
export { parseIsoTimestamp } from "./timestamps.js";
export { DEFAULT_INACTIVITY_MS, parseInactivity } from "./inactivity.js";
export { findLogFiles, type LogFile } from "./io/log-files.js";
export { readLogLines, readLines, readLinesFrom, linesFrame, emptyLines, MAX_LINE_BYTES, type ReadLinesOptions, type ReadLinesResult } from "./io/read-lines.js";
export { openContent, type ContentSource } from "./io/content-source.js";
export { emptyRegistry, registryFromState, type FileRegistry, type IngestedFile } from "./ingest/file-registry.js";
export { planReads, registryEntry, type PlannedRead, type ReadKind, type ReadPlan, type PlanOptions } from "./ingest/plan-reads.js";
export { readPlan, type FileRead } from "./ingest/read-plan.js";
export { readBatch, type Batch } from "./pipeline/read-batch.js";
export { parseLogs, classifyLines, splitClassified, parsedColumns, REJECTED_COLUMNS, type ParsedLogs } from "./stages/parse.js";
export { unifyLogs, stackStreams, withDerivedColumns, timelineColumns, TIMELINE_LEAD_COLUMNS } from "./stages/unify.js";
export { appendLogs, countDuplicates, historyCopies, newEvents } from "./stages/append.js";
export { resessionizeLogs } from "./stages/resessionize.js";
export { sortTimeline, TIMELINE_ORDER, type SortTimelineOptions } from "./stages/timeline-order.js";
export { sessionizeLogs, SESSION_COLUMNS, type SessionizeOptions } from "./stages/sessionize.js";
export { aggregateSessions, AGGREGATED_COLUMNS } from "./stages/aggregate.js";
export {
  openStore,
  DEFAULT_KEEP,
  acquireLock,
  StoreConflictError,
  StoreDamagedError,
  StoreLockedError,
  type ColumnsOf,
  type CommitMeta,
  type CommitResult,
  type LockHolder,
  type LockOptions,
  type OpenStoreOptions,
  type ScanOptions,
  type StagedTable,
  type DataPart,
  type TableContent,
  type TableInfo,
  type TableStore,
  type TableVersion,
  type WriteLock,
} from "./store/index.js";
export {
  runPipeline,
  TABLES,
  type PipelineOptions,
  type PipelineStage,
  type PipelineSummary,
  type StreamSummary,
  type FileCounts,
} from "./pipeline.js";
export * from "./sinks/snowflake/index.js";
export * from "./grok/index.js";
export { publishStore, type PublishStoreOptions } from "./sinks/publish-store.js";
