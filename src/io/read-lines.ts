import * as nodeBuffer from "node:buffer";
import pl from "nodejs-polars";
import { nullOf } from "../columns.js";
import { cachedExpr } from "../expr-cache.js";
import { openContent, type ContentSource } from "./content-source.js";

/**
 * The columns of a lines frame, the input of `parseLogs`: where each line came from, the
 * line itself without its ending, and `defect`, a reason when the bytes could not be read
 * as a line of text (null otherwise).
 *
 * @example
 * readLogLines("logs/web_activity.log").select(...LINE_COLUMNS);
 */
export const LINE_COLUMNS = ["file", "line_number", "message", "defect"] as const;

/**
 * Lines longer than this many bytes are rejected, and never held in memory whole.
 *
 * @example
 * readLines("big.log").lines.filter(pl.col("defect").eq(pl.lit(`line is longer than ${MAX_LINE_BYTES} bytes (1 MiB)`)));
 */
export const MAX_LINE_BYTES = 1024 * 1024;
/** How much of an over-long line is kept in `message` of its rejected row. */
const LONG_LINE_PREFIX_BYTES = 1024;
const CHUNK_BYTES = 16 * 1024 * 1024;
const NEWLINE = 0x0a;

// A byte-order mark is text like any other, except at the very start of a file (see pieceFrame):
// the decoders must not drop one at the start of every piece or line they are given.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lossyUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const startsWithBom = (bytes: Buffer) => bytes.length >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2];
const NOT_UTF8 = "bytes are not valid UTF-8";
const TOO_LONG = `line is longer than ${MAX_LINE_BYTES} bytes (1 MiB)`;

/**
 * Decode `bytes` to text. When they are valid UTF-8 (the usual case) the whole piece is
 * decoded at once; otherwise each line is decoded on its own so that only the bad lines
 * are marked (by index from 0), their text kept with U+FFFD in place of the bad bytes.
 */
function decodeLines(bytes: Uint8Array): { text: string; badLines: number[] } {
  try {
    return { text: utf8.decode(bytes), badLines: [] };
  } catch {
    const badLines: number[] = [];
    const parts: string[] = [];
    let start = 0;
    for (let line = 0; start <= bytes.length; line++) {
      let end = bytes.indexOf(NEWLINE, start);
      if (end === -1) end = bytes.length;
      const piece = bytes.subarray(start, end);
      try {
        parts.push(utf8.decode(piece));
      } catch {
        badLines.push(line);
        parts.push(lossyUtf8.decode(piece));
      }
      start = end + 1;
    }
    return { text: parts.join("\n"), badLines };
  }
}

/**
 * Split `text` into a lines frame (`file`, `line_number`, `message`, `defect`) with Polars:
 * one string in, one row per line out, numbered from `firstLine`. A trailing `\r` is
 * removed from each line; the empty piece after a final newline is not a line. Lines
 * numbered in `badLines` are marked as not valid UTF-8.
 *
 * @example
 * linesFrame("a.log", "x\r\ny\n").collectSync().getColumn("message").toArray(); // ["x", "y"]
 */
export function linesFrame(file: string, text: string, firstLine = 1, badLines: readonly number[] = []): pl.LazyDataFrame {
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  if (body.length === 0 && !text.endsWith("\n")) return emptyLines();
  const lines = pl
    .DataFrame({ message: [body] })
    .lazy()
    .select(pl.col("message").str.split("\n"))
    .explode("message")
    .withRowIndex("line_number", firstLine)
    .select(pl.lit(file).alias("file"), pl.col("line_number").cast(pl.Int64), pl.col("message").str.replace("\r$", ""));
  return markLines(lines.withColumns(nullOf(pl.Utf8).alias("defect")), badLines, NOT_UTF8);
}

/**
 * Set `defect` on the lines numbered `lineNumbers` (keeping only the first KiB of their
 * message when `truncate`); the other lines are left as they are.
 */
function markLines(lines: pl.LazyDataFrame, lineNumbers: readonly number[], defect: string, truncate = false): pl.LazyDataFrame {
  if (lineNumbers.length === 0) return lines;
  const marks = pl
    .DataFrame([pl.Series("line_number", [...lineNumbers], pl.Int64), pl.Series("__mark", lineNumbers.map(() => defect), pl.Utf8)])
    .lazy();
  const hit = pl.col("__mark").isNotNull();
  const message = truncate ? pl.when(hit).then(pl.col("message").str.slice(0, LONG_LINE_PREFIX_BYTES)).otherwise(pl.col("message")) : pl.col("message");
  return lines
    .join(marks, { on: "line_number", how: "left" })
    .sort("line_number")
    .select(pl.col("file"), pl.col("line_number"), message.alias("message"), pl.when(hit).then(pl.col("__mark")).otherwise(pl.col("defect")).alias("defect"));
}

/**
 * A lines frame with no rows.
 *
 * @example
 * emptyLines().collectSync().columns; // ["file", "line_number", "message", "defect"]
 */
export function emptyLines(): pl.LazyDataFrame {
  return pl
    .DataFrame([
      pl.Series("file", [], pl.Utf8),
      pl.Series("line_number", [], pl.Int64),
      pl.Series("message", [], pl.Utf8),
      pl.Series("defect", [], pl.Utf8),
    ])
    .lazy();
}

/**
 * Where to start reading a file and what to do with its last line.
 *
 * @example
 * readLines("logs/cart_activity.log", { offset: 4096, firstLine: 31, includePartial: false, label: "cart_activity.log" });
 */
export interface ReadLinesOptions {
  /** The name written in the `file` column. Default: the path. */
  label?: string;
  /** Byte offset to start at (the end of what an earlier run ingested). Default 0. */
  offset?: number;
  /** Number of the first line read. Default 1. */
  firstLine?: number;
  /** Take a last line that has no newline yet (a file still being written). Default true. */
  includePartial?: boolean;
  /** Bytes read at a time, which bounds memory (default 16 MiB; at least 1 MiB + 1). */
  chunkBytes?: number;
}

/**
 * What `readLines` read: the lines, and where the next read of the same file starts.
 *
 * @example
 * const { lines, endOffset, nextLine, pendingBytes }: ReadLinesResult = readLines("logs/cart_activity.log");
 */
export interface ReadLinesResult {
  lines: pl.DataFrame;
  /** Byte offset after the last line taken. */
  endOffset: number;
  /** Number the next line will have. */
  nextLine: number;
  /** Bytes left after `endOffset` (a partial last line not taken). */
  pendingBytes: number;
}

function openSource(path: string): ContentSource {
  try {
    return openContent(path);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === undefined) throw error;
    const why = err.code === "EACCES" ? "permission denied" : err.code === "ENOENT" ? "no such file" : err.message;
    throw new Error(`cannot read log file ${path}: ${why}`);
  }
}

/** Node's (and Bun's) UTF-8 check without decoding; undefined where the runtime lacks it. */
const isUtf8 = (nodeBuffer as { isUtf8?: (bytes: Uint8Array) => boolean }).isUtf8;
const SOH = 0x01;

/** Whether `bytes` are valid UTF-8, checked without building a string where the runtime can. */
function validUtf8(bytes: Uint8Array): boolean {
  if (isUtf8) return isUtf8(bytes);
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Number of newline bytes in `bytes`.
 *
 * @example
 * countNewlines(Buffer.from("a\nb\n")); // 2
 */
export function countNewlines(bytes: Uint8Array): number {
  let n = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) n++;
  return n;
}

/**
 * The usual case, in Rust: a piece that is valid UTF-8 and holds no byte 0x01 is split into
 * lines by Polars' CSV reader, with 0x01 as the separator (so one field per line) and no
 * quote character, all text. The reader keeps blank lines (as nulls, made empty strings
 * here) and drops the `\r` of a `\r\n` ending, as the general path does; it would also
 * drop a byte-order mark at the start, so such a piece is left to the general path.
 * Undefined when the piece does not qualify, or when the reader does not give exactly one
 * row per newline: then the general path reads it.
 */
function csvLines(label: string, bytes: Buffer, firstLine: number): pl.DataFrame | undefined {
  if (startsWithBom(bytes) || bytes.indexOf(SOH) !== -1 || !validUtf8(bytes)) return undefined;
  const read = pl.readCSV(bytes, { hasHeader: false, sep: "\x01", quoteChar: "", inferSchemaLength: 0 });
  if (read.width !== 1 || read.height !== countNewlines(bytes)) return undefined;
  return read
    .lazy()
    .withRowIndex("line_number", firstLine)
    .select(pl.lit(label).alias("file"), ...csvColumns(read.columns[0]))
    .collectSync();
}

/** `line_number`, `message` and `defect` of the CSV reader's one column (built once: see `cachedExpr`). */
const csvColumns = (column: string) => [
  cachedExpr("lines:line_number", () => pl.col("line_number").cast(pl.Int64)),
  cachedExpr(`lines:message:${column}`, () => pl.col(column).cast(pl.Utf8).fillNull(pl.lit("")).alias("message")),
  cachedExpr("lines:defect", () => nullOf(pl.Utf8).alias("defect")),
];

/** Any piece of complete lines: decoded in JavaScript (bad UTF-8 marked line by line), split by Polars. */
function generalLines(label: string, bytes: Buffer, firstLine: number): pl.DataFrame {
  const { text, badLines } = decodeLines(bytes);
  return linesFrame(label, text, firstLine, badLines.map((i) => firstLine + i)).collectSync();
}

/**
 * Lines of one piece of complete lines (ending with a newline) that starts at byte `start`
 * of the content, with bad-UTF-8 and over-long lines marked. A byte-order mark opening the
 * file is not part of its first line; anywhere else it is kept.
 */
function pieceFrame(label: string, piece: Buffer, firstLine: number, start: number): pl.DataFrame {
  const bytes = start === 0 && startsWithBom(piece) ? piece.subarray(BOM.length) : piece;
  const frame = csvLines(label, bytes, firstLine) ?? generalLines(label, bytes, firstLine);
  // A line of over MAX_LINE_BYTES bytes has over MAX_LINE_BYTES / 4 characters: only
  // those few candidates are measured in bytes.
  const candidates = frame.filter(cachedExpr("lines:long-candidates", () => pl.col("message").str.lengths().gt(pl.lit(MAX_LINE_BYTES / 4))));
  if (candidates.height === 0) return frame;
  const numbers = candidates.getColumn("line_number").toArray().map(Number);
  const messages = candidates.getColumn("message").toArray() as string[];
  const long = numbers.filter((_, i) => Buffer.byteLength(messages[i]) > MAX_LINE_BYTES);
  return markLines(frame.lazy(), long, TOO_LONG, true).collectSync();
}

/** The row of a line too long to hold: its first bytes, marked. */
function longLineFrame(label: string, prefix: Buffer, line: number): pl.DataFrame {
  return pl.DataFrame([
    pl.Series("file", [label], pl.Utf8),
    pl.Series("line_number", [line], pl.Int64),
    pl.Series("message", [lossyUtf8.decode(prefix.subarray(0, LONG_LINE_PREFIX_BYTES))], pl.Utf8),
    pl.Series("defect", [TOO_LONG], pl.Utf8),
  ]);
}

/**
 * Read a log file (plain, or gzip when its name ends in `.gz`) from a byte offset, in
 * chunks of bounded size, into a lines frame. A line over 1 MiB becomes one row marked
 * with that defect (its first KiB kept) without being held in memory whole; bytes that are
 * not UTF-8 mark their line. A truncated or corrupt gzip file is an error naming it, and
 * nothing of it is returned.
 *
 * @example
 * const first = readLines("logs/cart_activity.log", { includePartial: false });
 * // later, after the file grew:
 * const more = readLines("logs/cart_activity.log", { offset: first.endOffset, firstLine: first.nextLine });
 */
export function readLines(path: string, options: ReadLinesOptions = {}): ReadLinesResult {
  const source = openSource(path);
  try {
    const result = readLinesFrom(source, options);
    // one chunk: the CSV reader gives dozens per piece, and Polars' string kernels pay per chunk
    return { ...result, lines: result.lines.rechunk() };
  } finally {
    source.close();
  }
}

/**
 * `readLines` on a file already open (see `openContent`): the bytes read are those of the
 * file the handle was opened on, whatever has been renamed since. The source stays open.
 * The lines come in many chunks, as read: rechunk them (once, after concatenating the
 * files of a stream) before running string expressions over them.
 *
 * @example
 * const source = openContent("logs/web_activity.log");
 * const { lines } = readLinesFrom(source, { offset: 120, firstLine: 4, includePartial: false });
 * source.close();
 */
export function readLinesFrom(source: ContentSource, options: ReadLinesOptions = {}): ReadLinesResult {
  const label = options.label ?? source.path;
  const pieces: pl.DataFrame[] = [];
  let position = options.offset ?? 0;
  let line = options.firstLine ?? 1;
  let carry = Buffer.alloc(0);
  let skippingLongLine = false;
  let longLineStart = 0;
  let endOffset: number | undefined;
  try {
    const chunk = Buffer.allocUnsafe(Math.max(options.chunkBytes ?? CHUNK_BYTES, MAX_LINE_BYTES + 1));
    for (;;) {
      const read = source.read(chunk, position);
      if (read <= 0) break;
      position += read;
      let fresh = chunk.subarray(0, read);
      if (skippingLongLine) {
        // (nothing is carried while skipping, and nothing of the skipped bytes is copied)
        const end = fresh.indexOf(NEWLINE);
        if (end === -1) continue;
        // The rest are ordinary lines (read on, not again: a gzip file cannot be read backwards cheaply).
        skippingLongLine = false;
        fresh = fresh.subarray(end + 1);
        if (fresh.length === 0) continue;
      }
      const data = carry.length > 0 ? Buffer.concat([carry, fresh]) : Buffer.from(fresh);
      carry = Buffer.alloc(0);
      const last = data.lastIndexOf(NEWLINE);
      if (last !== -1) {
        const piece = pieceFrame(label, data.subarray(0, last + 1), line, position - data.length);
        pieces.push(piece);
        line += piece.height;
      }
      // What follows the last newline: the start of a line, carried to the next chunk, unless
      // it is already too long: then its row is made now, and the rest of it skipped.
      const rest = data.subarray(last + 1);
      if (rest.length > MAX_LINE_BYTES) {
        longLineStart = position - rest.length;
        pieces.push(longLineFrame(label, rest, line));
        line += 1;
        skippingLongLine = true;
      } else {
        carry = last === -1 ? data : Buffer.from(rest);
      }
    }
    if (skippingLongLine) {
      // The over-long line reaches the end of the file: it counts as complete only when partial lines are taken.
      if (options.includePartial === false) {
        pieces.pop();
        line -= 1;
        endOffset = longLineStart;
      }
    } else if (carry.length > 0 && options.includePartial !== false) {
      // (a file holding nothing but a byte-order mark has no line)
      const start = position - carry.length;
      if (!(start === 0 && carry.equals(BOM))) {
        const piece = pieceFrame(label, Buffer.concat([carry, Buffer.from("\n")]), line, start);
        pieces.push(piece);
        line += piece.height;
      }
      carry = Buffer.alloc(0);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    throw new Error(`cannot read log file ${source.path}: ${(error as Error).message}`);
  }
  endOffset ??= position - carry.length;
  return {
    lines: pieces.length === 0 ? emptyLines().collectSync() : pl.concat(pieces, { how: "vertical" }),
    endOffset,
    nextLine: line,
    pendingBytes: source.size() - endOffset,
  };
}

/**
 * Read a whole log file into a lines frame labelled `label` (the path by default).
 *
 * @example
 * readLogLines("logs/cart_activity.log", "cart_activity.log").collectSync().height; // number of lines
 */
export function readLogLines(path: string, label: string = path): pl.LazyDataFrame {
  return readLines(path, { label }).lines.lazy();
}
