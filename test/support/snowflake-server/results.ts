/**
 * DuckDB results in the JSON result format snowflake-sdk parses:
 * `rowtype` (one column description each) and `rowset` (rows of strings).
 *
 * @example
 * const { rowtype, rowset } = toSnowflakeResult(reader);
 * // rowtype[0] = { name: "N", type: "fixed", precision: 38, scale: 0, … }, rowset = [["3"]]
 */
import type { DuckDBResultReader } from "@duckdb/node-api";

/** One column description in Snowflake's result metadata. */
export interface RowType {
  name: string;
  database: string;
  schema: string;
  table: string;
  type: string;
  nullable: boolean;
  precision: number | null;
  scale: number | null;
  length: number | null;
  byteLength: number | null;
  collation: null;
}

function rowTypeFor(name: string, duckType: string): RowType {
  const base: RowType = {
    name,
    database: "",
    schema: "",
    table: "",
    type: "text",
    nullable: true,
    precision: null,
    scale: null,
    length: null,
    byteLength: null,
    collation: null,
  };
  const t = duckType.toUpperCase();
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(t);
  if (decimal) return { ...base, type: "fixed", precision: Number(decimal[1]), scale: Number(decimal[2]) };
  if (/^(?:U?TINYINT|U?SMALLINT|U?INTEGER|U?BIGINT|U?HUGEINT)$/.test(t)) return { ...base, type: "fixed", precision: 38, scale: 0 };
  if (t === "DOUBLE" || t === "FLOAT") return { ...base, type: "real" };
  if (t === "BOOLEAN") return { ...base, type: "boolean" };
  if (t === "DATE") return { ...base, type: "date" };
  if (t === "TIMESTAMP_MS") return { ...base, type: "timestamp_ntz", scale: 3, precision: 0 };
  if (t === "TIMESTAMP" || t === "TIMESTAMP_US") return { ...base, type: "timestamp_ntz", scale: 6, precision: 0 };
  if (t === "TIMESTAMP_NS") return { ...base, type: "timestamp_ntz", scale: 9, precision: 0 };
  return { ...base, length: 16777216, byteLength: 16777216 };
}

/** Epoch ticks (10^-scale seconds) as a plain decimal string of seconds. */
function ticksToSeconds(ticks: bigint, scale: number): string {
  const unit = 10n ** BigInt(scale);
  const negative = ticks < 0n;
  const abs = negative ? -ticks : ticks;
  const whole = abs / unit;
  const frac = (abs % unit).toString().padStart(scale, "0");
  return `${negative ? "-" : ""}${whole}.${frac}`;
}

function encodeValue(value: unknown, rowType: RowType): string | null {
  if (value === null || value === undefined) return null;
  switch (rowType.type) {
    case "boolean":
      return value ? "1" : "0";
    case "real":
      return String(value);
    case "date":
      return String((value as { days: number }).days);
    case "timestamp_ntz": {
      const v = value as { millis?: bigint; micros?: bigint; nanos?: bigint };
      const ticks = v.nanos ?? v.micros ?? v.millis ?? 0n;
      return ticksToSeconds(ticks, rowType.scale ?? 6);
    }
    default:
      return String(value);
  }
}

/** Converts a DuckDB result to Snowflake's `rowtype` + `rowset`. */
export function toSnowflakeResult(reader: DuckDBResultReader): { rowtype: RowType[]; rowset: (string | null)[][] } {
  const names = reader.columnNames();
  const rowtype = reader.columnTypes().map((t, i) => rowTypeFor(names[i], t.toString()));
  const rowset = reader.getRows().map((row) => row.map((v, i) => encodeValue(v, rowtype[i])));
  return { rowtype, rowset };
}

/** A one-cell result, as Snowflake returns for DDL ("status") or DML (row counts). */
export function singleValueResult(name: string, type: "text" | "fixed", value: string): { rowtype: RowType[]; rowset: string[][] } {
  const rowtype = [rowTypeFor(name, type === "fixed" ? "BIGINT" : "VARCHAR")];
  return { rowtype, rowset: [[value]] };
}
