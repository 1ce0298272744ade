import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { currentHost, type LockHolder } from "./errors.js";

/**
 * A lock-holder record for this process, with a fresh token.
 *
 * @example
 * thisProcess(); // { pid: 4242, host: "build-7", since: "2026-…Z", token: "9f8e…", started: "123456" }
 */
export function thisProcess(): LockHolder {
  const started = processStartTime(process.pid);
  return {
    pid: process.pid,
    host: currentHost(),
    since: new Date().toISOString(),
    token: randomBytes(8).toString("hex"),
    ...(started ? { started } : {}),
  };
}

/**
 * Whether the holder of a lock is still running: `"alive"`, `"dead"` (its pid is gone from
 * this host, or now belongs to a process started later), or `"unknown"` (another host:
 * never taken over).
 *
 * @example
 * holderStatus({ pid: 999999, host: currentHost(), since, token }); // "dead"
 */
export function holderStatus(holder: LockHolder): "alive" | "dead" | "unknown" {
  if (holder.host !== currentHost()) return "unknown";
  if (!isRunning(holder.pid)) return "dead";
  if (holder.started) {
    const started = processStartTime(holder.pid);
    if (started && started !== holder.started) return "dead"; // pid reused
  }
  return "alive";
}

/**
 * The kernel start time of process `pid` (Linux `/proc/<pid>/stat`, field 22), or
 * `undefined` where that is not available. With the pid it identifies a process uniquely.
 *
 * @example
 * processStartTime(process.pid); // "1234567"
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // Fields after the command name (which may contain spaces and parentheses) start at field 3.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/**
 * Whether a process with this pid runs on this host (`false` for `undefined`).
 *
 * @example
 * isRunning(process.pid); // true
 */
export function isRunning(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
