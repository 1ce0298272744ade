import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildSync } from "esbuild";

let bundled: string | undefined;

/**
 * The store module (src/store) bundled into one plain ES module that a child `node` can
 * import without a TypeScript loader (fast to start, and independent of dist/).
 * Placed under node_modules/.cache so that it resolves `nodejs-polars` from the repo.
 */
export function storeModule(): string {
  if (bundled) return bundled;
  const outdir = resolve("node_modules/.cache/sessionize-store-test");
  mkdirSync(outdir, { recursive: true });
  const built = buildSync({ entryPoints: [resolve("src/store/index.ts")], bundle: true, platform: "node", format: "esm", target: "node20", external: ["nodejs-polars"], write: false, logLevel: "error" });
  const code = built.outputFiles[0].text;
  // Named by content and renamed into place, so that test files running in parallel share it safely.
  const outfile = join(outdir, `store-${createHash("sha1").update(code).digest("hex").slice(0, 12)}.mjs`);
  if (!existsSync(outfile)) {
    const temporary = `${outfile}.${process.pid}.tmp`;
    writeFileSync(temporary, code);
    renameSync(temporary, outfile);
  }
  bundled = outfile;
  return outfile;
}

/** A child `node` running `script` (an ES module body) with the store module in `STORE_MODULE`. */
export function spawnNode(script: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, STORE_MODULE: storeModule(), ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** Resolve with the first stdout line of `child` matching `pattern` (rejects if it exits first). */
export function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let buffer = "";
    let stderr = "";
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split("\n")) {
        if (pattern.test(line)) {
          child.stdout!.off("data", onData);
          child.off("exit", onExit);
          resolvePromise(line);
          return;
        }
      }
    };
    const onExit = (code: number | null) => reject(new Error(`child exited (${code}) before printing ${pattern}: ${stderr}`));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on("data", onData);
    child.once("exit", onExit);
  });
}

/** Resolve with the exit code (or signal) of `child`, and what it printed. */
export function finished(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null || child.signalCode !== null) resolvePromise({ code: child.exitCode, signal: child.signalCode, stdout, stderr });
    else child.once("exit", (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

/**
 * Child script: commit versions in a loop to the store in `STORE` (created if missing).
 * Version k writes tables alpha, beta, gamma whose every row has `commit` = k and whose
 * row counts are `rowsAt(k, table)`, and state `{ commit: k }`. Prints `ready` once the
 * store is open and `committed k` after each commit; stops after `COMMITS` commits if set.
 * With `GO` set it loads, then waits for a line on stdin before opening the store (so that
 * a test can start it ahead of time and choose the moment).
 */
export const COMMITTER = `
const { openStore } = await import(process.env.STORE_MODULE);
const pl = (await import("nodejs-polars")).default;
if (process.env.GO) await new Promise((resolve) => process.stdin.once("data", resolve));
const store = openStore(process.env.STORE, { create: true, keep: Number(process.env.KEEP ?? 20) });
const limit = Number(process.env.COMMITS ?? Infinity);
const rowsAt = ${rowsAtSource()};
console.log("ready");
for (let n = 0; n < limit; n++) {
  const k = store.version + 1;
  const frame = (t) => pl.DataFrame({ commit: pl.Series("commit", new Array(rowsAt(k, t)).fill(k), pl.Int32), row: pl.Series("row", Array.from({ length: rowsAt(k, t) }, (_, i) => i), pl.Int32) });
  const { version } = store.commit({ alpha: frame("alpha"), beta: frame("beta"), gamma: frame("gamma") }, { run: "committer-" + process.pid, state: { commit: k } });
  if (version !== k) throw new Error("expected version " + k + ", got " + version);
  console.log("committed " + k);
}
`;

/** Row count of `table` at version `k` in what COMMITTER writes. */
export function rowsAt(k: number, table: string): number {
  return 1 + ((k * 37 + table.length * 11) % 9) * 400;
}

function rowsAtSource(): string {
  return rowsAt.toString();
}

/**
 * Child script: take the write lock of `STORE` (waiting if `WAIT` is set), print
 * `locked <pid>`, then release and exit when a line arrives on stdin.
 */
export const LOCKER = `
const { openStore } = await import(process.env.STORE_MODULE);
const store = openStore(process.env.STORE, { create: true });
const lock = await store.acquireWriteLock({ wait: process.env.WAIT === "1", pollMs: 10 });
console.log("locked " + process.pid);
process.stdin.once("data", () => { lock.release(); console.log("released"); process.exit(0); });
`;

/**
 * Child script: `ROUNDS` times, take the lock of `STORE` (waiting), append `enter <pid>`
 * then `exit <pid>` to the file `LOG` with a pause between, and release.
 */
export const MUTEX_WORKER = `
const { acquireLock } = await import(process.env.STORE_MODULE);
const { appendFileSync } = await import("node:fs");
for (let i = 0; i < Number(process.env.ROUNDS); i++) {
  const lock = await acquireLock(process.env.STORE, { wait: true, pollMs: 2 });
  appendFileSync(process.env.LOG, "enter " + process.pid + "\\n");
  await new Promise((r) => setTimeout(r, 5));
  appendFileSync(process.env.LOG, "exit " + process.pid + "\\n");
  lock.release();
}
console.log("done");
`;
