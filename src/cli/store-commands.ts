import { extname } from "node:path";
import type { Command } from "commander";
import pl from "nodejs-polars";
import { openStore } from "../store/index.js";
import { guarded, positiveInt } from "./errors.js";

const STORE_OPTION = ["--store <dir>", "store directory", ".sessionize"] as const;

/** `sessionize tables`, `sample` and `export`: read what a run left in the store. */
export function registerStoreCommands(program: Command): void {
  program
    .command("tables")
    .description("list the tables in the store with their row counts")
    .option(...STORE_OPTION)
    .action(
      guarded((opts: { store: string }) => {
        const tables = openStore(opts.store).tables();
        const width = Math.max(5, ...tables.map((t) => t.name.length));
        process.stdout.write(["table".padEnd(width) + "  rows", ...tables.map((t) => `${t.name.padEnd(width)}  ${t.rows}`)].join("\n") + "\n");
      }),
    );

  program
    .command("sample")
    .description("print the first rows of a table")
    .argument("<table>", "table name")
    .option(...STORE_OPTION)
    .option("--rows <n>", "how many rows", "10")
    .action(
      guarded((table: string, opts: { store: string; rows: string }) => {
        const rows = positiveInt("--rows", opts.rows);
        const frame = openStore(opts.store).scan(table).head(rows).collectSync();
        pl.Config.setTblRows(rows);
        pl.Config.setTblCols(-1);
        pl.Config.setTblWidthChars(Math.max(process.stdout.columns ?? 0, 200));
        process.stdout.write(frame.toString() + "\n");
      }),
    );

  program
    .command("export")
    .description("write a table to a file: .parquet, .csv or .ndjson, by extension")
    .argument("<table>", "table name")
    .requiredOption("--out <file>", "output file (.parquet, .csv or .ndjson)")
    .option(...STORE_OPTION)
    .action(
      guarded((table: string, opts: { store: string; out: string }) => {
        const extension = extname(opts.out).toLowerCase();
        if (![".parquet", ".csv", ".ndjson"].includes(extension)) {
          throw new Error(`--out ${opts.out}: the extension must be .parquet, .csv or .ndjson`);
        }
        const frame = openStore(opts.store).scan(table).collectSync();
        if (extension === ".parquet") frame.writeParquet(opts.out);
        else if (extension === ".csv") frame.writeCSV(opts.out);
        else frame.writeJSON(opts.out, { format: "lines" });
        process.stderr.write(`wrote ${frame.height} rows of ${table} to ${opts.out}\n`);
      }),
    );
}
