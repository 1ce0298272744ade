/**
 * Run one command in its own process and measure it from the outside: wall time (from
 * spawn to exit, in this process) and the peak resident set size of the whole process as
 * the operating system accounts it. With GNU time (`/usr/bin/time -f %M`) the peak is the
 * kernel's `ru_maxrss` of the child; without it, `/proc/<pid>/status` `VmHWM` is polled.
 * A child whose resident memory passes `rssLimitBytes` is killed (the machine is shared).
 *
 * @example
 * const m = await measure(process.execPath, ["dist/cli.js", "run", "--logs", dir, "--store", store, "--json"]);
 * m.wallMs; m.peakRssBytes; JSON.parse(m.stdout);
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What one measured run gave. */
export interface Measurement {
  wallMs: number;
  peakRssBytes: number;
  stdout: string;
  stderr: string;
  status: number | null;
  /** Set when the harness killed the run for passing the RSS limit. */
  killedForRss?: number;
}

/** How peak RSS is measured on this machine. */
export type RssSource = "gnu-time" | "proc-vmhwm";

let cachedSource: RssSource | undefined;

/**
 * `gnu-time` when `/usr/bin/time -f %M` works here, else `proc-vmhwm`.
 *
 * @example
 * rssSource(); // "gnu-time"
 */
export function rssSource(): RssSource {
  if (cachedSource) return cachedSource;
  const probe = existsSync("/usr/bin/time") ? spawnSync("/usr/bin/time", ["-f", "%M", "true"], { encoding: "utf8" }) : undefined;
  cachedSource = probe && probe.status === 0 && /^\d+\s*$/.test(probe.stderr.trim().split("\n").pop() ?? "") ? "gnu-time" : "proc-vmhwm";
  return cachedSource;
}

/** A `/proc/<pid>/status` field in bytes (its value is in kB), or 0 when the process is gone. */
function statusBytes(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** `pid` and all its descendants, from `/proc/<pid>/task/<tid>/children`. */
function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    try {
      const tasks = readFileSync(`/proc/${all[i]}/task/${all[i]}/children`, "utf8");
      for (const child of tasks.split(/\s+/).filter(Boolean)) all.push(Number(child));
    } catch {
      // gone already
    }
  }
  return all;
}

/**
 * Run `command args` to completion and measure it.
 *
 * @example
 * const m = await measure("node", ["peer.mjs", "--logs", "l", "--out", "o"], { rssLimitBytes: 12 * 2 ** 30 });
 */
export async function measure(
  command: string,
  args: string[],
  options: { cwd?: string; rssLimitBytes?: number; pollMs?: number } = {},
): Promise<Measurement> {
  const source = rssSource();
  const scratch = mkdtempSync(join(tmpdir(), "sessionize-bench-time-"));
  const timeFile = join(scratch, "rss");
  const [file, argv] = source === "gnu-time" ? ["/usr/bin/time", ["-f", "%M", "-o", timeFile, command, ...args]] : [command, args];
  const started = process.hrtime.bigint();
  const child = spawn(file, argv, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));

  let polledPeak = 0;
  let killedForRss: number | undefined;
  const poll = setInterval(() => {
    if (child.pid === undefined) return;
    const tree = processTree(child.pid);
    const rss = tree.reduce((sum, pid) => sum + statusBytes(pid, "VmRSS"), 0);
    polledPeak = Math.max(polledPeak, rss, ...tree.map((pid) => statusBytes(pid, "VmHWM")));
    if (options.rssLimitBytes !== undefined && rss > options.rssLimitBytes && killedForRss === undefined) {
      killedForRss = rss;
      try {
        process.kill(-child.pid, "SIGKILL"); // its own process group: the command and what it started
      } catch {
        // already gone
      }
    }
  }, options.pollMs ?? 50);

  const status = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code));
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  clearInterval(poll);

  let peakRssBytes = polledPeak;
  if (source === "gnu-time" && existsSync(timeFile)) {
    const kb = Number(readFileSync(timeFile, "utf8").trim().split("\n").pop());
    if (Number.isFinite(kb) && kb > 0) peakRssBytes = kb * 1024;
  }
  rmSync(scratch, { recursive: true, force: true });
  return { wallMs, peakRssBytes, stdout, stderr, status, killedForRss };
}
