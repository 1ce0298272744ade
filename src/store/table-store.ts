import type pl from "nodejs-polars";

/** A table in a store, with its row count. */
export interface TableInfo {
  name: string;
  rows: number;
}

/**
 * Where the pipeline keeps its tables between runs. The embedded default is a directory of
 * Parquet files (`openStore`); anything with this shape can stand in for it.
 *
 * @example
 * const store = openStore(".sessionize");
 * store.tables(); // [{ name: "aggregated_sessions", rows: 412 }, …]
 * store.scan("sessionized_logs").filter(pl.col("user_id").eq(pl.lit("42"))).collectSync();
 */
export interface TableStore {
  /** Where the store lives, for messages. */
  readonly location: string;
  /** The tables it holds, sorted by name. */
  tables(): TableInfo[];
  /** Whether it holds table `name`. */
  has(name: string): boolean;
  /** A lazy scan of table `name`; throws a clear error naming the table when there is none. */
  scan(name: string): pl.LazyDataFrame;
  /** Write all `tables` of one run; a table not named keeps its previous content. */
  commit(tables: Record<string, pl.DataFrame>): void;
}
