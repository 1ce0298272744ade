/**
 * readLines against a reference written another way: split the bytes on "\n" in JavaScript,
 * drop one "\r" before it, decode each line on its own. Random contents mix the cases that
 * decide the path a piece takes (valid UTF-8 without byte 0x01 goes through Polars' CSV
 * reader; anything else through the JavaScript decoder) with the ones that are easy to get
 * wrong: blank lines, lone and doubled "\r", NUL, byte-order marks (dropped only at the
 * start of the file), multi-byte characters, invalid bytes, a last line without "\n".
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readLines } from "../../src/io/read-lines.js";

const dir = mkdtempSync(join(tmpdir(), "sessionize-lines-prop-"));
const NOT_UTF8 = "bytes are not valid UTF-8";

/** Fragments as bytes; the first group is valid UTF-8 without 0x01. */
const SAFE = ["a", "Z", "7", " ", "=", '"', "\t", "\n", "\n", "\r", "\r\n", "\x00", "é", "€", "😀", "\ufeff", "2025-01-05T10:00:00Z", ","].map((s) => Buffer.from(s, "utf8"));
const UNSAFE = [Buffer.from([0x01]), Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xe2, 0x82]), Buffer.from([0xed, 0xa0, 0x80])];

const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lossy = new TextDecoder("utf-8", { ignoreBOM: true });

/** What readLines must give for a whole file's bytes, computed byte by byte. */
function reference(bytes: Buffer): { line_number: number; message: string; defect: string | null }[] {
  let content = bytes;
  if (content.length >= 3 && content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf) content = content.subarray(3);
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < content.length; i++) {
    if (content[i] === 0x0a) {
      lines.push(content.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < content.length) lines.push(content.subarray(start));
  return lines.map((raw, i) => {
    const line = raw.length > 0 && raw[raw.length - 1] === 0x0d ? raw.subarray(0, raw.length - 1) : raw;
    try {
      return { line_number: i + 1, message: fatal.decode(line), defect: null };
    } catch {
      return { line_number: i + 1, message: lossy.decode(line), defect: NOT_UTF8 };
    }
  });
}

const content = fc.oneof(
  fc.array(fc.constantFrom(...SAFE), { maxLength: 40 }),
  fc.array(fc.constantFrom(...SAFE, ...UNSAFE), { maxLength: 40 }),
);

describe("readLines (property)", () => {
  it("gives every line, its number, its text and its defect exactly as the byte-by-byte reference", () => {
    let n = 0;
    fc.assert(
      fc.property(content, (fragments) => {
        const bytes = Buffer.concat(fragments);
        const path = join(dir, `f${n++}.log`);
        writeFileSync(path, bytes);
        const { lines, endOffset } = readLines(path);
        const got = lines.select("line_number", "message", "defect").toRecords().map((r) => ({ ...r, line_number: Number(r.line_number) }));
        expect(got).toEqual(reference(bytes));
        expect(lines.getColumn("file").toArray().every((f) => f === path)).toBe(true);
        expect(endOffset).toBe(bytes.length);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps a byte-order mark that does not open the file, whichever path reads its piece", () => {
    const path = join(dir, "bom.log");
    writeFileSync(path, Buffer.concat([Buffer.from("\ufeffa\n\ufeffb\n", "utf8"), Buffer.from([0xff, 0x0a]), Buffer.from("\ufeffc\n", "utf8")]));
    expect(readLines(path).lines.getColumn("message").toArray()).toEqual(["a", "\ufeffb", "\ufffd", "\ufeffc"]);
    writeFileSync(path, "\ufeffa\n\ufeffb\n");
    expect(readLines(path).lines.getColumn("message").toArray()).toEqual(["a", "\ufeffb"]);
    // read from an offset, the piece does not open the file
    expect(readLines(path, { offset: 5, firstLine: 2 }).lines.getColumn("message").toArray()).toEqual(["\ufeffb"]);
  });

  it("reads numbers-only and NA-like lines as text, and lines holding byte 0x01 whole", () => {
    const path = join(dir, "odd.log");
    writeFileSync(path, "1\n2.5\nNA\nnull\n\n#x\na\x01b\n");
    expect(readLines(path).lines.getColumn("message").toArray()).toEqual(["1", "2.5", "NA", "null", "", "#x", "a\x01b"]);
    writeFileSync(path, "1\n2.5\nNA\nnull\n\n#x\n");
    expect(readLines(path).lines.getColumn("message").toArray()).toEqual(["1", "2.5", "NA", "null", "", "#x"]);
  });
});
