import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { findLogFiles } from "../../src/io/log-files.js";
import { linesFrame, readLogLines } from "../../src/io/read-lines.js";
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
