/**
 * Polars column types → Snowflake column types, and Polars values → the text
 * bind values snowflake-sdk sends. Every value travels as text (or null) and
 * Snowflake converts it to the column's type, so nothing is lost on the way:
 * integers are exact, floats keep their shortest round-trip form, datetimes
 * keep their full precision.
 *
 * | Polars | Snowflake | bound as |
 * | --- | --- | --- |
 * | String, Categorical, Enum, Null | VARCHAR | the string |
 * | Int8 … Int64, UInt8 … UInt64 | NUMBER(38,0) | decimal digits |
 * | Float32, Float64 | FLOAT | shortest round-trip form, `NaN`, `inf`, `-inf` |
 * | Boolean | BOOLEAN | `TRUE` / `FALSE` |
 * | Datetime(unit[, tz]) | TIMESTAMP_NTZ(3 / 6 / 9) | `YYYY-MM-DD HH:MM:SS.fff…` in UTC |
 * | Date | DATE | `YYYY-MM-DD` |
 * | Duration(unit) | NUMBER(38, 3 / 6 / 9), seconds | exact decimal seconds |
 */
import pl, { type DataType } from "nodejs-polars";
import { SnowflakeSinkError } from "./errors.js";

/**
 * How one column is declared in Snowflake and encoded for binding.
 *
 * @example
 * const plan: ColumnPlan = planColumn("revenue", pl.Float64, "REVENUE"); // type FLOAT
 */
export interface ColumnPlan {
  /** Source (Polars) column name. */
  source: string;
  /** Snowflake column name (unquoted). */
  name: string;
  /** Snowflake type, e.g. `NUMBER(38,0)`. */
  type: string;
  /** Polars expression producing what JS reads for binding. */
  expr: pl.Expr;
  /** JS value (as read from the encoded column) → bind text. */
  encode: (value: unknown) => string | null;
}

type TimeUnit = "ms" | "us" | "ns";
const SCALE: Record<TimeUnit, number> = { ms: 3, us: 6, ns: 9 };

function timeUnitOf(dtype: DataType): TimeUnit {
  const unit = (dtype as unknown as { timeUnit?: string }).timeUnit;
  return unit === "ms" || unit === "ns" ? unit : "us";
}

const asText = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function floatText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  // JS prints the shortest string that reads back as the same double; -0 keeps its sign
  return Object.is(n, -0) ? "-0" : String(n);
}

/**
 * Integer ticks (as decimal text) → seconds with `scale` decimals, exactly.
 *
 * @example
 * ticksToDecimalSeconds("-1500000", 6); // "-1.500000"
 */
export function ticksToDecimalSeconds(ticks: string, scale: number): string {
  const negative = ticks.startsWith("-");
  const digits = (negative ? ticks.slice(1) : ticks).padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  return `${negative ? "-" : ""}${whole}.${frac}`;
}

const INTEGER_VARIANTS = new Set(["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"]);

/**
 * Plans one column: its Snowflake type and how its values are bound.
 *
 * @example
 * planColumn("session_start", pl.Datetime("us"), "SESSION_START").type // "TIMESTAMP_NTZ(6)"
 */
export function planColumn(source: string, dtype: DataType, name: string): ColumnPlan {
  const variant = (dtype as unknown as { variant: string }).variant;
  const col = pl.col(source);
  if (variant === "String" || variant === "Utf8" || variant === "Null") {
    return { source, name, type: "VARCHAR", expr: variant === "Null" ? col.cast(pl.Utf8) : col, encode: asText };
  }
  if (variant === "Categorical" || variant === "Enum") {
    return { source, name, type: "VARCHAR", expr: col.cast(pl.Utf8), encode: asText };
  }
  if (INTEGER_VARIANTS.has(variant)) {
    // Polars renders 64-bit integers exactly; JS numbers would round above 2^53
    return { source, name, type: "NUMBER(38,0)", expr: col.cast(pl.Utf8), encode: asText };
  }
  if (variant === "Float32" || variant === "Float64") {
    return { source, name, type: "FLOAT", expr: col, encode: floatText };
  }
  if (variant === "Bool") {
    return { source, name, type: "BOOLEAN", expr: col, encode: (v) => (v === null || v === undefined ? null : v ? "TRUE" : "FALSE") };
  }
  if (variant === "Datetime") {
    const unit = timeUnitOf(dtype);
    const scale = SCALE[unit];
    // through the physical Int64 (epoch ticks, always UTC) back to a zone-less datetime: UTC wall-clock time
    const expr = col.cast(pl.Int64).cast(pl.Datetime(unit)).dt.strftime(`%Y-%m-%d %H:%M:%S%.${scale}f`);
    return { source, name, type: `TIMESTAMP_NTZ(${scale})`, expr, encode: asText };
  }
  if (variant === "Date") {
    return { source, name, type: "DATE", expr: col.cast(pl.Utf8), encode: asText };
  }
  if (variant === "Duration") {
    const scale = SCALE[timeUnitOf(dtype)];
    return {
      source,
      name,
      type: `NUMBER(38,${scale})`,
      expr: col.cast(pl.Int64).cast(pl.Utf8),
      encode: (v) => (v === null || v === undefined ? null : ticksToDecimalSeconds(String(v), scale)),
    };
  }
  throw new SnowflakeSinkError("data", `Column "${source}" has type ${String(dtype)}, which has no Snowflake mapping (use strings, numbers, booleans, dates, datetimes or durations).`);
}

/**
 * Anything with a row count that gives its rows a slice at a time: a DataFrame, or a `TableSource` over a LazyDataFrame.
 *
 * @example
 * for (const rows of bindBatches(frame satisfies Sliceable, plans, 5000)) await insert(rows);
 */
export interface Sliceable {
  readonly height: number;
  slice(offset: number, length: number): pl.DataFrame;
}

/**
 * Yields the rows as arrays of bind texts, `batchRows` at a time. Only one batch
 * is ever held as JS values, and a slice is taken only when its batch is due:
 * with a `TableSource` over a LazyDataFrame, only that batch is materialised.
 *
 * @example
 * for (const rows of bindBatches(frame, plans, 5000)) await insert(rows);
 * for (const rows of bindBatches(tableSource(lazy, "t"), plans, 5000)) await insert(rows);
 */
export function* bindBatches(frame: Sliceable, plans: readonly ColumnPlan[], batchRows: number): Generator<(string | null)[][]> {
  for (let offset = 0; offset < frame.height; offset += batchRows) {
    const slice = frame.slice(offset, Math.min(batchRows, frame.height - offset));
    const encoded = slice.select(...plans.map((p, i) => p.expr.alias(`c${i}`)));
    const columns = plans.map((p, i) => encoded.getColumn(`c${i}`).toArray() as unknown[]);
    const rows: (string | null)[][] = new Array(slice.height);
    for (let r = 0; r < slice.height; r++) {
      const row: (string | null)[] = new Array(plans.length);
      for (let c = 0; c < plans.length; c++) row[c] = plans[c].encode(columns[c][r]);
      rows[r] = row;
    }
    yield rows;
  }
}
