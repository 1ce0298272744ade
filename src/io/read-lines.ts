import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import pl from "nodejs-polars";
import { nullOf } from "../columns.js";

/**
 * The columns of a lines frame, the input of `parseLogs`: where each line came from, the
 * line itself without its ending, and `defect`, a reason when the bytes could not be read
 * as a line of text (null otherwise).
 */
export const LINE_COLUMNS = ["file", "line_number", "message", "defect"] as const;

const utf8 = new TextDecoder("utf-8", { fatal: true });
const lossyUtf8 = new TextDecoder("utf-8");

/**
 * Decode `bytes` to text. When they are valid UTF-8 (the usual case) the whole file is
 * decoded at once; otherwise each line is decoded on its own so that only the bad lines
 * are marked, and their text is kept with U+FFFD in place of the bad bytes.
 */
function decodeLines(bytes: Uint8Array): { text: string; badLines: number[] } {
  try {
    return { text: utf8.decode(bytes), badLines: [] };
  } catch {
    const badLines: number[] = [];
    const parts: string[] = [];
    let start = 0;
    for (let line = 1; start <= bytes.length; line++) {
      let end = bytes.indexOf(0x0a, start);
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
 * Split `text` into a lines frame (`file`, `line_number` from 1, `message`, `defect`)
 * with Polars: one string in, one row per line out. A trailing `\r` is removed from each
 * line; the empty piece after a final newline is not a line.
 *
 * @example
 * linesFrame("a.log", "x\r\ny\n").collectSync().getColumn("message").toArray(); // ["x", "y"]
 */
export function linesFrame(file: string, text: string, badLines: readonly number[] = []): pl.LazyDataFrame {
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  if (body.length === 0 && !text.endsWith("\n")) return emptyLines();
  const lines = pl
    .DataFrame({ message: [body] })
    .lazy()
    .select(pl.col("message").str.split("\n"))
    .explode("message")
    .withRowIndex("line_number", 1)
    .select(pl.lit(file).alias("file"), pl.col("line_number").cast(pl.Int64), pl.col("message").str.replace("\r$", ""));
  if (badLines.length === 0) return lines.withColumns(nullOf(pl.Utf8).alias("defect"));
  const defects = pl
    .DataFrame({ line_number: pl.Series("line_number", [...badLines], pl.Int64) })
    .lazy()
    .withColumns(pl.lit("bytes are not valid UTF-8").alias("defect"));
  return lines.join(defects, { on: "line_number", how: "left" }).sort("line_number");
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
 * Read one log file (plain, or gzip when its name ends in `.gz`) into a lines frame,
 * labelled with `label` (the file's name by default).
 *
 * @example
 * readLogLines("logs/cart_activity.log").collectSync().height; // number of lines
 */
export function readLogLines(path: string, label: string = path): pl.LazyDataFrame {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
    if (path.endsWith(".gz")) bytes = gunzipSync(bytes);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    const why = err.code === "EACCES" ? "permission denied" : err.code === "ENOENT" ? "no such file" : err.message;
    throw new Error(`cannot read log file ${path}: ${why}`);
  }
  const { text, badLines } = decodeLines(bytes);
  return linesFrame(label, text, badLines);
}
