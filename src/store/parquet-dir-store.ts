import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pl from "nodejs-polars";
import type { TableInfo, TableStore } from "./table-store.js";

const MARKER = "sessionize-store.json";
const TABLE_NAME = /^[a-z][a-z0-9_]*$/;

/** Options of `openStore`. */
export interface OpenStoreOptions {
  /** Create the directory when it does not exist (what `run` does). Default false. */
  create?: boolean;
}

/**
 * Open the embedded store: a directory holding each table as `<name>.parquet`, and a
 * marker file `sessionize-store.json` that says the directory is ours. A missing
 * directory is an error unless `create` is set; a directory with files that are not a
 * store's is refused rather than written into.
 *
 * @example
 * const store = openStore(".sessionize", { create: true });
 * store.commit({ my_table: pl.DataFrame({ a: [1, 2] }) });
 * store.scan("my_table").collectSync().height; // 2
 */
export function openStore(dir: string, options: OpenStoreOptions = {}): TableStore {
  const marker = join(dir, MARKER);
  if (!existsSync(dir)) {
    if (!options.create) throw new Error(`store ${dir} does not exist (run \`sessionize run\` first, or pass --store)`);
    mkdirSync(dir, { recursive: true });
  }
  if (!statSync(dir).isDirectory()) throw new Error(`store ${dir} is not a directory`);
  if (!existsSync(marker)) {
    const others = readdirSync(dir);
    if (others.length > 0) {
      throw new Error(`${dir} is not a sessionize store (no ${MARKER}) and is not empty; refusing to use it`);
    }
    if (!options.create) throw new Error(`store ${dir} is empty (run \`sessionize run\` first)`);
    writeFileSync(marker, JSON.stringify({ format: "sessionize-parquet-dir", version: 1 }, null, 2) + "\n");
  } else {
    try {
      JSON.parse(readFileSync(marker, "utf8"));
    } catch {
      throw new Error(`store marker ${marker} is damaged (not JSON)`);
    }
  }
  return new ParquetDirStore(dir);
}

class ParquetDirStore implements TableStore {
  constructor(readonly location: string) {}

  private path(name: string): string {
    return join(this.location, `${name}.parquet`);
  }

  tables(): TableInfo[] {
    return readdirSync(this.location)
      .filter((f) => f.endsWith(".parquet"))
      .map((f) => f.slice(0, -".parquet".length))
      .sort()
      .map((name) => ({ name, rows: this.rowCount(name) }));
  }

  private rowCount(name: string): number {
    const counted = this.scan(name).select(pl.len().alias("rows")).collectSync();
    return Number(counted.getColumn("rows").get(0));
  }

  has(name: string): boolean {
    return existsSync(this.path(name));
  }

  scan(name: string): pl.LazyDataFrame {
    if (!this.has(name)) {
      const known = this.tables().map((t) => t.name);
      throw new Error(`unknown table "${name}" in store ${this.location}` + (known.length ? ` (tables: ${known.join(", ")})` : " (it has no tables)"));
    }
    return pl.scanParquet(this.path(name));
  }

  commit(tables: Record<string, pl.DataFrame>): void {
    const staged: [string, string][] = [];
    try {
      for (const [name, frame] of Object.entries(tables)) {
        if (!TABLE_NAME.test(name)) throw new Error(`invalid table name "${name}"`);
        const temporary = `${this.path(name)}.tmp-${process.pid}`;
        frame.writeParquet(temporary);
        staged.push([temporary, this.path(name)]);
      }
    } catch (error) {
      for (const [temporary] of staged) rmSync(temporary, { force: true });
      throw error;
    }
    for (const [temporary, final] of staged) renameSync(temporary, final);
  }
}
