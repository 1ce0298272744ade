import type { ContentSource } from "../io/content-source.js";
import type { IngestedFile } from "./file-registry.js";

/**
 * How much older than the read a file's birth time must be to be recorded. A file given
 * the inode of a recorded one is created after that one was closed, so after the read: with
 * this margin its birth time cannot equal the recorded one, whatever the granularity of the
 * filesystem's clock (a clock stepped back by more than this between the runs aside).
 *
 * @example
 * Date.now() - source.birthtimeMs > BIRTH_MARGIN_MS; // old enough for its birth time to identify it
 */
export const BIRTH_MARGIN_MS = 2000;

/**
 * The birth time to record for a file read at `now`: its own when the filesystem tells it
 * and it is older than `BIRTH_MARGIN_MS`, else undefined.
 *
 * @example
 * const entry = { ...fields, birth: recordedBirth(read.source) };
 */
export function recordedBirth(source: ContentSource, now = Date.now()): number | undefined {
  return source.birthtimeMs > 0 && now - source.birthtimeMs > BIRTH_MARGIN_MS ? source.birthtimeMs : undefined;
}

/**
 * What the identity of `source` says of the file `entry` records: `same` (same device,
 * inode and recorded birth time: the very file), `reused` (same device and inode, another
 * birth time: a new file given the freed inode), `unconfirmed` (same device and inode, a
 * birth time to compare missing: maybe the file, maybe a new one on its inode), `other`.
 * Only `same` spares checking every byte up to the recorded offset.
 *
 * @example
 * if (fileIdentity(entry, source) !== "same") crcTo(source, 0, entry.offset, undefined) === entry.crc;
 */
export function fileIdentity(entry: IngestedFile, source: ContentSource): "same" | "reused" | "unconfirmed" | "other" {
  if (entry.dev !== source.dev || entry.ino !== source.ino) return "other";
  if (entry.birth === undefined || source.birthtimeMs <= 0) return "unconfirmed";
  return entry.birth === source.birthtimeMs ? "same" : "reused";
}
