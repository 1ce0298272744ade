import { statSync } from "node:fs";
import { openContent, type ContentSource } from "../io/content-source.js";
import { findLogFiles, type LogFile } from "../io/log-files.js";
import type { StreamDefinition } from "../streams.js";
import { fileIdentity, recordedBirth } from "./file-identity.js";
import { crcTo, FINGERPRINT_BYTES, headHash, tailHash } from "./fingerprint.js";
import type { FileRegistry, IngestedFile } from "./file-registry.js";

/**
 * Why a file is read (or not) in this run: `new` (its first bytes are unknown: a new file,
 * or one rewritten with other content), `grown`, `replaced` (known by its device and inode,
 * but its content up to what was read of it changed: truncated or rewritten), or
 * `unchanged` (nothing new: also a copy of content already read).
 *
 * @example
 * plan.reads.filter((r) => (r.kind satisfies ReadKind) === "grown");
 */
export type ReadKind = "new" | "grown" | "replaced" | "unchanged";

/**
 * One file of the logs directory, and what this run does with it.
 *
 * @example
 * for (const read of plan.reads) console.log(read.file.name, read.kind, read.offset);
 */
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
  /** Gzip, an older rotation (`x.log.2`), or `x.log.1` left alone for `settleMs`: it will not grow, so a last line without its newline is taken. */
  final: boolean;
  /**
   * Set on a copy of content another file of this run also holds (a `gzip -k` or
   * copytruncate copy, a hard link): that file is read first, and this one is read only if
   * it holds more than what that read ingested (see `readPlan`).
   */
  copyOf?: PlannedRead;
  /** The file, opened once when planning: every read goes through this handle. */
  source: ContentSource;
}

/**
 * What `planReads` decided, and the files it could not look at.
 *
 * @example
 * const plan: ReadPlan = planReads("logs", tutorialStreams, registry);
 * try { console.log(plan.warnings); } finally { plan.close(); }
 */
export interface ReadPlan {
  /** In reading order: a file comes after the one it is a copy of. */
  reads: PlannedRead[];
  /** Registry entries no file of this run continues but that must be kept: files skipped now (retried next run), other streams. */
  carried: IngestedFile[];
  /** Files skipped with a warning (unreadable now): they are retried on the next run. */
  warnings: string[];
  /** Close every file the plan opened. */
  close(): void;
}

/**
 * Options of `planReads`.
 *
 * @example
 * planReads("logs", tutorialStreams, registry, { since: new Date("2025-01-05T00:00:00Z") });
 */
export interface PlanOptions {
  /** Ignore files last modified before this instant (the tutorial's `initial_last_modified`). */
  since?: Date;
  /**
   * How long the first rotation (`x.log.1`) must have been left unmodified before its last
   * line without a newline is taken as complete. Default {@link SETTLE_MS}.
   */
  settleMs?: number;
  /** The time to judge that by (default: now). */
  now?: number;
}

/**
 * A rename rotation (`x.log` → `x.log.1`) leaves the application writing to the renamed
 * file until it reopens its log (logrotate's postrotate signal): the end of a line it was
 * writing can still arrive in `x.log.1`. So the first rotation's last line without a
 * newline is held back, like the live file's, until the file has been left alone this long
 * (5 s, as Fluentd's `rotate_wait`); older rotations and gzip files are final at once.
 *
 * @example
 * planReads("logs", tutorialStreams, registry, { settleMs: SETTLE_MS });
 */
export const SETTLE_MS = 5_000;

const idOf = (x: { dev: number; ino: number }) => `${x.dev}:${x.ino}`;
/** Whether `file` will not grow any more, so that a last line without its newline is complete. */
function isFinal(file: LogFile, source: ContentSource, options: PlanOptions): boolean {
  if (file.name.endsWith(".gz") || file.rotation >= 2) return true;
  if (file.rotation === 0) return false;
  return source.mtimeMs <= (options.now ?? Date.now()) - (options.settleMs ?? SETTLE_MS);
}

/** The files of one stream, each opened once, checked against a second listing. */
interface Snapshot {
  opened: { file: LogFile; source: ContentSource }[];
  /** Identities of files present but not read now (older than --since, unreadable, a second name of a file). */
  skipped: Set<string>;
  warnings: string[];
  /** False when a file vanished or the directory kept changing (rotation while listing): nothing may be concluded from a file's absence. */
  complete: boolean;
}

function identityOf(path: string): string | undefined {
  try {
    return idOf(statSync(path));
  } catch {
    return undefined;
  }
}

function takeSnapshot(logs: string, stream: string, since: Date | undefined): Snapshot {
  for (let attempt = 1; ; attempt++) {
    const snap: Snapshot = { opened: [], skipped: new Set(), warnings: [], complete: true };
    const byName = new Map<string, string | undefined>();
    const seen = new Set<string>();
    for (const file of findLogFiles(logs, stream)) {
      let source: ContentSource;
      try {
        source = openContent(file.path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
          snap.complete = false;
          snap.warnings.push(`skipped ${file.path}: it vanished while being read; it will be retried on the next run`);
          continue;
        }
        if (code === "EACCES" || code === "EPERM") {
          const id = identityOf(file.path);
          if (id === undefined) snap.complete = false;
          else snap.skipped.add(id);
          byName.set(file.name, id);
          snap.warnings.push(`skipped ${file.path}: permission denied; it will be retried on the next run`);
          continue;
        }
        throw error;
      }
      const id = idOf(source);
      byName.set(file.name, id);
      if (seen.has(id) || (since !== undefined && source.mtimeMs < since.getTime())) {
        // A second name of a file already opened (a hard link, or a rename while listing) is read once.
        source.close();
        snap.skipped.add(id);
        continue;
      }
      seen.add(id);
      snap.opened.push({ file, source });
    }
    // The same names must lead to the same files after everything was opened; otherwise the
    // directory changed under us (rotation while listing) and a file may have been missed.
    const again = findLogFiles(logs, stream);
    const stable = again.length === byName.size && again.every((f) => byName.has(f.name) && byName.get(f.name) === identityOf(f.path));
    if (stable || attempt >= 3) {
      if (!stable) {
        snap.complete = false;
        snap.warnings.push(`the files of stream ${stream} in ${logs} kept changing while they were listed; any that arrived meanwhile are read on the next run`);
      }
      return snap;
    }
    for (const { source } of snap.opened) source.close();
  }
}

/** A file of this run and what is known of it while planning. */
interface Candidate {
  file: LogFile;
  source: ContentSource;
  order: number;
  /** Content size when known without decompressing (plain files; gzip files recognised from their trailer). */
  knownSize?: number;
}

type Check = "same" | "head" | "other";

/**
 * Whether `c` holds the content `entry` records up to its offset: `same` (the first bytes
 * hash to its fingerprint, the bytes before its offset to its tail hash, or for gzip the
 * trailer's CRC-32 and size are those of the content read), `head` (only the first bytes
 * agree: truncated or rewritten), `other`.
 */
function check(c: Candidate, entry: IngestedFile, cache: Map<IngestedFile, Check>): Check {
  const cached = cache.get(entry);
  if (cached) return cached;
  const result = checkUncached(c, entry);
  cache.set(entry, result);
  return result;
}

function checkUncached(c: Candidate, entry: IngestedFile): Check {
  const source = c.source;
  if (headHash(source, entry.fingerprintBytes) !== entry.fingerprint) return "other";
  if (source.gzip && !source.decompressed()) {
    const trailer = source.trailer();
    if (trailer && entry.crc !== undefined && trailer.crc === entry.crc && trailer.isize === entry.offset % 2 ** 32) {
      // Content of this size with this CRC-32 and these first bytes: what was read, whole. No need to decompress.
      c.knownSize = entry.offset;
      return "same";
    }
  }
  const size = source.size();
  c.knownSize = size;
  if (size < entry.offset) return "head";
  if (entry.offset > entry.fingerprintBytes && entry.tail !== undefined && tailHash(source, entry.offset) !== entry.tail) return "head";
  // Unless it is the very file recorded (its device, inode and birth time), it may be another
  // (a copy, a compressed file, a new file given the recorded one's freed inode): every byte
  // up to the offset is checked, once (next time it is known by its own identity).
  if (fileIdentity(entry, source) !== "same" && entry.crc !== undefined && entry.offset > entry.fingerprintBytes && crcTo(source, 0, entry.offset, undefined) !== entry.crc) return "head";
  return "same";
}

/**
 * Decide, for every log file of every stream, what this run reads. Each file is opened
 * once (its device and inode are those of the open handle) and matched against the
 * registry, in this order: the same device and inode with the same content up to the
 * recorded offset (a file renamed by rotation, or grown); else the same name with that
 * content; else that content alone (a file compressed by rotation, or copied by
 * copytruncate), each entry continued by one file only. "The same content" is checked by
 * the hash of the first bytes and of the bytes just before the offset (for a gzip file
 * whose trailer shows the whole content was read, by its CRC-32 and size, without
 * decompressing it), and, unless the file is the very one recorded (same device, inode and
 * birth time, see `fileIdentity`), by the CRC-32 of every byte up to the offset: a new file
 * given a deleted one's inode is not taken for it, however alike their first and last KiB
 * (where the filesystem records no birth time, every run checks every byte). A further file holding the same content (a `gzip -k` copy, a copy
 * taken before truncation) is a copy: read only for what the others do not hold. A known
 * file is read from where the last run stopped when it grew, skipped when it did not, and
 * read anew when its content changed. An unreadable file is skipped with a warning and its
 * entry kept, so it is retried next run.
 *
 * @example
 * const plan = planReads("logs", tutorialStreams, registryFromState(store.readState()));
 * try { plan.reads.filter((r) => r.kind !== "unchanged"); } finally { plan.close(); }
 */
export function planReads(logs: string, streams: readonly StreamDefinition[], registry: FileRegistry, options: PlanOptions = {}): ReadPlan {
  const reads: PlannedRead[] = [];
  const warnings: string[] = [];
  const names = new Set(streams.map((s) => s.name));
  const carried = registry.files.filter((f) => !names.has(f.stream));
  const plan: ReadPlan = {
    reads,
    carried,
    warnings,
    close: () => {
      for (const read of reads) read.source.close();
    },
  };
  try {
    for (const stream of streams) planStream(logs, stream.name, registry.files.filter((f) => f.stream === stream.name), options, plan);
  } catch (error) {
    plan.close();
    throw error;
  }
  return plan;
}

function planStream(logs: string, stream: string, known: IngestedFile[], options: PlanOptions, plan: ReadPlan): void {
  const snap = takeSnapshot(logs, stream, options.since);
  plan.warnings.push(...snap.warnings);
  const candidates: Candidate[] = snap.opened.map(({ file, source }, order) => ({
    file,
    source,
    order,
    knownSize: source.gzip ? undefined : source.size(),
  }));
  const checks = new Map<Candidate, Map<IngestedFile, Check>>(candidates.map((c) => [c, new Map()]));
  const same = (c: Candidate, e: IngestedFile) => check(c, e, checks.get(c)!) === "same";
  const claims = new Map<Candidate, IngestedFile>();
  const claimed = new Set<IngestedFile>();
  // Among several entries a file continues, the one read furthest.
  const best = (entries: IngestedFile[]) => entries.sort((a, b) => b.offset - a.offset)[0] as IngestedFile | undefined;
  const passes: ((c: Candidate, e: IngestedFile) => boolean)[] = [
    (c, e) => e.dev === c.source.dev && e.ino === c.source.ino,
    (c, e) => e.name === c.file.name,
    () => true,
  ];
  for (const pass of passes) {
    for (const c of candidates) {
      if (claims.has(c)) continue;
      const entry = best(known.filter((e) => !claimed.has(e) && pass(c, e) && same(c, e)));
      if (entry) {
        claims.set(c, entry);
        claimed.add(entry);
      }
    }
  }
  // Files that continue entries recording the same content (same fingerprint, offset and
  // tail) are copies of one another: one lineage, read once.
  const lineage = (e: IngestedFile) => `${e.fingerprint}|${e.fingerprintBytes}|${e.offset}|${e.tail ?? ""}|${e.crc ?? ""}`;
  const groups = new Map<string, { entry: IngestedFile; members: { c: Candidate; claimant: boolean }[] }>();
  for (const c of candidates) {
    const entry = claims.get(c);
    if (!entry) continue;
    const key = lineage(entry);
    if (!groups.has(key)) groups.set(key, { entry, members: [] });
    groups.get(key)!.members.push({ c, claimant: entry.dev === c.source.dev && entry.ino === c.source.ino });
  }
  // A file that holds the content of an entry another file continues: a copy of it.
  const unmatched: Candidate[] = [];
  for (const c of candidates) {
    if (claims.has(c)) continue;
    const entry = best([...claimed].filter((e) => same(c, e)));
    if (entry) groups.get(lineage(entry))!.members.push({ c, claimant: false });
    else unmatched.push(c);
  }

  const base = (c: Candidate) => ({ stream, file: c.file, dev: c.source.dev, ino: c.source.ino, final: isFinal(c.file, c.source, options), source: c.source });
  const sizeOf = (c: Candidate) => c.knownSize ?? c.source.size();
  const ordered: PlannedRead[] = [];
  for (const { entry, members } of groups.values()) {
    // The reader holds the most content (then: the file the entry was recorded on, then a plain file).
    members.sort((a, b) => sizeOf(b.c) - sizeOf(a.c) || Number(b.claimant) - Number(a.claimant) || Number(a.c.source.gzip) - Number(b.c.source.gzip) || a.c.order - b.c.order);
    let reader: PlannedRead | undefined;
    for (const { c } of members) {
      const size = sizeOf(c);
      const read: PlannedRead = {
        ...base(c),
        kind: reader === undefined && size > entry.offset ? "grown" : "unchanged",
        offset: entry.offset,
        firstLine: entry.nextLine,
        size,
        previous: entry,
        copyOf: reader,
      };
      reader ??= read;
      ordered.push(read);
    }
  }
  // Files matching no entry are read from the start; new files holding the same first bytes
  // are checked as copies of the longest of them when read.
  unmatched.sort((a, b) => sizeOf(b) - sizeOf(a) || a.order - b.order);
  const newReaders: PlannedRead[] = [];
  for (const c of unmatched) {
    const size = sizeOf(c);
    const headLength = Math.min(size, FINGERPRINT_BYTES);
    const head = headHash(c.source, headLength);
    const copyOf = size === 0 ? undefined : newReaders.find((r) => headHash(r.source, headLength) === head);
    // Read anew: `replaced` when it may be a recorded file whose content changed, `new` when it is not one.
    const known = [...checks.get(c)!.entries()].some(([e, result]) => result === "head" && ["same", "unconfirmed"].includes(fileIdentity(e, c.source)));
    const read: PlannedRead = { ...base(c), kind: known ? "replaced" : "new", offset: 0, firstLine: 1, size, copyOf };
    if (!copyOf) newReaders.push(read);
    ordered.push(read);
  }
  plan.reads.push(...ordered);

  // Entries no file continues: kept for files skipped now (and for all when the listing was
  // not complete); dropped for files gone (deleted by rotation) or read anew.
  const present = new Set(candidates.map((c) => idOf(c.source)));
  for (const entry of known) {
    if (claimed.has(entry)) continue;
    const id = idOf(entry);
    if (!snap.complete || (snap.skipped.has(id) && !present.has(id))) plan.carried.push(entry);
  }
}

/**
 * The registry entry for a file read up to `offset` (or, if nothing of it is complete yet,
 * nothing: a file with no complete line is new again next time). `crc` is the CRC-32 of the
 * content before `offset`, when known.
 *
 * @example
 * const entry = registryEntry(read, result.endOffset, result.nextLine, crc);
 */
export function registryEntry(read: PlannedRead, offset: number, nextLine: number, crc?: number): IngestedFile | undefined {
  if (offset === 0) return undefined;
  const fingerprintBytes = Math.min(offset, FINGERPRINT_BYTES);
  const previous = read.previous && read.kind !== "replaced" && read.offset > 0 ? read.previous : undefined;
  const fingerprint =
    previous && previous.fingerprintBytes === fingerprintBytes ? previous.fingerprint : headHash(read.source, fingerprintBytes)!;
  const birth = recordedBirth(read.source);
  const tail = previous && previous.offset === offset && previous.tail !== undefined ? previous.tail : tailHash(read.source, offset);
  return {
    stream: read.stream,
    name: read.file.name,
    dev: read.dev,
    ino: read.ino,
    ...(birth === undefined ? {} : { birth }),
    gzip: read.source.gzip,
    fingerprint,
    fingerprintBytes,
    size: read.size,
    offset,
    ...(tail === undefined ? {} : { tail }),
    ...(crc === undefined ? {} : { crc }),
    nextLine,
  };
}
