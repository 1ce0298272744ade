import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import * as zlib from "node:zlib";
import { gunzipBytes } from "./gunzip-file.js";

/**
 * The content of one log file, opened once: its identity is that of the open handle
 * (`fstat`), so a rename after opening cannot make a read look at another file. A plain
 * file is read by position; a `.gz` file is decompressed only when its content is needed,
 * and its trailer (CRC-32 and size of the whole content) and first bytes can be had
 * without decompressing it all.
 *
 * @example
 * const source: ContentSource = openContent("logs/web_activity.log.2.gz");
 * source.trailer(); // { crc: 3735928559, isize: 18211 }, without decompressing
 * source.close();
 */
export interface ContentSource {
  path: string;
  gzip: boolean;
  dev: number;
  ino: number;
  mtimeMs: number;
  /** Content size (when opened for a plain file; for gzip, decompressed: this decompresses it). */
  size(): number;
  /** Copy content bytes from `position` into `into`; the number copied (0 at the end). */
  read(into: Buffer, position: number): number;
  /** Content bytes [start, end) (clipped to the content). */
  bytes(start: number, end: number): Buffer;
  /** The first `length` content bytes (fewer if the content is shorter); for gzip, without decompressing more than needed. */
  head(length: number): Buffer;
  /** For gzip: CRC-32 and size (mod 2^32) of the content, from the trailer, without decompressing. */
  trailer(): { crc: number; isize: number } | undefined;
  /** Whether the content is in hand (always for plain files; for gzip once decompressed). */
  decompressed(): boolean;
  close(): void;
}

function readFully(fd: number, into: Buffer, position: number): number {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/**
 * Open a log file (a `.gz` name means gzip) for reading by content. Errors keep their
 * `code` (ENOENT, EACCES) so that callers can tell a vanished or unreadable file.
 *
 * @example
 * const source = openContent("logs/cart_activity.log");
 * try { source.head(1024); } finally { source.close(); }
 */
export function openContent(path: string): ContentSource {
  const fd = openSync(path, "r");
  let closed = false;
  const close = () => {
    if (!closed) closeSync(fd);
    closed = true;
  };
  try {
    const stat = fstatSync(fd);
    const identity = { path, dev: stat.dev, ino: stat.ino, mtimeMs: stat.mtimeMs };
    if (!path.endsWith(".gz")) {
      // Read by position up to what is there now (a live file may have grown since it was opened).
      const bytes = (start: number, end: number) => {
        const from = Math.max(0, start);
        const buffer = Buffer.alloc(Math.max(0, end - from));
        return buffer.subarray(0, readFully(fd, buffer, from));
      };
      return {
        ...identity,
        gzip: false,
        size: () => stat.size,
        read: (into, position) => readSync(fd, into, 0, into.length, position),
        bytes,
        head: (length) => bytes(0, length),
        trailer: () => undefined,
        decompressed: () => true,
        close,
      };
    }
    const compressedSize = stat.size;
    let content: Buffer | undefined;
    // The longest start of the content inflated so far without decompressing it all.
    let inflated: Buffer | undefined;
    const whole = () => {
      if (content === undefined) {
        const compressed = Buffer.alloc(compressedSize);
        readFully(fd, compressed, 0);
        content = gunzipBytes(compressed, path);
      }
      return content;
    };
    return {
      ...identity,
      gzip: true,
      size: () => whole().length,
      read: (into, position) => whole().copy(into, 0, position, position + into.length),
      bytes: (start, end) => whole().subarray(Math.max(0, start), end),
      head(length) {
        if (content !== undefined) return content.subarray(0, length);
        if (inflated !== undefined && inflated.length >= length) return inflated.subarray(0, length);
        // Inflate growing pieces of the compressed bytes until enough content comes out.
        for (let take = 16 * 1024; ; take *= 4) {
          if (take >= compressedSize) return whole().subarray(0, length);
          const compressed = Buffer.alloc(take);
          readFully(fd, compressed, 0);
          let out: Buffer;
          try {
            out = zlib.gunzipSync(compressed, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
          } catch {
            return whole().subarray(0, length); // names the file in its error
          }
          inflated = out;
          if (out.length >= length) return out.subarray(0, length);
        }
      },
      trailer() {
        if (compressedSize < 18) return undefined;
        const tail = Buffer.alloc(8);
        readFully(fd, tail, compressedSize - 8);
        return { crc: tail.readUInt32LE(0), isize: tail.readUInt32LE(4) };
      },
      decompressed: () => content !== undefined,
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/**
 * CRC-32 (as gzip computes it) of `bytes`, continuing from `crc` (the CRC of the bytes
 * before them; 0 to start). Uses `zlib.crc32` where the runtime has it.
 *
 * @example
 * crc32(Buffer.from("b"), crc32(Buffer.from("a"))) === crc32(Buffer.from("ab")); // true
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  if (typeof native === "function") return native(bytes, crc);
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
