/**
 * Child of release-memory.test.ts: builds a string frame through Polars' streaming engine
 * (many small chunks, allocated by its worker threads), drops it, runs a full collection, and
 * prints the resident set (MiB) before and after `returnFreedMemory`.
 */
import pl from "nodejs-polars";
import { returnFreedMemory } from "../src/release-memory.js";

const rss = () => Math.round(process.memoryUsage().rss / 2 ** 20);
let frame: pl.DataFrame | undefined = pl
  .DataFrame({ a: Array.from({ length: 3_000_000 }, (_, i) => i) })
  .lazy()
  .select(pl.col("a").cast(pl.Utf8).add(pl.lit("-a-string-of-fifty-bytes-to-make-the-frame-large--")).alias("s"))
  .filter(pl.col("s").str.contains("7"))
  .collectSync({ engine: "streaming" });
if (frame.height < 1_000_000) throw new Error("unexpected height");
frame = undefined;
(globalThis as { gc?: () => void }).gc!();
await new Promise((resolve) => setImmediate(resolve)); // the frame's finalizer
const freed = rss();
const returned = returnFreedMemory();
console.log(JSON.stringify({ freed, after: rss(), returned }));
