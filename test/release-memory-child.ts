/**
 * Child of release-memory.test.ts: builds and drops a large string frame `rounds` times,
 * with or without `releaseMemory` between rounds, and prints the peak RSS growth in MiB.
 */
import pl from "nodejs-polars";
import { releaseMemory } from "../src/release-memory.js";

const [mode, roundsText] = process.argv.slice(2);
const rss = () => process.memoryUsage().rss / 2 ** 20;
const start = rss();
let peak = start;
for (let round = 0; round < Number(roundsText); round++) {
  const frame = pl
    .DataFrame({ a: Array.from({ length: 3_000_000 }, (_, i) => i) })
    .lazy()
    .select(pl.col("a").cast(pl.Utf8).add(pl.lit("-a-string-of-fifty-bytes-to-make-the-frame-large--")))
    .collectSync();
  if (frame.height !== 3_000_000) throw new Error("unexpected height");
  peak = Math.max(peak, rss());
  if (mode === "release") await releaseMemory();
}
console.log(JSON.stringify({ growth: Math.round(peak - start) }));
