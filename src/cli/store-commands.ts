import { renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import type { Command } from "commander";
import pl from "nodejs-polars";
import { openStore } from "../store/index.js";
import { guarded, positiveInt } from "./errors.js";

const STORE_OPTION = ["--store <dir>", "store directory", ".sessionize"] as const;
const VERSION_OPTION = ["--version <n>", "a version listed by `sessionize versions TABLE` (default: the latest)"] as const;

/** Columns of text, left-aligned except the numeric ones, under a header. */
function textTable(header: string[], rows: string[][], numeric: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

/**
 * `sessionize tables`, `versions`, `sample` and `export`: read what runs left in the store.
 *
 * @example
 * registerStoreCommands(program); // adds tables, versions, sample and export
 */
export function registerStoreCommands(program: Command): void {
  program
    .command("tables")
    .description("list the tables in the store with their row counts and latest versions")
    .option(...STORE_OPTION)
    .action(
      guarded((opts: { store: string }) => {
        const tables = openStore(opts.store).tables();
        const rows = tables.map((t) => [t.name, String(t.rows), String(t.version)]);
        process.stdout.write(textTable(["table", "rows", "version"], rows, [false, true, true]));
      }),
    );

  program
    .command("versions")
    .description("list the kept versions of a table: number, time, rows, and the run that made it")
    .argument("<table>", "table name")
    .option(...STORE_OPTION)
    .action(
      guarded((table: string, opts: { store: string }) => {
        const versions = openStore(opts.store).versions(table);
        const rows = versions.map((v) => [String(v.version), v.time, String(v.rows), v.run]);
        process.stdout.write(textTable(["version", "time", "rows", "run"], rows, [true, false, true, false]));
      }),
    );

  program
    .command("sample")
    .description("print the first rows of a table")
    .argument("<table>", "table name")
    .option(...STORE_OPTION)
    .option("--rows <n>", "how many rows", "10")
    .option(...VERSION_OPTION)
    .action(
      guarded((table: string, opts: { store: string; rows: string; version?: string }) => {
        const rows = positiveInt("--rows", opts.rows);
        const version = opts.version === undefined ? undefined : positiveInt("--version", opts.version);
        const frame = openStore(opts.store).scan(table, { version }).head(rows).collectSync();
        pl.Config.setTblRows(rows);
        pl.Config.setTblCols(-1);
        pl.Config.setTblWidthChars(65_535);
        process.stdout.write(frame.toString() + "\n");
      }),
    );

  program
    .command("export")
    .description("write a table to a file: .parquet, .csv or .ndjson, by extension")
    .argument("<table>", "table name")
    .requiredOption("--out <file>", "output file (.parquet, .csv or .ndjson)")
    .option(...STORE_OPTION)
    .option(...VERSION_OPTION)
    .action(
      guarded((table: string, opts: { store: string; out: string; version?: string }) => {
        const extension = extname(opts.out).toLowerCase();
        if (![".parquet", ".csv", ".ndjson"].includes(extension)) {
          throw new Error(`--out ${opts.out}: the extension must be .parquet, .csv or .ndjson`);
        }
        const out = resolve(opts.out);
        const directory = dirname(out);
        if (!statSync(directory, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`--out ${opts.out}: directory ${directory} does not exist`);
        const version = opts.version === undefined ? undefined : positiveInt("--version", opts.version);
        const frame = openStore(opts.store).scan(table, { version }).collectSync();
        // written beside the target, then renamed over it: a failed export never leaves half a file
        const partial = join(directory, `.${basename(out)}.tmp-${process.pid}`);
        try {
          if (extension === ".parquet") frame.writeParquet(partial);
          else if (extension === ".csv") frame.writeCSV(partial);
          else frame.writeJSON(partial, { format: "lines" });
          renameSync(partial, out);
        } catch (error) {
          rmSync(partial, { force: true });
          throw new Error(`--out ${opts.out}: could not write it (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
        }
        const which = version === undefined ? "" : ` (version ${version})`;
        process.stderr.write(`wrote ${frame.height} rows of ${table}${which} to ${opts.out}\n`);
      }),
    );
}
