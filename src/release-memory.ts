import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * A Polars frame's memory is native: the JavaScript engine sees only its small wrapper, so
 * nothing prompts a garbage collection when a pipeline drops a frame of gigabytes, and the
 * memory stays taken until the process exits. `releaseMemory` runs a full collection (where
 * the runtime lets a program ask for one) and waits a turn of the event loop, during which
 * the finalizers of the collected wrappers free their frames.
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
}
