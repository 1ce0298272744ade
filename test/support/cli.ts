import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

export const CLI = resolve("dist/cli.js");

/** What a finished command gave back. */
export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built `sessionize` CLI with `args` (piped, so not a terminal). */
export function sessionize(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
