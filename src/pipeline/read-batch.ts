import pl from "nodejs-polars";
import type { FileRegistry } from "../ingest/file-registry.js";
import { planReads, type ReadKind } from "../ingest/plan-reads.js";
import { readPlan } from "../ingest/read-plan.js";
import { emptyLines } from "../io/read-lines.js";
import type { StreamDefinition } from "../streams.js";

/**
 * How many files of a stream were new, grown, replaced, or skipped as already read (copies of content already read included).
 *
 * @example
 * const { new: fresh, grown, unchanged }: FileCounts = summary.streams.cart.files;
 */
export type FileCounts = Record<ReadKind, number>;

/**
 * The lines that arrived since the last run, per stream, and the registry to commit with them.
 *
 * @example
 * const batch: Batch = readBatch("logs", tutorialStreams, registry);
 * batch.lines.cart.height; // lines read from the cart files
 */
export interface Batch {
  lines: Record<string, pl.DataFrame>;
  files: Record<string, FileCounts>;
  registry: FileRegistry;
  warnings: string[];
}

/**
 * Read what is new in the logs directory: plan against the registry, read each new or
 * grown file from where the last run stopped (complete lines only for the live file; a
 * rotated or gzip file is final, its last line taken even without a newline), and build
 * the registry that records how far every file has now been read. Entries of files
 * skipped in this run (older than `since`, unreadable, vanished while listing) are kept
 * unchanged, so those files are neither lost nor read twice.
 *
 * @example
 * const batch = readBatch("logs", tutorialStreams, registryFromState(store.readState()));
 * batch.lines.cart.height; // cart lines that arrived since the last run
 */
export function readBatch(logs: string, streams: readonly StreamDefinition[], registry: FileRegistry, since?: Date): Batch {
  const plan = planReads(logs, streams, registry, { since });
  const { files, registry: next } = readPlan(plan);
  const pieces: Record<string, pl.DataFrame[]> = Object.fromEntries(streams.map((s) => [s.name, []]));
  const counts: Record<string, FileCounts> = Object.fromEntries(
    streams.map((s) => [s.name, { new: 0, grown: 0, replaced: 0, unchanged: 0 }]),
  );
  for (const { read, kind, lines } of files) {
    counts[read.stream][kind] += 1;
    if (lines.height > 0) pieces[read.stream].push(lines);
  }
  // each stream's lines in one chunk (readLinesFrom gives them as read; the string kernels pay per chunk)
  const lines = Object.fromEntries(
    streams.map((s) => [s.name, pieces[s.name].length === 0 ? emptyLines().collectSync() : pl.concat(pieces[s.name], { how: "vertical" }).rechunk()]),
  );
  return { lines, files: counts, registry: next, warnings: plan.warnings };
}
