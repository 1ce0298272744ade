/**
 * A table to publish, read one batch at a time so that memory stays bounded:
 * a DataFrame is sliced (no copy); a LazyDataFrame is never collected whole:
 * its rows are counted first (`select(pl.len())`), then every batch is its own
 * `lazy.slice(offset, n).collectSync()`, so that only one batch is ever
 * materialised. Each batch re-runs the lazy query with a slice, which Polars
 * pushes down into a scan: a scan of Parquet files (as the store's `scan`
 * gives) reads only the rows of that batch.
 */
import pl, { type DataType } from "nodejs-polars";
import { SnowflakeSinkError } from "./errors.js";

/**
 * What the subscriber reads of a table.
 *
 * @example
 * const source: TableSource = tableSource(frame, "aggregated_sessions");
 * source.slice(0, 1000); // the first batch
 */
export interface TableSource {
  /** Whether the input was a LazyDataFrame. */
  readonly lazy: boolean;
  /** Column names and Polars types, in order. */
  readonly columns: readonly { name: string; dtype: DataType }[];
  /** Number of rows. */
  readonly height: number;
  /** Rows `offset` to `offset + length - 1`, materialised. */
  slice(offset: number, length: number): pl.DataFrame;
  /** Evaluates aggregating expressions over all rows (one result row). */
  aggregate(...exprs: pl.Expr[]): pl.DataFrame;
  /** Number of distinct value combinations of `columns`. */
  distinctCount(columns: readonly string[]): number;
}

/**
 * True for a LazyDataFrame, false for a DataFrame.
 *
 * @example
 * isLazyFrame(pl.DataFrame({ a: [1] }).lazy()); // true
 */
export function isLazyFrame(frame: pl.DataFrame | pl.LazyDataFrame): frame is pl.LazyDataFrame {
  return typeof (frame as { height?: unknown }).height !== "number" && typeof (frame as pl.LazyDataFrame).collectSync === "function";
}

function lazySource(lazy: pl.LazyDataFrame, table: string): TableSource {
  // an empty slice gives the schema without reading rows
  const empty = lazy.slice(0, 0).collectSync();
  const height = Number(lazy.select(pl.len().alias("n")).collectSync().getColumn("n").get(0));
  return {
    lazy: true,
    columns: empty.columns.map((name) => ({ name, dtype: empty.getColumn(name).dtype })),
    height,
    slice(offset, length) {
      const batch = lazy.slice(offset, length).collectSync();
      const expected = Math.max(0, Math.min(length, height - offset));
      if (batch.height !== expected) {
        throw new SnowflakeSinkError(
          "data",
          `Table "${table}" gave ${batch.height} rows at offset ${offset} where ${expected} were expected: a LazyDataFrame must give the same rows, in the same order, each time it runs (collect it first otherwise).`,
          { table },
        );
      }
      return batch;
    },
    aggregate: (...exprs) => lazy.select(...exprs).collectSync(),
    distinctCount: (columns) =>
      Number(
        lazy
          .select(...columns.map((c) => pl.col(c)))
          .unique()
          .select(pl.len().alias("n"))
          .collectSync()
          .getColumn("n")
          .get(0),
      ),
  };
}

function eagerSource(frame: pl.DataFrame): TableSource {
  return {
    lazy: false,
    columns: frame.columns.map((name) => ({ name, dtype: frame.getColumn(name).dtype })),
    height: frame.height,
    slice: (offset, length) => frame.slice(offset, length),
    aggregate: (...exprs) => frame.select(...exprs),
    distinctCount: (columns) => frame.select(...columns.map((c) => pl.col(c))).unique().height,
  };
}

/**
 * Wraps a frame for batch-by-batch reading. For a LazyDataFrame this runs two
 * small queries (the schema and the row count); its rows are read later, one
 * `slice(offset, n)` at a time, and each batch is checked to hold the rows the
 * count promised.
 *
 * @example
 * const source = tableSource(store.scan("sessionized_logs"));
 * for (let offset = 0; offset < source.height; offset += 10_000) send(source.slice(offset, 10_000));
 */
export function tableSource(frame: pl.DataFrame | pl.LazyDataFrame, table: string): TableSource {
  return isLazyFrame(frame) ? lazySource(frame, table) : eagerSource(frame);
}
