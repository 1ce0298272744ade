import type pl from "nodejs-polars";
import type { ContentSource } from "../io/content-source.js";
import { countNewlines, emptyLines, readLinesFrom } from "../io/read-lines.js";
import { crcTo, eachPiece, FINGERPRINT_BYTES, headHash, tailHash } from "./fingerprint.js";
import type { FileRegistry, IngestedFile } from "./file-registry.js";
import { registryEntry, type PlannedRead, type ReadKind, type ReadPlan } from "./plan-reads.js";

/**
 * One file as `readPlan` read it: what it did with it, and the lines it took.
 *
 * @example
 * const { files } = readPlan(plan);
 * files.filter((f: FileRead) => f.kind === "grown").map((f) => f.lines.height);
 */
export interface FileRead {
  read: PlannedRead;
  /** What was done, which for a copy is known only once the file it copies was read. */
  kind: ReadKind;
  lines: pl.DataFrame;
}

/** How far a file has been ingested after this run. */
interface Reached {
  endOffset: number;
  nextLine: number;
  /** CRC-32 of the content before `endOffset`. */
  crc: number;
}

/**
 * How far copy `read` is covered by what the read of the file it copies reached: its
 * content agrees with that file's up to the shorter of its size and that reach (same first
 * bytes, same bytes just before; for a gzip copy of exactly that content, the same CRC-32
 * in its trailer). Undefined when it does not agree (it forked): it is then read itself.
 */
function coverage(read: PlannedRead, original: PlannedRead, reached: Reached): Reached | undefined {
  const start = read.offset;
  const end = Math.min(read.size, reached.endOffset);
  if (end < start) return undefined;
  const startCrc = start === 0 ? 0 : read.previous?.crc;
  if (end === start) return { endOffset: start, nextLine: read.firstLine, crc: crcTo(read.source, start, start, startCrc) };
  const trailer = read.source.gzip && !read.source.decompressed() ? read.source.trailer() : undefined;
  const sameByTrailer = trailer !== undefined && end === reached.endOffset && read.size === end && trailer.crc === reached.crc && trailer.isize === end % 2 ** 32;
  if (!sameByTrailer) {
    const head = Math.min(end, FINGERPRINT_BYTES);
    if (headHash(read.source, head) !== headHash(original.source, head) || tailHash(read.source, end) !== tailHash(original.source, end)) return undefined;
    // Then every byte: the CRC-32 of the copy up to there is that of what the original's read reached.
    if (end === reached.endOffset && crcTo(read.source, start, end, startCrc) !== reached.crc) return undefined;
  }
  if (end === reached.endOffset) return reached;
  let newlines = 0;
  eachPiece(read.source, start, end, (bytes) => (newlines += countNewlines(bytes)));
  return { endOffset: end, nextLine: read.firstLine + newlines, crc: crcTo(read.source, start, end, startCrc) };
}

/**
 * Carry out a plan of `planReads`: read each new or grown file from where the last run
 * stopped (through the handle opened when planning; the last line without its newline
 * only of a final file: rotated or gzip), skip copies for the part the file they copy
 * holds, and build the registry recording how far every file has now been read, with the
 * entries the plan carried over unchanged. Closes the plan's files.
 *
 * @example
 * const { files, registry } = readPlan(planReads("logs", tutorialStreams, registry));
 */
export function readPlan(plan: ReadPlan): { files: FileRead[]; registry: FileRegistry } {
  const entries: IngestedFile[] = [...plan.carried];
  const files: FileRead[] = [];
  const reached = new Map<PlannedRead, Reached>();
  // One empty frame for every file with nothing new: building one costs about a millisecond,
  // which a store of a hundred rotated files per stream paid 300 times per run.
  let none: pl.DataFrame | undefined;
  const nothing = () => (none ??= emptyLines().collectSync());
  const record = (read: PlannedRead, kind: ReadKind, lines: pl.DataFrame, at: Reached) => {
    reached.set(read, at);
    files.push({ read, kind, lines });
    // A live file may have grown while it was read.
    const entry = registryEntry({ ...read, size: Math.max(read.size, at.endOffset) }, at.endOffset, at.nextLine, at.crc);
    if (entry) entries.push(entry);
  };
  try {
    for (const read of plan.reads) {
      const startCrc = read.offset === 0 ? 0 : read.previous?.crc;
      if (read.copyOf) {
        const covered = coverage(read, read.copyOf, reached.get(read.copyOf)!);
        if (covered) {
          record(read, "unchanged", nothing(), covered);
          continue;
        }
      } else if (read.kind === "unchanged") {
        record(read, "unchanged", nothing(), {
          endOffset: read.offset,
          nextLine: read.firstLine,
          crc: startCrc ?? crcTo(read.source, 0, read.offset, undefined),
        });
        continue;
      }
      const result = readLinesFrom(read.source, { label: read.file.name, offset: read.offset, firstLine: read.firstLine, includePartial: read.final });
      // A file that grew only by a line still being written (held back) has nothing new yet.
      const kind: ReadKind = (read.copyOf && read.offset > 0) || read.kind === "grown" ? (result.endOffset > read.offset ? "grown" : "unchanged") : read.kind;
      record(read, kind, result.lines, {
        endOffset: result.endOffset,
        nextLine: result.nextLine,
        crc: crcTo(read.source, read.offset, result.endOffset, startCrc),
      });
    }
  } finally {
    plan.close();
  }
  // Lines in the order of the files in the directory (oldest rotation first), whatever order they were read in.
  const rank = new Map<string, number>();
  for (const { read } of files) if (!rank.has(read.stream)) rank.set(read.stream, rank.size);
  files.sort(
    (a, b) => rank.get(a.read.stream)! - rank.get(b.read.stream)! || b.read.file.rotation - a.read.file.rotation || a.read.file.name.localeCompare(b.read.file.name),
  );
  return { files, registry: { version: 1, files: entries } };
}
