import type { Command } from "commander";
import { runPipeline } from "../pipeline.js";
import { guarded, positiveInt } from "./errors.js";
import { formatSummary } from "./format-summary.js";

/** `sessionize run`: the whole DAG into the store, then the summary. */
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
    .action(
      guarded(async (opts: { logs: string; store: string; inactivity: string; json?: boolean; keep: string; wait?: boolean }) => {
        const progress = process.stderr.isTTY && !opts.json;
        const started = Date.now();
        const summary = await runPipeline({
          logs: opts.logs,
          store: opts.store,
          inactivity: opts.inactivity,
          keep: positiveInt("--keep", opts.keep),
          wait: opts.wait,
          onStage: progress ? (stage) => process.stderr.write(`  ${stage} … (${Date.now() - started} ms)\n`) : undefined,
        });
        process.stdout.write(opts.json ? JSON.stringify(summary) + "\n" : formatSummary(summary));
      }),
    );
}
