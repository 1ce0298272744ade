import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { localRequire } from "./local-require.js";

/**
 * A Polars frame's memory is native: the JavaScript engine sees only its small wrapper, so
 * nothing prompts a garbage collection when a pipeline drops a frame of gigabytes, and the
 * memory stays taken until the process exits. `releaseMemory` runs a full collection (where
 * the runtime lets a program ask for one) and waits a turn of the event loop, during which
 * the finalizers of the collected wrappers free their frames; then, on glibc, it gives the
 * freed pages back to the system (`malloc_trim`).
 *
 * Measured with nodejs-polars 0.24: a loop building and dropping a 5-million-row string
 * frame grew to 3.7 GB in 8 iterations without it, and stayed under 0.9 GB with it.
 */
let collect: (() => void) | null | undefined;

function collector(): (() => void) | null {
  const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  if (typeof g.gc === "function") return () => g.gc!();
  if (g.Bun) return () => g.Bun!.gc(true);
  try {
    // Node: `--expose-gc` set at run time gives `gc` to contexts created afterwards.
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as () => void) : null;
  } catch {
    return null; // Deno and others: the engine collects when it sees fit
  }
}

let trim: (() => void) | null | undefined;

/**
 * glibc's `malloc_trim`, through koffi, where the process runs on glibc under Node; else
 * null. Polars' threads allocate from glibc's per-thread arenas, and memory freed there
 * stays with the process (in the resident set) until something returns it: a frame of many
 * small chunks, freed, is not reused by the next stage's large buffers. `malloc_trim(0)`
 * gives every free page of every arena back to the system. Measured at 10 M events (a first
 * run, peak RSS): see bench/RESULTS.md, stop 11.
 */
function trimmer(): (() => void) | null {
  const versions = process.versions as Record<string, string | undefined>;
  const report = process.report?.getReport?.() as { header?: { glibcVersionRuntime?: string } } | undefined;
  if (versions.bun !== undefined || versions.deno !== undefined || report?.header?.glibcVersionRuntime === undefined) return null;
  try {
    const koffi = localRequire("koffi", "to give freed memory back to the system", "")("koffi") as {
      load(path: string): { func(signature: string): (pad: number) => number };
    };
    const mallocTrim = koffi.load("libc.so.6").func("int malloc_trim(size_t pad)");
    return () => void mallocTrim(0);
  } catch {
    return null; // no koffi, or a libc without malloc_trim: memory is returned as the allocator sees fit
  }
}

/**
 * Free the native memory of frames the program no longer refers to: a full garbage
 * collection, then a turn of the event loop for the finalizers. A no-op where the runtime
 * gives no way to ask for a collection.
 *
 * @example
 * let lines: pl.DataFrame | undefined = readLines("big.log").lines;
 * const events = parse(lines);
 * lines = undefined;
 * await releaseMemory(); // the lines' memory is returned now, not at exit
 */
export async function releaseMemory(): Promise<void> {
  if (collect === undefined) collect = collector();
  if (collect === null) return;
  collect();
  await new Promise((resolve) => setImmediate(resolve));
  returnFreedMemory();
}

/**
 * Give the pages that freed native memory occupies back to the system (glibc's
 * `malloc_trim`); whether it could is the result. A no-op returning false off glibc or
 * outside Node, or without koffi.
 *
 * @example
 * returnFreedMemory(); // true on Linux with glibc
 */
export function returnFreedMemory(): boolean {
  if (trim === undefined) trim = trimmer();
  trim?.();
  return trim !== null;
}
