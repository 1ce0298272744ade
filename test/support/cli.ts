import { spawn, spawnSync } from "node:child_process";
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

/**
 * Run the built CLI without blocking this process's event loop: needed when the test
 * process itself serves what the CLI talks to (the Snowflake test server).
 */
export function sessionizeAsync(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolvePromise({ status, stdout, stderr }));
  });
}
