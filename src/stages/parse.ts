import pl from "nodejs-polars";
import { polarsType, type ColumnSpec, nullOf } from "../columns.js";
import { compileGrok } from "../grok/index.js";
import { validateStream, type StreamDefinition, type StreamColumn } from "../streams.js";
import { parseIsoTimestamp } from "../timestamps.js";
import { LINE_COLUMNS } from "../io/read-lines.js";
import { cachedExpr } from "../expr-cache.js";

/**
 * The columns of `rejected_lines`: where the line was, the line, and why it was rejected.
 *
 * @example
 * const rejected = openStore(".sessionize").scan("rejected_lines");
 * rejected.select(...REJECTED_COLUMNS.map((c) => c.name)).collectSync();
 */
export const REJECTED_COLUMNS: readonly ColumnSpec[] = [
  { name: "stream", type: "string" },
  { name: "file", type: "string" },
  { name: "line_number", type: "int64" },
  { name: "message", type: "string" },
  { name: "reason", type: "string" },
];

/**
 * The columns of a stream's parsed table (`new_<stream>_logs`): `message`, then the
 * stream's typed columns in the order it declares them.
 *
 * @example
 * parsedColumns(cartStream).map((c) => c.name); // ["message", "timestamp", "event_id", …, "price"]
 */
export function parsedColumns(stream: StreamDefinition): ColumnSpec[] {
  return [{ name: "message", type: "string" }, ...stream.columns.map(({ name, type }) => ({ name, type }))];
}

/**
 * What `parseLogs` gives back: the stream's typed events and the lines it rejected.
 *
 * @example
 * const { events, rejected }: ParsedLogs = parseLogs(cartStream, lines);
 * events.collectSync().height + rejected.collectSync().height; // the non-blank lines
 */
export interface ParsedLogs {
  /** `new_<stream>_logs`: one row per parsed line, columns as `parsedColumns(stream)`. */
  events: pl.LazyDataFrame;
  /** `rejected_lines` rows of this stream: `stream, file, line_number, message, reason`. */
  rejected: pl.LazyDataFrame;
}

/**
 * Lines with nothing but white space in them are skipped (and counted by the caller).
 *
 * @example
 * lines.filter(isBlankLine(pl.col("message")).not()); // the lines that get parsed
 */
export const isBlankLine = (message: pl.Expr): pl.Expr => message.str.contains("^\\s*$");

const MATCHED = "__matched";

/** The first of `exprs` that is not null, row by row (Polars' coalesce). */
function firstNonNull(exprs: pl.Expr[]): pl.Expr {
  return exprs.reduceRight((rest, e) => pl.when(e.isNotNull()).then(e).otherwise(rest), nullOf(pl.Utf8) as pl.Expr);
}
/** The temporary column holding a capture as text, before it is typed. */
const captureName = (from: string) => `__capture_${from}`;
const captureColumn = (column: StreamColumn) => captureName(column.from ?? column.name);

/** The column's typed value from its capture, under the column's name (shared by streams that have the column). */
function typedValue(column: StreamColumn): pl.Expr {
  return cachedExpr(`parse:typed:${column.name}:${captureColumn(column)}:${column.type}`, () => {
    const capture = pl.col(captureColumn(column));
    return (column.type === "timestamp" ? parseIsoTimestamp(capture) : capture.cast(polarsType(column.type))).alias(column.name);
  });
}

const TYPE_WORDS: Record<string, string> = {
  timestamp: "a valid instant",
  int32: "a valid Int32",
  int64: "a valid Int64",
  float64: "a valid Float64",
  boolean: "a valid Boolean",
};

/** Why a matched line cannot become an event, or null: a required value missing, a value that does not fit its type. */
function valueProblems(stream: StreamDefinition): pl.Expr[] {
  const problems: pl.Expr[] = [];
  for (const column of stream.columns) {
    const key = `${column.name}:${captureColumn(column)}`;
    const capture = () => pl.col(captureColumn(column));
    if (["timestamp", "event_id", "user_id", "event_type"].includes(column.name)) {
      problems.push(cachedExpr(`parse:missing:${key}`, () => pl.when(capture().isNull()).then(pl.lit(`${column.name} is missing`)).otherwise(nullOf(pl.Utf8))));
    }
    if (column.type !== "string") {
      // the message is built only for the rows that need it (`+` keeps a null a null)
      problems.push(
        cachedExpr(`parse:bad:${key}:${column.type}`, () => {
          const bad = pl.when(capture().isNotNull().and(pl.col(column.name).isNull())).then(capture()).otherwise(nullOf(pl.Utf8));
          return pl.lit(`${column.name} '`).add(bad).add(pl.lit(`' is not ${TYPE_WORDS[column.type]}`));
        }),
      );
    }
  }
  return problems;
}

/**
 * Parse one stream's lines with its Grok pattern into typed rows, keeping every non-blank
 * line: the result has the stream's columns, `message`, `file`, `line_number`, and
 * `reason`, null for a line that became an event and the cause for one that did not.
 * Blank lines are left out. Vectorized: the pattern runs over the whole column at once.
 * `lines` needs `file`, `line_number` and `message`; `defect` (why the reader already
 * refuses a line, such as invalid UTF-8) may be left out. A missing column is an error
 * naming it.
 *
 * @example
 * const classified = classifyLines(cartStream, readLogLines("logs/cart_activity.log"));
 * classified.filter(pl.col("reason").isNotNull()); // the rejects
 */
export function classifyLines(stream: StreamDefinition, lines: pl.LazyDataFrame): pl.LazyDataFrame {
  validateStream(stream);
  const grok = compileGrok(stream.pattern, { definitions: stream.definitions });
  const captured = new Set(grok.fields.map((f) => f.name));
  for (const column of stream.columns) {
    const from = column.from ?? column.name;
    if (!captured.has(from)) {
      throw new Error(`stream "${stream.name}": column "${column.name}" takes capture "${from}", which the pattern does not have`);
    }
  }
  const have = new Set(lines.columns);
  const missing = LINE_COLUMNS.filter((c) => c !== "defect" && !have.has(c));
  if (missing.length > 0) {
    throw new Error(
      `parseLogs(${stream.name}): the lines frame lacks column${missing.length === 1 ? "" : "s"} ${missing.join(", ")} (it needs file, line_number, message and optionally defect, as readLogLines and linesFrame make them)`,
    );
  }
  const input = (have.has("defect") ? lines : lines.withColumns(nullOf(pl.Utf8).alias("defect")))
    .filter(cachedExpr("parse:non-blank", () => isBlankLine(pl.col("message")).not()))
    .select(cachedExpr("parse:input", () => pl.col(["file", "line_number", "defect", "message"])), cachedExpr("parse:line", () => pl.col("message").alias("__line")));
  const captures = [...new Set(stream.columns.map((c) => c.from ?? c.name))].map((from) =>
    cachedExpr(`parse:capture:${from}`, () => pl.col(from).cast(pl.Utf8).alias(captureName(from))),
  );
  const parsed = grok
    .apply(input, "__line", { matchedColumn: MATCHED })
    .select(cachedExpr("parse:kept", () => pl.col(["file", "line_number", "defect", "message", MATCHED])), ...captures)
    .withColumns(...stream.columns.map(typedValue));
  const reason = firstNonNull([
    pl.col("defect"),
    pl.when(pl.col(MATCHED).not()).then(pl.lit(`line does not match the ${stream.name} pattern`)).otherwise(nullOf(pl.Utf8)),
    ...valueProblems(stream),
  ]);
  return parsed.withColumns(reason.alias("reason")).select(pl.col(["file", "line_number", "reason", ...parsedColumns(stream).map((c) => c.name)]));
}

/**
 * Split classified lines (from `classifyLines`) into the stream's events and its rejects.
 *
 * @example
 * const { events, rejected } = splitClassified(cartStream, classifyLines(cartStream, lines));
 */
export function splitClassified(stream: StreamDefinition, classified: pl.LazyDataFrame): ParsedLogs {
  return {
    events: classified.filter(cachedExpr("parse:accepted", () => pl.col("reason").isNull())).select(pl.col(parsedColumns(stream).map((c) => c.name))),
    rejected: classified
      .filter(cachedExpr("parse:rejected", () => pl.col("reason").isNotNull()))
      .select(pl.lit(stream.name).alias("stream"), cachedExpr("parse:rejected-columns", () => pl.col(["file", "line_number", "message", "reason"]))),
  };
}

/**
 * The publisher step for one stream: lines in (`file`, `line_number`, `message`, `defect`,
 * as `readLogLines` makes them), typed events and rejected lines out. No line is lost:
 * non-blank lines = events + rejected.
 *
 * @example
 * const { events, rejected } = parseLogs(cartStream, readLogLines("logs/cart_activity.log"));
 * events.collectSync(); // new_cart_logs
 */
export function parseLogs(stream: StreamDefinition, lines: pl.LazyDataFrame): ParsedLogs {
  return splitClassified(stream, classifyLines(stream, lines));
}
