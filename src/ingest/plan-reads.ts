import { accessSync, constants, statSync } from "node:fs";
import { findLogFiles, type LogFile } from "../io/log-files.js";
import type { StreamDefinition } from "../streams.js";
import { FINGERPRINT_BYTES, fileContent } from "./fingerprint.js";
import type { FileRegistry, IngestedFile } from "./file-registry.js";

/**
 * Why a file is read (or not) in this run: `new` (its first bytes are unknown: a new file,
 * or one rewritten with other content), `grown`, `replaced` (known, but shorter than what
 * was read of it: truncated and rewritten), or `unchanged`.
 */
export type ReadKind = "new" | "grown" | "replaced" | "unchanged";

/** One file of the logs directory, and what this run does with it. */
export interface PlannedRead {
  stream: string;
  file: LogFile;
  kind: ReadKind;
  /** Where reading starts (0 for new and replaced files). */
  offset: number;
  /** The number of the first line read. */
  firstLine: number;
  dev: number;
  ino: number;
  /** Content size now (decompressed for gzip). */
  size: number;
  /** The registry entry this file continues, if any. */
  previous?: IngestedFile;
}

/** What `planReads` decided, and the files it could not look at. */
export interface ReadPlan {
  reads: PlannedRead[];
  /** Files skipped with a warning (unreadable now): they are retried on the next run. */
  warnings: string[];
}

/** Options of `planReads`. */
export interface PlanOptions {
  /** Ignore files last modified before this instant (the tutorial's `initial_last_modified`). */
  since?: Date;
}

/**
 * Decide, for every log file of every stream, what this run reads: a file never seen is
 * read from the start; a file the registry knows (by the hash of its first bytes, which
 * survives renaming by rotation and compression by gzip, preferring the same device and
 * inode) is read from where the last run stopped when it grew, skipped when it did not,
 * and read anew when it shrank. An unreadable file is skipped with a warning and retried
 * next run.
 *
 * @example
 * const plan = planReads("logs", tutorialStreams, registryFromState(store.readState()));
 * plan.reads.filter((r) => r.kind !== "unchanged"); // what this run reads
 */
export function planReads(logs: string, streams: readonly StreamDefinition[], registry: FileRegistry, options: PlanOptions = {}): ReadPlan {
  const reads: PlannedRead[] = [];
  const warnings: string[] = [];
  for (const stream of streams) {
    const known = registry.files.filter((f) => f.stream === stream.name);
    const claimed = new Set<IngestedFile>();
    for (const file of findLogFiles(logs, stream.name)) {
      let stat;
      let content;
      try {
        stat = statSync(file.path);
        if (options.since && stat.mtimeMs < options.since.getTime()) continue;
        accessSync(file.path, constants.R_OK);
        content = fileContent(file.path, stat.size);
      } catch (error) {
        const err = error as NodeJS.ErrnoException;
        if (err.code === "EACCES" || err.code === "ENOENT" || err.code === "EPERM") {
          warnings.push(`skipped ${file.path}: ${err.code === "ENOENT" ? "it vanished while being read" : "permission denied"}; it will be retried on the next run`);
          continue;
        }
        throw error;
      }
      const matches = known.filter(
        (entry) => !claimed.has(entry) && entry.fingerprintBytes <= content.size && content.prefixHash(entry.fingerprintBytes) === entry.fingerprint,
      );
      const previous =
        matches.find((e) => e.dev === stat.dev && e.ino === stat.ino) ?? matches.find((e) => e.name === file.name) ?? matches[0];
      const base = { stream: stream.name, file, dev: stat.dev, ino: stat.ino, size: content.size };
      if (previous === undefined) {
        reads.push({ ...base, kind: "new", offset: 0, firstLine: 1 });
        continue;
      }
      claimed.add(previous);
      if (content.size < previous.offset) {
        reads.push({ ...base, kind: "replaced", offset: 0, firstLine: 1, previous });
      } else {
        const kind: ReadKind = content.size > previous.offset ? "grown" : "unchanged";
        reads.push({ ...base, kind, offset: previous.offset, firstLine: previous.nextLine, previous });
      }
    }
  }
  return { reads, warnings };
}

/**
 * The registry entry for a file after this run read it up to `offset` (or, if nothing of
 * it is complete yet, nothing: a file with no complete line is new again next time).
 *
 * @example
 * registry.files.push(...[registryEntry(read, result.endOffset, result.nextLine)].filter(Boolean));
 */
export function registryEntry(read: PlannedRead, offset: number, nextLine: number): IngestedFile | undefined {
  if (offset === 0) return undefined;
  const fingerprintBytes = Math.min(offset, FINGERPRINT_BYTES);
  const fingerprint =
    read.previous && read.previous.fingerprintBytes === fingerprintBytes && read.kind !== "replaced"
      ? read.previous.fingerprint
      : fileContent(read.file.path, read.size).prefixHash(fingerprintBytes);
  return {
    stream: read.stream,
    name: read.file.name,
    dev: read.dev,
    ino: read.ino,
    gzip: read.file.name.endsWith(".gz"),
    fingerprint,
    fingerprintBytes,
    size: read.size,
    offset,
    nextLine,
  };
}
