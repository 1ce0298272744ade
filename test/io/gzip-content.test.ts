import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32 } from "../../src/io/crc32.js";
import { gzipContent } from "../../src/io/gzip-content.js";

/** Content of about 300 KiB: more than is kept in hand (64 KiB before the read position, the first 64 KiB). */
const content = Buffer.concat([Buffer.from("first line\n"), randomBytes(100_000), Buffer.from("a log line\n".repeat(20_000))]);
const compressed = gzipSync(content);
const open = () => gzipContent((into, at) => compressed.copy(into, 0, at, at + into.length), compressed.length, "x.log.1.gz");

describe("gzipContent", () => {
  it("reads any range, forward or backward, as the content holds it", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: content.length + 10 }), fc.integer({ min: 1, max: 200_000 })), { minLength: 1, maxLength: 12 }), (reads) => {
        const source = open();
        for (const [position, length] of reads) {
          const into = Buffer.alloc(length);
          const n = source.read(into, position);
          expect(into.subarray(0, n).equals(content.subarray(position, position + length))).toBe(true);
        }
        source.close();
      }),
      { numRuns: 60 },
    );
  });

  it("gives the first bytes without decompressing to the end; size and CRC-32 once it has", () => {
    const source = open();
    expect(source.head(1024).equals(content.subarray(0, 1024))).toBe(true);
    expect(source.knownSize()).toBeUndefined();
    expect(source.crc()).toBeUndefined();
    expect(source.size()).toBe(content.length);
    expect(source.crc()).toBe(crc32(content));
    // after a pass to the end, the first bytes and the last ones are still in hand
    expect(source.head(100_000).equals(content.subarray(0, 100_000))).toBe(true);
    const tail = Buffer.alloc(1024);
    expect(source.read(tail, content.length - 1024)).toBe(1024);
    expect(tail.equals(content.subarray(content.length - 1024))).toBe(true);
    source.close();
  });

  it("keeps failing, naming the file, once the stream was found corrupt", () => {
    const bad = Buffer.from(compressed);
    bad[bad.length - 6] ^= 0x01;
    const source = gzipContent((into, at) => bad.copy(into, 0, at, at + into.length), bad.length, "x.log.1.gz");
    expect(source.head(11).toString()).toBe("first line\n"); // the start is read before the trailer
    expect(() => source.size()).toThrow("gzip file x.log.1.gz is truncated or corrupt");
    expect(() => source.read(Buffer.alloc(10), 0)).toThrow("gzip file x.log.1.gz is truncated or corrupt");
    source.close();
  });
});
