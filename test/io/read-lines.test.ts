import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { findLogFiles } from "../../src/io/log-files.js";
import { linesFrame, readLines, readLogLines } from "../../src/io/read-lines.js";
import { rows } from "../support/timeline.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "sessionize-io-"));

describe("linesFrame", () => {
  it("numbers lines from 1 and strips \\n and \\r\\n endings only", () => {
    expect(rows(linesFrame("a.log", "x\r\ny \n\n\tz\r\r\nlast"), ["line_number", "message"])).toEqual([
      { line_number: 1, message: "x" },
      { line_number: 2, message: "y " },
      { line_number: 3, message: "" },
      { line_number: 4, message: "\tz\r" },
      { line_number: 5, message: "last" },
    ]);
  });

  it("has no line for an empty file, one empty line for a lone newline", () => {
    expect(linesFrame("a.log", "").collectSync().height).toBe(0);
    expect(rows(linesFrame("a.log", "\n"), ["message"])).toEqual([{ message: "" }]);
  });
});

describe("readLogLines", () => {
  it("marks lines whose bytes are not UTF-8 and keeps the others intact", () => {
    const dir = tempDir();
    const file = join(dir, "cart_activity.log");
    writeFileSync(file, Buffer.concat([Buffer.from("ok line\nbad "), Buffer.from([0xff, 0xfe]), Buffer.from(" here\nnaïve ✓\n")]));
    expect(rows(readLogLines(file, "cart_activity.log"))).toEqual([
      { file: "cart_activity.log", line_number: 1, message: "ok line", defect: null },
      { file: "cart_activity.log", line_number: 2, message: "bad \ufffd\ufffd here", defect: "bytes are not valid UTF-8" },
      { file: "cart_activity.log", line_number: 3, message: "naïve ✓", defect: null },
    ]);
  });

  it("reads gzip-compressed rotated files", () => {
    const dir = tempDir();
    const file = join(dir, "web_activity.log.2.gz");
    writeFileSync(file, gzipSync("one\ntwo\n"));
    expect(rows(readLogLines(file), ["message"])).toEqual([{ message: "one" }, { message: "two" }]);
  });

  it("names the file it cannot read", () => {
    expect(() => readLogLines("/nonexistent/cart_activity.log")).toThrow("cannot read log file /nonexistent/cart_activity.log: no such file");
  });
});

describe("findLogFiles", () => {
  it("finds <stream>_*.log* oldest rotation first, and nothing of other streams", () => {
    const dir = tempDir();
    for (const name of ["cart_activity.log", "cart_activity.log.1", "cart_activity.log.2", "cart_activity.log.10.gz", "cartx_activity.log", "purchase_activity.log", "cart_notes.txt"]) {
      writeFileSync(join(dir, name), "");
    }
    mkdirSync(join(dir, "cart_dir.log"));
    expect(findLogFiles(dir, "cart").map((f) => f.name)).toEqual(["cart_activity.log.10.gz", "cart_activity.log.2", "cart_activity.log.1", "cart_activity.log"]);
  });

  it("says when the logs directory is missing", () => {
    expect(() => findLogFiles("/nonexistent/logs", "cart")).toThrow("logs directory /nonexistent/logs does not exist");
  });
});

describe("readLines", () => {
  const write = (content: string | Buffer) => {
    const file = join(tempDir(), "web_activity.log");
    writeFileSync(file, content);
    return file;
  };

  it("holds back a last line without its newline, and reads it once it is complete", () => {
    const file = write("one\ntwo\nthr");
    const first = readLines(file, { includePartial: false });
    expect(rows(first.lines, ["line_number", "message"])).toEqual([
      { line_number: 1, message: "one" },
      { line_number: 2, message: "two" },
    ]);
    expect(first).toMatchObject({ endOffset: 8, nextLine: 3, pendingBytes: 3 });
    writeFileSync(file, "one\ntwo\nthree\nfour\n");
    const second = readLines(file, { offset: first.endOffset, firstLine: first.nextLine, includePartial: false });
    expect(rows(second.lines, ["line_number", "message"])).toEqual([
      { line_number: 3, message: "three" },
      { line_number: 4, message: "four" },
    ]);
    expect(second).toMatchObject({ endOffset: 19, nextLine: 5, pendingBytes: 0 });
  });

  it.each([
    ["inside one chunk", 3 * 1024 * 1024],
    ["across chunks, streamed", 2 * 1024 * 1024 + 5],
  ])("rejects a line over 1 MiB (%s), keeping its first KiB, and goes on after it", (_, chunkBytes) => {
    const long = "x".repeat(2 * 1024 * 1024 + 100);
    const file = write(`short\n${long}\nafter\n`);
    const { lines, endOffset } = readLines(file, { chunkBytes });
    expect(rows(lines).map((r) => [r.line_number, (r.message as string).length, r.defect])).toEqual([
      [1, 5, null],
      [2, 1024, "line is longer than 1048576 bytes (1 MiB)"],
      [3, 5, null],
    ]);
    expect(endOffset).toBe(6 + long.length + 1 + 6);
  });

  it("rejects a line over 1 MiB inside a gzip file the same way, streamed, and reads the lines around it", () => {
    const long = "x".repeat(3 * 1024 * 1024);
    const file = join(tempDir(), "web_activity.log.1.gz");
    writeFileSync(file, gzipSync(`short\n${long}\nafter\n${"é".repeat(10)}`));
    const { lines, endOffset, pendingBytes } = readLines(file, { chunkBytes: 1024 * 1024 + 1 });
    expect(rows(lines).map((r) => [r.line_number, (r.message as string).length, r.defect])).toEqual([
      [1, 5, null],
      [2, 1024, "line is longer than 1048576 bytes (1 MiB)"],
      [3, 5, null],
      [4, 10, null],
    ]);
    expect([endOffset, pendingBytes]).toEqual([6 + long.length + 1 + 6 + 20, 0]);
  });

  it("counts bytes, not characters, against the 1 MiB limit", () => {
    const file = write(`${"é".repeat(600 * 1024)}\n${"e".repeat(600 * 1024)}\n`); // 1.2 MB in bytes, then 0.6 MB
    expect(rows(readLines(file).lines, ["line_number", "defect"])).toEqual([
      { line_number: 1, defect: "line is longer than 1048576 bytes (1 MiB)" },
      { line_number: 2, defect: null },
    ]);
  });

  it("refuses a truncated or corrupt gzip file as a whole, naming it", () => {
    const dir = tempDir();
    const truncated = join(dir, "cart_activity.log.2.gz");
    const whole = gzipSync("a\nb\nc\n".repeat(1000));
    writeFileSync(truncated, whole.subarray(0, whole.length - 20));
    expect(() => readLines(truncated)).toThrow(`gzip file ${truncated} is truncated or corrupt`);
    const junk = join(dir, "cart_activity.log.3.gz");
    writeFileSync(junk, "not gzip at all");
    expect(() => readLines(junk)).toThrow(`gzip file ${junk} is truncated or corrupt`);
  });

  it("keeps NUL bytes and binary junk as text lines (the parser rejects them), never crashing", () => {
    const file = write(Buffer.from([0x61, 0x00, 0x62, 0x0a, 0xc3, 0x28, 0x0a, 0x63, 0x0a]));
    expect(rows(readLines(file).lines, ["message", "defect"])).toEqual([
      { message: "a\u0000b", defect: null },
      { message: "\ufffd(", defect: "bytes are not valid UTF-8" },
      { message: "c", defect: null },
    ]);
  });
});
