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
export { readLogLines, linesFrame, emptyLines } from "./io/read-lines.js";
export { parseLogs, classifyLines, splitClassified, parsedColumns, REJECTED_COLUMNS, type ParsedLogs } from "./stages/parse.js";
export { unifyLogs, timelineColumns, TIMELINE_LEAD_COLUMNS } from "./stages/unify.js";
export { appendLogs } from "./stages/append.js";
export { sessionizeLogs, type SessionizeOptions } from "./stages/sessionize.js";
export { aggregateSessions, AGGREGATED_COLUMNS } from "./stages/aggregate.js";
export { openStore, type OpenStoreOptions, type TableInfo, type TableStore } from "./store/index.js";
export {
  runPipeline,
  TABLES,
  type PipelineOptions,
  type PipelineStage,
  type PipelineSummary,
  type StreamSummary,
} from "./pipeline.js";
export * from "./sinks/snowflake/index.js";
