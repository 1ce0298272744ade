import type pl from "nodejs-polars";
import type { LockOptions, WriteLock } from "./lock.js";
import type { DataPart } from "./manifest.js";

/**
 * A table in a store: its name, latest version and row count.
 *
 * @example
 * openStore(".sessionize").tables().map((t: TableInfo) => `${t.name}: ${t.rows} rows (v${t.version})`);
 */
export interface TableInfo {
  name: string;
  rows: number;
  /** The store version (commit) that wrote the table's current content. */
  version: number;
}

/**
 * One kept version of a table.
 *
 * @example
 * openStore(".sessionize").versions("aggregated_sessions").map((v: TableVersion) => [v.version, v.time, v.rows]);
 */
export interface TableVersion {
  version: number;
  /** When it was committed (ISO 8601, UTC). */
  time: string;
  rows: number;
  /** The run that committed it. */
  run: string;
}

/**
 * Options of `scan`.
 *
 * @example
 * openStore(".sessionize").scan("sessionized_logs", { version: 3 } satisfies ScanOptions);
 */
export interface ScanOptions {
  /** A version listed by `versions(name)`. Default: the current one. */
  version?: number;
}

/**
 * What a commit records besides the tables.
 *
 * @example
 * store.commit({ my_table: frame }, { run: "nightly", keep: 10 } satisfies CommitMeta);
 */
export interface CommitMeta {
  /** Names the run in `versions()`. Default: `<host>:<pid>` and the time. */
  run?: string;
  /**
   * Opaque JSON committed atomically with the tables (the pipeline's registry of ingested
   * files and offsets); `readState()` returns it. Omitted: the previous commit's state is kept.
   */
  state?: unknown;
  /** How many versions to keep, this commit included. Default: the store's `keep` (20). */
  keep?: number;
}

/**
 * The outcome of a commit.
 *
 * @example
 * const { version }: CommitResult = store.commit({ my_table: frame });
 */
export interface CommitResult {
  /** The new store version; every table written has it as its version. */
  version: number;
}

/**
 * A table committed as some columns of a frame (or of a staged table): the frame is written
 * once, and every table given as columns of it (and the frame itself, when it is committed
 * under a name of its own) refers to its files; a scan reads only the table's columns.
 * The pipeline stores `all_joined_logs` this way, as `sessionized_logs` without its two
 * session columns, so that the event rows (raw message included) are written once per run.
 *
 * @example
 * store.commit({ sessionized_logs: sessionized, all_joined_logs: { columnsOf: sessionized, columns: historyColumns } });
 * store.scan("all_joined_logs").columns; // historyColumns
 */
export interface ColumnsOf {
  columnsOf: pl.DataFrame | StagedTable;
  /** The table's columns, in order: a subset of the frame's. */
  columns: string[];
}

/**
 * A table version already written by `stage`, in one or more parts, waiting for the
 * `commit` that publishes it. Until then no reader sees it; if no commit comes (the process
 * dies), the next commit removes its files as leftovers.
 *
 * @example
 * const staged: StagedTable = store.stage("new_cart_logs", events); // written now, the frame can go
 * store.commit({ new_cart_logs: staged, aggregated_sessions: aggregated });
 */
export interface StagedTable {
  readonly staged: {
    readonly name: string;
    readonly version: number;
    /** Its Parquet files, in row order. */
    readonly parts: readonly DataPart[];
    readonly rows: number;
    /** The columns of every part, in order, and their types (as Polars names them). */
    readonly columns: readonly string[];
    readonly types: readonly string[];
  };
}

/**
 * What `commit` takes for one table: a frame, some columns of a frame (see {@link ColumnsOf}),
 * or a table written beforehand by `stage`.
 *
 * @example
 * const content: TableContent = pl.DataFrame({ a: [1, 2] });
 */
export type TableContent = pl.DataFrame | ColumnsOf | StagedTable;

/**
 * Where the pipeline keeps its tables between runs. The embedded default (`openStore`) is a
 * versioned directory of Parquet files; anything with this shape can stand in for it.
 *
 * A handle reads one version of the store, fixed when it is opened (a consistent snapshot:
 * all its tables from the same commit), moved on by `commit`, `acquireWriteLock` and `refresh`.
 *
 * @example
 * const store = openStore(".sessionize");
 * store.tables(); // [{ name: "aggregated_sessions", rows: 412, version: 7 }, …]
 * store.scan("sessionized_logs").filter(pl.col("user_id").eq(pl.lit("42"))).collectSync();
 * store.scan("aggregated_sessions", { version: 5 }).collectSync();
 */
export interface TableStore {
  /** Where the store lives, for messages. */
  readonly location: string;
  /** The store version this handle reads (0: nothing committed yet). */
  readonly version: number;
  /** The tables it holds at this version, sorted by name. */
  tables(): TableInfo[];
  /** Whether it holds table `name` at this version. */
  has(name: string): boolean;
  /** A lazy scan of table `name`; throws a clear error listing what exists for an unknown table or version. */
  scan(name: string, options?: ScanOptions): pl.LazyDataFrame;
  /** The kept versions of table `name`, oldest first. */
  versions(name: string): TableVersion[];
  /** The state committed with this version, or `undefined`. */
  readState(): unknown | undefined;
  /**
   * Commit `tables` as one new version, atomically, with `meta.state`; a table not named keeps
   * its previous content. The same frame given for several tables (itself or some of its columns) is written once. Takes the write lock for the call unless the handle already holds it.
   */
  commit(tables: Record<string, TableContent>, meta?: CommitMeta): CommitResult;
  /**
   * Write table `name`'s next version now, so that the frame need not be kept until the
   * commit; `commit` must then be given the result, under the same name, in the next commit.
   * Given `before` (a table this handle staged under that name and has not committed), the
   * frame is written as a further part after its rows, with the same columns and types, and
   * the result stands for both: a table larger than memory is staged a part at a time.
   * Needs the write lock held by this handle.
   */
  stage(name: string, frame: pl.DataFrame, before?: StagedTable): StagedTable;
  /** Take the write lock (see `acquireLock`) and move the handle to the latest version. */
  acquireWriteLock(options?: LockOptions): Promise<WriteLock>;
  /** Run `fn` holding the write lock, releasing it afterwards whatever happens (if this handle holds it already, just run `fn`). */
  withWriteLock<T>(fn: () => T | Promise<T>, options?: LockOptions): Promise<T>;
  /** Move the handle to the latest committed version. */
  refresh(): void;
}
