import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { grokDebug } from "../grok/index.js";
import { guarded } from "./errors.js";

/**
 * `sessionize grok`: a grok debugger, one NDJSON line of captures (or null) per input line.
 *
 * @example
 * registerGrokCommand(new Command("sessionize")); // adds `sessionize grok --pattern P FILE`
 */
export function registerGrokCommand(program: Command): void {
  program
    .command("grok")
    .description("match each line of FILE (- for stdin) against a Grok pattern: one JSON object of captures, or null, per line")
    .argument("<file>", "file of lines to match, or - for standard input")
    .requiredOption("--pattern <pattern>", "Grok pattern, e.g. '%{IP:client} %{WORD:method} %{NUMBER:bytes:int}'")
    .option("--definitions <file>", "extra pattern definitions in the Logstash format (NAME regex per line)")
    .action(
      guarded((file: string, opts: { pattern: string; definitions?: string }) => {
        let text: string;
        try {
          text = readFileSync(file === "-" ? 0 : file, "utf8");
        } catch (error) {
          throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
        }
        const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
        if (lines.at(-1) === "") lines.pop();
        const out = grokDebug(opts.pattern, { definitionFiles: opts.definitions ? [opts.definitions] : undefined }, lines);
        process.stdout.write(out.map((l) => `${l}\n`).join(""));
      }),
    );
}
