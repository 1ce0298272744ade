import type { FileCounts } from "./read-batch.js";

/**
 * The stages of a run, in order, as `onStage` reports them.
 *
 * @example
 * await runPipeline({ logs, store, onStage: (stage: PipelineStage) => console.error(`${stage} …`) });
 */
export type PipelineStage = "read" | "parse" | "unify" | "append" | "sessionize" | "aggregate" | "write";

/**
 * What one stream contributed to a run. Non-blank lines = parsed + rejected; parsed = new events + duplicates.
 *
 * @example
 * const cart: StreamSummary = (await runPipeline({ logs, store })).streams.cart;
 * cart.lines === cart.parsed + cart.rejected + cart.blank; // true
 */
export interface StreamSummary {
  /** Files seen, by what the run did with them. */
  files: FileCounts;
  lines: number;
  blank: number;
  parsed: number;
  rejected: number;
  duplicates: number;
}

/**
 * The outcome of `runPipeline`.
 *
 * @example
 * const summary: PipelineSummary = await runPipeline({ logs: "logs", store: ".sessionize" });
 * console.log(`${summary.newEvents} new events, ${summary.sessions} sessions, ${summary.rejected} rejected`);
 */
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
  /** Row count of every table written by this run. */
  tables: Record<string, number>;
  /** The store version committed (unchanged when the run had nothing to write). */
  version: number;
  /** Milliseconds spent in each stage. */
  timings: Partial<Record<PipelineStage, number>>;
  /** Files skipped with a warning (retried on the next run). */
  warnings: string[];
}
