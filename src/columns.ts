import pl, { type DataType } from "nodejs-polars";
import { cachedExpr } from "./expr-cache.js";

/**
 * The column types a stream may declare, by name. Kept as plain strings so that a
 * stream definition is data (JSON-friendly) and the Polars dtype is derived from it.
 *
 * @example
 * const t: ColumnType = "int32";
 * polarsType(t); // pl.Int32
 */
export type ColumnType = "string" | "int32" | "int64" | "float64" | "boolean" | "timestamp";

/**
 * The Polars dtype of timestamps everywhere in sessionize: UTC, microseconds.
 *
 * @example
 * pl.Series("t", [], TIMESTAMP_DTYPE); // Datetime("us", "UTC")
 */
export const TIMESTAMP_DTYPE = pl.Datetime("us", "UTC");

/**
 * The Polars dtype for a declared column type.
 *
 * @example
 * polarsType("float64"); // pl.Float64
 */
export function polarsType(type: ColumnType): DataType {
  switch (type) {
    case "string":
      return pl.Utf8;
    case "int32":
      return pl.Int32;
    case "int64":
      return pl.Int64;
    case "float64":
      return pl.Float64;
    case "boolean":
      return pl.Bool;
    case "timestamp":
      return TIMESTAMP_DTYPE;
  }
}

/**
 * A null literal of dtype `dtype` (a typed null column when selected).
 *
 * @example
 * frame.withColumns(nullOf(pl.Utf8).alias("defect"));
 */
export function nullOf(dtype: DataType): pl.Expr {
  return cachedExpr(`null:${String(dtype)}`, () => pl.lit(null).cast(dtype));
}

/**
 * A column name with its declared type, in table order.
 *
 * @example
 * const spec: ColumnSpec = { name: "price", type: "float64" };
 * emptyFrame([spec]).collectSync().schema; // { price: Float64 }
 */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
}

/**
 * A zero-row lazy frame with exactly these columns and types.
 *
 * @example
 * emptyFrame([{ name: "user_id", type: "string" }]).collectSync().height; // 0
 */
export function emptyFrame(columns: readonly ColumnSpec[]): pl.LazyDataFrame {
  const series = columns.map((c) => pl.Series(c.name, [], polarsType(c.type)));
  return pl.DataFrame(series).lazy();
}

/**
 * Select `columns` from `frame` in order, adding a typed null column for any that is missing.
 *
 * @example
 * conform(cartEvents, unifiedColumns); // web-only columns come out as typed nulls
 */
export function conform(frame: pl.LazyDataFrame, columns: readonly ColumnSpec[]): pl.LazyDataFrame {
  const present = new Set(frame.columns);
  return frame.select(
    ...columns.map((c) =>
      present.has(c.name)
        ? cachedExpr(`conform:${c.type}:${c.name}`, () => pl.col(c.name).cast(polarsType(c.type)))
        : cachedExpr(`conform:null:${c.type}:${c.name}`, () => nullOf(polarsType(c.type)).alias(c.name)),
    ),
  );
}
