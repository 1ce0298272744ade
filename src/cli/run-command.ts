import type { Command } from "commander";
import { existsSync } from "node:fs";
import { DEFAULT_BUCKET_EVENTS, runPipeline } from "../pipeline.js";
import { lockHolder } from "../store/index.js";
import { guarded, positiveInt } from "./errors.js";
import { formatSummary } from "./format-summary.js";
import { publishFromCli } from "./publish-command.js";

/** `--since`: an ISO 8601 instant, or a clear error. */
function parseSince(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new Error(`--since ${JSON.stringify(value)} is not a timestamp (use ISO 8601, e.g. 2025-01-05T00:00:00Z)`);
  return new Date(time);
}

interface RunOptions {
  logs: string;
  store: string;
  inactivity: string;
  json?: boolean;
  keep: string;
  bucketEvents: string;
  wait?: boolean;
  since?: string;
  snowflake?: boolean;
  tables: string;
}

/**
 * `sessionize run`: the whole DAG into the store, then the summary (and, with --snowflake, the publish).
 *
 * @example
 * registerRunCommand(program); // adds `sessionize run --logs DIR …`
 */
export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("run the pipeline: parse the logs, append them to the history, sessionize, aggregate, write every table to the store")
    .requiredOption("--logs <dir>", "directory holding the rotated log files")
    .option("--store <dir>", "store directory", ".sessionize")
    .option("--inactivity <duration>", "inactivity that opens a new session (30m, 45s, 1h30m, or milliseconds)", "30m")
    .option("--json", "print the summary as one JSON object")
    .option("--keep <n>", "how many versions of each table the store keeps", "20")
    .option("--wait", "if another run holds the store, wait for it instead of failing")
    .option("--bucket-events <n>", "a first run of more events works one range of users at a time, of about this many events (bounds its memory)", String(DEFAULT_BUCKET_EVENTS))
    .option("--since <timestamp>", "ignore log files last modified before this instant (ISO 8601)")
    .option("--snowflake", "then publish the tables to Snowflake (settings from SNOWFLAKE_* variables)")
    .option("--tables <a,b>", "with --snowflake: tables to publish", "aggregated_sessions,sessionized_logs")
    .action(
      guarded(async (opts: RunOptions) => {
        const progress = process.stderr.isTTY && !opts.json;
        const started = Date.now();
        const holder = opts.wait && existsSync(opts.store) ? lockHolder(opts.store) : undefined;
        if (holder) process.stderr.write(`sessionize: waiting for the store's write lock (pid ${holder.pid} on host ${holder.host} since ${holder.since})\n`);
        const summary = await runPipeline({
          logs: opts.logs,
          store: opts.store,
          inactivity: opts.inactivity,
          keep: positiveInt("--keep", opts.keep),
          bucketEvents: positiveInt("--bucket-events", opts.bucketEvents),
          wait: opts.wait,
          since: parseSince(opts.since),
          onStage: progress ? (stage) => process.stderr.write(`  ${stage} … (${Date.now() - started} ms)\n`) : undefined,
        });
        process.stdout.write(opts.json ? JSON.stringify(summary) + "\n" : formatSummary(summary));
        for (const warning of summary.warnings) process.stderr.write(`warning: ${warning}\n`);
        if (opts.snowflake) await publishFromCli(opts.store, opts.tables, !opts.json);
      }),
    );
}
