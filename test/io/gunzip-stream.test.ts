import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { gunzipStream } from "../../src/io/gunzip-stream.js";

/** Everything a gunzipStream over `compressed` gives, compressed bytes given `readBytes` at a time, pieces of `pieceBytes`. */
function inflate(compressed: Buffer, pieceBytes: number, readBytes = pieceBytes): Buffer {
  const reader = (into: Buffer, position: number) => compressed.copy(into, 0, position, Math.min(compressed.length, position + readBytes));
  const stream = gunzipStream(reader, compressed.length, "x.log.1.gz", pieceBytes);
  const pieces: Buffer[] = [];
  for (let piece = stream.next(); piece !== undefined; piece = stream.next()) {
    expect(piece.length).toBeGreaterThan(0);
    expect(piece.length).toBeLessThanOrEqual(pieceBytes);
    pieces.push(Buffer.from(piece));
  }
  stream.close();
  return Buffer.concat(pieces);
}

/** Some content: random bytes (incompressible), repeated text (compresses ~1000:1), log-like lines. */
const contents = fc.oneof(
  fc.uint8Array({ maxLength: 20_000 }).map((a) => Buffer.from(a)),
  fc.tuple(fc.string({ maxLength: 20 }), fc.nat({ max: 5_000 })).map(([s, n]) => Buffer.from(s.repeat(n))),
  fc.array(fc.tuple(fc.nat({ max: 99_999 }), fc.constantFrom("view", "cart", "buy")), { maxLength: 2000 }).map((rows) => Buffer.from(rows.map(([n, a]) => `${n} ${a}\n`).join(""))),
);

describe("gunzipStream", () => {
  it("gives exactly what gunzipSync gives, whatever the piece and read sizes, compression level and members", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(contents, fc.integer({ min: 0, max: 9 })), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 16, max: 70_000 }),
        fc.integer({ min: 1, max: 70_000 }),
        (members, pieceBytes, readBytes) => {
          const compressed = Buffer.concat(members.map(([content, level]) => gzipSync(content, { level })));
          expect(inflate(compressed, pieceBytes, readBytes).equals(gunzipSync(compressed))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("ignores zeros after the last member, as gunzipSync does", () => {
    const compressed = Buffer.concat([gzipSync("a\nb\n"), Buffer.alloc(100)]);
    expect(inflate(compressed, 7, 3).toString()).toBe(gunzipSync(compressed).toString());
  });

  it("refuses, naming the file, a stream cut anywhere, a changed byte of the body or trailer, junk, an empty file", () => {
    const content = Buffer.concat([randomBytes(30_000), Buffer.from("line\n".repeat(20_000))]);
    const whole = gzipSync(content);
    const cases: [string, Buffer][] = [
      ...[1, 10, 18, whole.length / 2, whole.length - 8, whole.length - 1].map((n): [string, Buffer] => [`cut to ${Math.floor(n)} bytes`, whole.subarray(0, Math.floor(n))]),
      ["empty", Buffer.alloc(0)],
      ["not gzip", Buffer.from("not gzip at all\n")],
    ];
    for (const at of [whole.length - 8, whole.length - 3]) {
      const bad = Buffer.from(whole);
      bad[at] ^= 0x01;
      cases.push([`byte ${at} of the trailer changed`, bad]);
    }
    const body = Buffer.from(whole);
    body.fill(0xff, body.length >> 1, (body.length >> 1) + 64);
    cases.push(["body overwritten", body]);
    for (const [name, compressed] of cases) {
      expect(() => gunzipSync(compressed), name).toThrow();
      expect(() => inflate(compressed, 4096, 1000), name).toThrow(/^gzip file x\.log\.1\.gz is truncated or corrupt \(.+\); nothing was read from it$/);
    }
  });
});
