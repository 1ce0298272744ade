import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { gzipContent } from "./gzip-content.js";

/**
 * The content of one log file, opened once: its identity is that of the open handle
 * (`fstat`), so a rename after opening cannot make a read look at another file. A plain
 * file is read by position; a `.gz` file is decompressed forward in bounded memory, only as
 * far as its content is needed (see `gzipContent`), and its trailer (CRC-32 and size of the
 * whole content) and first bytes can be had without decompressing it all.
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
  /** When the file was created (ms since the epoch), or 0 where the filesystem does not tell. */
  birthtimeMs: number;
  /** Content size (when opened for a plain file; for gzip, decompressed: this decompresses it to the end once, checking it). */
  size(): number;
  /** Copy content bytes from `position` into `into`; the number copied (0 at the end). */
  read(into: Buffer, position: number): number;
  /** Content bytes [start, end) (clipped to the content). */
  bytes(start: number, end: number): Buffer;
  /** The first `length` content bytes (fewer if the content is shorter); for gzip, without decompressing more than needed. */
  head(length: number): Buffer;
  /** For gzip: CRC-32 and size (mod 2^32) of the content, from the trailer, without decompressing. */
  trailer(): { crc: number; isize: number } | undefined;
  /** Whether the content's size is known without reading (always for plain files; for gzip once decompressed to the end, checked). */
  decompressed(): boolean;
  /** CRC-32 of content [0, end) when known without reading (for gzip: of the whole content, once decompressed to the end). */
  knownCrc(end: number): number | undefined;
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
    const identity = { path, dev: stat.dev, ino: stat.ino, mtimeMs: stat.mtimeMs, birthtimeMs: stat.birthtimeMs > 0 ? stat.birthtimeMs : 0 };
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
        knownCrc: (end) => (end === 0 ? 0 : undefined),
        close,
      };
    }
    const content = gzipContent((into, at) => readFully(fd, into, at), stat.size, path);
    return {
      ...identity,
      gzip: true,
      size: () => content.size(),
      read: (into, position) => content.read(into, position),
      bytes(start, end) {
        const from = Math.max(0, start);
        const size = content.knownSize();
        const buffer = Buffer.alloc(Math.max(0, Math.min(end, size ?? end) - from));
        return buffer.subarray(0, content.read(buffer, from));
      },
      head: (length) => content.head(length),
      trailer() {
        if (stat.size < 18) return undefined;
        const tail = Buffer.alloc(8);
        readFully(fd, tail, stat.size - 8);
        return { crc: tail.readUInt32LE(0), isize: tail.readUInt32LE(4) };
      },
      decompressed: () => content.knownSize() !== undefined,
      knownCrc: (end) => (end === 0 ? 0 : end === content.knownSize() ? content.crc() : undefined),
      close() {
        content.close();
        close();
      },
    };
  } catch (error) {
    close();
    throw error;
  }
}

