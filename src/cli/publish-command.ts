import type { Command } from "commander";
import { publishStore } from "../sinks/publish-store.js";
import type { SubscribeReport } from "../sinks/snowflake/subscribe.js";
import { guarded } from "./errors.js";

/** The `--tables a,b` option as a list. */
const tableList = (value: string): string[] => value.split(",").map((t) => t.trim()).filter(Boolean);

/** One line per published table. */
function formatPublishReport(report: SubscribeReport): string {
  return report.tables.map((t) => `published ${t.source} → ${report.database}.${report.schema}.${t.table}: ${t.rows} rows (${report.mode})\n`).join("");
}

/**
 * Exit once the output is flushed: snowflake-sdk may keep retrying a request in the
 * background after a timeout, which would otherwise keep the process alive.
 */
function exitAfterFlush(): void {
  process.stdout.write("", () => process.exit());
}

/**
 * Publish tables of the store, progress on stderr, then exit once the output is flushed.
 *
 * @example
 * await publishFromCli(".sessionize", "aggregated_sessions,sessionized_logs", true);
 */
export async function publishFromCli(store: string, tables: string, printReport: boolean): Promise<void> {
  try {
    const report = await publishStore({ store, tables: tableList(tables), snowflake: { log: (line) => process.stderr.write(`${line}\n`) } });
    if (printReport) process.stdout.write(formatPublishReport(report));
  } finally {
    exitAfterFlush();
  }
}

/**
 * `sessionize publish --snowflake`: push the latest tables of the store to Snowflake.
 *
 * @example
 * registerPublishCommand(program); // adds `sessionize publish --snowflake [--tables a,b]`
 */
export function registerPublishCommand(program: Command): void {
  program
    .command("publish")
    .description("publish the latest versions of tables from the store (settings from SNOWFLAKE_* variables)")
    .requiredOption("--snowflake", "publish to Snowflake (the only destination so far)")
    .option("--store <dir>", "store directory", ".sessionize")
    .option("--tables <a,b>", "tables to publish", "aggregated_sessions,sessionized_logs")
    .action(
      guarded((opts: { store: string; tables: string }) => publishFromCli(opts.store, opts.tables, true)),
    );
}
