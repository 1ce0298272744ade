import { crc32 } from "./crc32.js";
import { gunzipStream, type GunzipStream } from "./gunzip-stream.js";

/** The content bytes just before the read position kept in hand (for the hash of the bytes before an offset). */
const KEEP_BYTES = 64 * 1024;
/** The first content bytes kept once seen (for fingerprints). */
const HEAD_BYTES = 64 * 1024;

/**
 * Reading by position in the content of a gzip file, in bounded memory: a decompression
 * runs forward from the start and keeps only the last 64 KiB it produced (and the first
 * 64 KiB of the content); a read before those starts it again. Reading forward (lines,
 * CRC-32, the bytes before an offset after reading up to it) costs one decompression. The
 * first pass to the end learns the content's size and CRC-32, zlib having checked the whole
 * stream against its trailer.
 *
 * @example
 * const content: GzipContent = gzipContent((into, at) => readSync(fd, into, 0, into.length, at), size, "x.log.2.gz");
 * content.read(Buffer.alloc(1024), 0); content.size(); content.crc(); content.close();
 */
export interface GzipContent {
  /** Copy content bytes from `position` into `into`, as many as fit; the number copied (0 at the end). */
  read(into: Buffer, position: number): number;
  /** The first `length` content bytes (fewer if the content is shorter), decompressing no more than needed. */
  head(length: number): Buffer;
  /** The content size: decompresses to the end (checking the whole stream) if not yet known. */
  size(): number;
  /** The content's size, if a decompression has reached the end (without decompressing). */
  knownSize(): number | undefined;
  /** CRC-32 of the whole content, if a decompression has reached the end (without decompressing). */
  crc(): number | undefined;
  close(): void;
}

/**
 * Open the content of a gzip stream whose compressed bytes `readCompressed` gives (`size`
 * of them) for reading by position; errors name `path`.
 *
 * @example
 * const content = gzipContent((into, at) => readSync(fd, into, 0, into.length, at), fstatSync(fd).size, "x.log.2.gz");
 */
export function gzipContent(readCompressed: (into: Buffer, position: number) => number, compressedSize: number, path: string): GzipContent {
  let stream: GunzipStream | undefined;
  // The content [keptStart, produced) in kept[0, produced - keptStart): what the decompression produced last.
  const kept = Buffer.allocUnsafe(2 * KEEP_BYTES);
  let keptStart = 0;
  let produced = 0;
  let ended = false;
  let runningCrc = 0;
  let head: Buffer | undefined;
  let headLength = 0;
  let total: { size: number; crc: number } | undefined;
  let failure: unknown;
  /** What is left of the stream's last piece, not yet kept. */
  let rest: Buffer = Buffer.alloc(0);

  const restart = () => {
    stream?.close();
    stream = gunzipStream(readCompressed, compressedSize, path);
    keptStart = 0;
    produced = 0;
    ended = false;
    runningCrc = 0;
    rest = Buffer.alloc(0);
  };
  /** Append `piece` (at most KEEP_BYTES) to what was produced: to the head if it is still short, to the kept bytes. */
  const keep = (piece: Buffer) => {
    if (headLength < HEAD_BYTES && produced <= headLength && produced + piece.length > headLength) {
      head ??= Buffer.allocUnsafe(HEAD_BYTES);
      headLength += piece.copy(head, headLength, headLength - produced);
    }
    let length = produced - keptStart;
    if (length + piece.length > kept.length) {
      // Keep the last KEEP_BYTES before the new piece.
      const keepLength = Math.min(length, KEEP_BYTES);
      kept.copyWithin(0, length - keepLength, length);
      keptStart = produced - keepLength;
      length = keepLength;
    }
    piece.copy(kept, length);
    produced += piece.length;
  };
  /** Decompress one more piece (at most KEEP_BYTES) into the kept bytes; false at the end. */
  const advance = (): boolean => {
    if (failure !== undefined) throw failure;
    if (stream === undefined) restart();
    if (rest.length === 0) {
      if (ended) return false;
      let piece: Buffer | undefined;
      try {
        piece = stream!.next();
      } catch (error) {
        failure = error;
        throw error;
      }
      if (piece === undefined) {
        ended = true;
        total ??= { size: produced, crc: runningCrc };
        return false;
      }
      if (total === undefined) runningCrc = crc32(piece, runningCrc);
      rest = piece;
    }
    // (the stream's piece stays valid until its next call)
    keep(rest.subarray(0, KEEP_BYTES));
    rest = rest.subarray(Math.min(rest.length, KEEP_BYTES));
    return true;
  };

  const read = (into: Buffer, position: number): number => {
    if (total !== undefined && position >= total.size) return 0;
    if (stream === undefined || position < keptStart) restart();
    let done = 0;
    for (;;) {
      const at = position + done;
      if (at >= keptStart && at < produced) done += kept.copy(into, done, at - keptStart, produced - keptStart);
      if (done === into.length || !advance()) return done;
    }
  };

  return {
    read,
    head(length) {
      if (length <= HEAD_BYTES && (headLength >= length || total !== undefined)) return Buffer.from(head?.subarray(0, Math.min(length, headLength)) ?? []);
      const bytes = Buffer.allocUnsafe(length);
      return bytes.subarray(0, read(bytes, 0));
    },
    size() {
      if (total === undefined) {
        if (stream === undefined) restart();
        while (advance());
      }
      return total!.size;
    },
    knownSize: () => total?.size,
    crc: () => total?.crc,
    close() {
      stream?.close();
      stream = undefined;
    },
  };
}
