import pl from "nodejs-polars";
import type { FileRegistry, IngestedFile } from "../ingest/file-registry.js";
import { planReads, registryEntry, type ReadKind } from "../ingest/plan-reads.js";
import { emptyLines, readLines } from "../io/read-lines.js";
import type { StreamDefinition } from "../streams.js";

/** How many files of a stream were new, grown, replaced, or skipped as already read. */
export type FileCounts = Record<ReadKind, number>;

/** The lines that arrived since the last run, per stream, and the registry to commit with them. */
export interface Batch {
  lines: Record<string, pl.DataFrame>;
  files: Record<string, FileCounts>;
  registry: FileRegistry;
  warnings: string[];
}

/**
 * Read what is new in the logs directory: plan against the registry, read each new or
 * grown file from where the last run stopped (complete lines only), and build the registry
 * that records how far every file has now been read.
 *
 * @example
 * const batch = readBatch("logs", tutorialStreams, registryFromState(store.readState()));
 * batch.lines.cart.height; // cart lines that arrived since the last run
 */
export function readBatch(logs: string, streams: readonly StreamDefinition[], registry: FileRegistry, since?: Date): Batch {
  const plan = planReads(logs, streams, registry, { since });
  const files: IngestedFile[] = [];
  const pieces: Record<string, pl.DataFrame[]> = Object.fromEntries(streams.map((s) => [s.name, []]));
  const counts: Record<string, FileCounts> = Object.fromEntries(
    streams.map((s) => [s.name, { new: 0, grown: 0, replaced: 0, unchanged: 0 }]),
  );
  for (const read of plan.reads) {
    counts[read.stream][read.kind] += 1;
    if (read.kind === "unchanged") {
      files.push(registryEntry(read, read.offset, read.firstLine)!);
      continue;
    }
    const result = readLines(read.file.path, { label: read.file.name, offset: read.offset, firstLine: read.firstLine, includePartial: false });
    pieces[read.stream].push(result.lines);
    const entry = registryEntry(read, result.endOffset, result.nextLine);
    if (entry) files.push(entry);
  }
  // Files that are gone (deleted by rotation) drop out of the registry: nothing can read them again.
  const lines = Object.fromEntries(
    streams.map((s) => [s.name, pieces[s.name].length === 0 ? emptyLines().collectSync() : pl.concat(pieces[s.name], { how: "vertical" })]),
  );
  return { lines, files: counts, registry: { version: 1, files }, warnings: plan.warnings };
}
