import { execFileSync } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { createGzip, gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";

const MiB = 1024 * 1024;
const LONG_LINE_BYTES = 200 * MiB;
const child = fileURLToPath(new URL("./gzip-memory-child.ts", import.meta.url));
const temp = mkdtempSync(join(tmpdir(), "sessionize-gzip-memory-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A gzip file holding two lines, a line of `LONG_LINE_BYTES` bytes, and two more lines, compressed as it is written. */
async function writeLongLineGzip(path: string): Promise<void> {
  async function* content() {
    yield Buffer.from("before-1\nbefore-2\n");
    const piece = Buffer.alloc(MiB, "x");
    for (let i = 0; i < LONG_LINE_BYTES / MiB; i++) yield piece;
    yield Buffer.from("\nafter-1\nafter-2\n");
  }
  await pipeline(content(), createGzip(), createWriteStream(path));
}

describe("gzip files are read in bounded memory", () => {
  it("rejects a 200 MiB line inside a .gz with its reason and reads the other lines, the peak memory growing far less than the line", async () => {
    const warmup = join(temp, "warmup");
    const logs = join(temp, "logs");
    mkdirSync(warmup);
    mkdirSync(logs);
    writeFileSync(join(warmup, "web_activity.log.1.gz"), gzipSync(`w1\n${"y".repeat(2 * MiB)}\nw2\n`));
    await writeLongLineGzip(join(logs, "web_activity.log.1.gz"));
    const out = execFileSync(process.execPath, ["--import", "tsx", child, warmup, logs], { encoding: "utf8", maxBuffer: 16 * MiB });
    const { before, after, lines } = JSON.parse(out) as { before: number; after: number; lines: { line: number; length: number; defect: string | null }[] };
    expect(lines).toEqual([
      { line: 1, length: 8, defect: null },
      { line: 2, length: 8, defect: null },
      { line: 3, length: 1024, defect: "line is longer than 1048576 bytes (1 MiB)" },
      { line: 4, length: 7, defect: null },
      { line: 5, length: 7, defect: null },
    ]);
    // Reading holds a chunk of 16 MiB and its copy, whatever the size of the content;
    // decompressing the file whole would hold all 200 MiB of it at least.
    const grown = (after - before) / MiB;
    console.log(`peak RSS ${Math.round(before / MiB)} MiB before the read, ${Math.round(after / MiB)} MiB after (+${Math.round(grown)} MiB)`);
    expect(grown).toBeLessThan(LONG_LINE_BYTES / MiB / 2);
  });
});
