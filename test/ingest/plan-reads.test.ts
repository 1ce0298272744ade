import { appendFileSync, chmodSync, copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { emptyRegistry, type FileRegistry } from "../../src/ingest/file-registry.js";
import { planReads, SETTLE_MS } from "../../src/ingest/plan-reads.js";
import { readPlan } from "../../src/ingest/read-plan.js";
import { webStream } from "../../src/streams.js";
import { ingest as ingestWeb } from "../support/ingest.js";

/** A moment when every file written by a test has been left alone for longer than SETTLE_MS. */
const settled = () => Date.now() + SETTLE_MS + 1000;

/** `ingest` with this file's positional `since` and `now`. */
const ingest = (dir: string, registry: FileRegistry, since?: Date, now?: number) => ingestWeb(dir, registry, { since, now });

describe("planReads: reading only what is new", () => {
  it("follows a rotation sequence: rotate, partial line, completion, idle run, gzip rotation", () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionize-plan-"));
    const live = join(dir, "web_activity.log");
    writeFileSync(live, "a1\na2\n");

    let run = ingest(dir, emptyRegistry());
    expect(run.read).toEqual({ "web_activity.log (new)": ["a1", "a2"] });

    // rotation: the live file becomes .1, a new live file starts with a partial line
    renameSync(live, join(dir, "web_activity.log.1"));
    writeFileSync(live, "b1\nb2-partial");
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log (new)": ["b1"] });
    expect(run.kinds).toContain("web_activity.log.1:unchanged");

    // the partial line completes and more arrives
    appendFileSync(live, "-done\nb3\n");
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log (grown)": ["b2-partial-done", "b3"] });

    // idle run: nothing new
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({});

    // rotation with compression: .1 becomes .2.gz, live becomes .1, a new live file
    writeFileSync(join(dir, "web_activity.log.2.gz"), gzipSync(readFileSync(join(dir, "web_activity.log.1"))));
    rmSync(join(dir, "web_activity.log.1"));
    renameSync(live, join(dir, "web_activity.log.1"));
    writeFileSync(live, "c1\n");
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log (new)": ["c1"] });
    expect(run.kinds.sort()).toEqual(["web_activity.log.1:unchanged", "web_activity.log.2.gz:unchanged", "web_activity.log:new"]);
  });

  it("reads a grown file from its offset with continued line numbers, and a shrunk or replaced one anew", () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionize-plan-"));
    const live = join(dir, "web_activity.log");
    writeFileSync(live, "x1\nx2\n");
    let run = ingest(dir, emptyRegistry());
    appendFileSync(live, "x3\n");
    const plan = planReads(dir, [webStream], run.registry);
    expect(plan.reads[0]).toMatchObject({ kind: "grown", offset: 6, firstLine: 3 });
    plan.close();
    run = ingest(dir, run.registry);
    writeFileSync(live, "y\n"); // other content
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log (new)": ["y"] });
    const long = "L".repeat(1500);
    writeFileSync(live, `${long}\nmore\n`);
    run = ingest(dir, run.registry);
    writeFileSync(live, `${long}\n`); // truncated below what was read, same first bytes
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log (replaced)": [long] });
    writeFileSync(live, "z1\nz2\nz3\nz4\n"); // same inode, other content: new to us
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log (new)": ["z1", "z2", "z3", "z4"] });
  });

  it("ignores files last modified before --since", () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionize-plan-"));
    writeFileSync(join(dir, "web_activity.log.1"), "old\n");
    writeFileSync(join(dir, "web_activity.log"), "new\n");
    utimesSync(join(dir, "web_activity.log.1"), new Date("2020-01-01"), new Date("2020-01-01"));
    expect(ingest(dir, emptyRegistry(), new Date("2024-01-01")).read).toEqual({ "web_activity.log (new)": ["new"] });
  });

  it.runIf(process.getuid?.() !== 0)("skips an unreadable file with a warning and reads it on a later run", () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionize-plan-"));
    const file = join(dir, "web_activity.log");
    writeFileSync(file, "w\n");
    chmodSync(file, 0o000);
    let run = ingest(dir, emptyRegistry());
    expect(run.read).toEqual({});
    expect(run.warnings[0]).toMatch(/skipped .*web_activity.log: permission denied; it will be retried/);
    chmodSync(file, 0o644);
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log (new)": ["w"] });
  });

  it("refuses a corrupt gzip file, naming it", () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionize-plan-"));
    writeFileSync(join(dir, "web_activity.log.2.gz"), gzipSync("w\n".repeat(100)).subarray(0, 20));
    expect(() => planReads(dir, [webStream], emptyRegistry())).toThrow(/gzip file .*web_activity.log.2.gz is truncated or corrupt/);
  });

  it("refuses a new gzip file whose lines decompress but whose trailer does not match, before reading any of it", () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionize-plan-"));
    const compressed = gzipSync(Array.from({ length: 50_000 }, (_, i) => `line ${i}\n`).join(""));
    compressed[compressed.length - 2] ^= 0x01; // the size in the trailer
    writeFileSync(join(dir, "web_activity.log.1.gz"), compressed);
    writeFileSync(join(dir, "web_activity.log"), "live\n");
    expect(() => planReads(dir, [webStream], emptyRegistry())).toThrow(/gzip file .*web_activity.log.1.gz is truncated or corrupt \(incorrect length check\)/);
  });
});

describe("planReads: every line exactly once through copies, skips and renames", () => {
  const setup = () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionize-plan-"));
    return { dir, path: (suffix = "") => join(dir, `web_activity.log${suffix}`) };
  };

  it("prefers the file with the recorded device and inode over a copy of it with the same content (copy taken before truncation)", () => {
    const { dir, path } = setup();
    writeFileSync(path(), "a1\na2\n");
    let run = ingest(dir, emptyRegistry());
    appendFileSync(path(), "a3\n");
    copyFileSync(path(), path(".1")); // copytruncate, caught between the copy and the truncation
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log (grown)": ["a3"] });
    expect(run.done.sort()).toEqual(["web_activity.log.1:unchanged", "web_activity.log:grown"]);
    truncateSync(path(), 0);
    appendFileSync(path(), "b1\n");
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log (new)": ["b1"] });
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({});
  });

  it("copytruncate: the copy continues the original's entry and its unterminated last line is taken; the truncated file is new", () => {
    const { dir, path } = setup();
    writeFileSync(path(), "a1\na2\n");
    let run = ingest(dir, emptyRegistry());
    appendFileSync(path(), "a3\na4-cut");
    copyFileSync(path(), path(".1"));
    truncateSync(path(), 0);
    appendFileSync(path(), "b1\nb2\n");
    run = ingest(dir, run.registry, undefined, settled());
    expect(run.read).toEqual({ "web_activity.log.1 (grown)": ["a3", "a4-cut"], "web_activity.log (new)": ["b1", "b2"] });
    // next rotation: the copy is compressed, the live file renamed, a new live file
    writeFileSync(path(".2.gz"), gzipSync(readFileSync(path(".1"))));
    rmSync(path(".1"));
    renameSync(path(), path(".1"));
    writeFileSync(path(), "c1\n");
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log (new)": ["c1"] });
  });

  it("gzip -k: a compressed copy kept next to its original is not read again", () => {
    const { dir, path } = setup();
    writeFileSync(path(".1"), "a1\na2-unterminated");
    writeFileSync(path(), "b1\n");
    let run = ingest(dir, emptyRegistry(), undefined, settled());
    expect(run.read).toEqual({ "web_activity.log.1 (new)": ["a1", "a2-unterminated"], "web_activity.log (new)": ["b1"] });
    writeFileSync(path(".1.gz"), gzipSync(readFileSync(path(".1"))));
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({});
    expect(run.done.sort()).toEqual(["web_activity.log.1.gz:unchanged", "web_activity.log.1:unchanged", "web_activity.log:unchanged"]);
    // the plain original goes away; the compressed copy is still known
    rmSync(path(".1"));
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({});
  });

  it("reads copies present together in a first run once", () => {
    const { dir, path } = setup();
    writeFileSync(path(".1"), "a1\na2\n");
    writeFileSync(path(".1.gz"), gzipSync("a1\na2\n"));
    const run = ingest(dir, emptyRegistry());
    expect(Object.values(run.read).flat()).toEqual(["a1", "a2"]);
    expect(ingest(dir, run.registry).read).toEqual({});
  });

  it("reads both of two new files alike only in their first and last KiB", () => {
    const { dir, path } = setup();
    const content = (middle: string) => `${"A".repeat(1500)}\n${middle}\n${"B".repeat(1500)}\n`;
    writeFileSync(path(".2"), content("mid-1"));
    writeFileSync(path(".1"), content("mid-2"));
    const run = ingest(dir, emptyRegistry());
    expect(Object.values(run.read).flat().filter((l) => l.startsWith("mid"))).toEqual(["mid-1", "mid-2"]);
  });

  it("rename rotation: the live file's unterminated last line is held back, then taken once the file is rotated", () => {
    const { dir, path } = setup();
    writeFileSync(path(), "a1\na2-par");
    let run = ingest(dir, emptyRegistry());
    expect(run.read).toEqual({ "web_activity.log (new)": ["a1"] });
    renameSync(path(), path(".1"));
    writeFileSync(path(), "b1\n");
    // just rotated: the application may still be writing the line's end into x.log.1
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log (new)": ["b1"] });
    run = ingest(dir, run.registry, undefined, settled());
    expect(run.read).toEqual({ "web_activity.log.1 (grown)": ["a2-par"] });
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({});
    writeFileSync(path(".2.gz"), gzipSync(readFileSync(path(".1")))); // gzip of an old file
    rmSync(path(".1"));
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({});
    expect(run.done).toContain("web_activity.log.2.gz:unchanged");
  });

  it("rename rotation while the application still writes to the renamed file: the line it completes there is read whole", () => {
    const { dir, path } = setup();
    writeFileSync(path(), "a1\na2-beg");
    let run = ingest(dir, emptyRegistry());
    renameSync(path(), path(".1"));
    writeFileSync(path(), "b1\n");
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log (new)": ["b1"] });
    appendFileSync(path(".1"), "-end\na3\n"); // through the descriptor it opened before the rotation
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log.1 (grown)": ["a2-beg-end", "a3"] });
    // the next rotation makes it x.log.2: final at once, nothing left to read
    renameSync(path(".1"), path(".2"));
    renameSync(path(), path(".1"));
    writeFileSync(path(), "");
    expect(Object.values(ingest(dir, run.registry).read).flat()).toEqual([]);
  });

  it("a first rotation's unterminated last line is taken once the file has been left alone for SETTLE_MS, or once rotated further", () => {
    const { dir, path } = setup();
    writeFileSync(path(".1"), "a1\na2-cut");
    let run = ingest(dir, emptyRegistry());
    expect(run.read).toEqual({ "web_activity.log.1 (new)": ["a1"] });
    const mtime = (Date.now() - SETTLE_MS - 1000) / 1000;
    utimesSync(path(".1"), mtime, mtime); // left alone long enough
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log.1 (grown)": ["a2-cut"] });
    writeFileSync(path(".1"), "c1\nc2-cut");
    run = ingest(dir, run.registry);
    renameSync(path(".1"), path(".2")); // rotated further: final
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log.2 (grown)": ["c2-cut"] });
  });

  it("takes the unterminated last line of a live file compressed by rotation before it was seen rotated", () => {
    const { dir, path } = setup();
    writeFileSync(path(), "a1\na2-par");
    let run = ingest(dir, emptyRegistry());
    writeFileSync(path(".1.gz"), gzipSync(readFileSync(path())));
    rmSync(path());
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log.1.gz (grown)": ["a2-par"] });
    expect(ingest(dir, run.registry).read).toEqual({});
  });

  it("a large live file compressed by rotation after it grew: only what it gained is read", () => {
    const { dir, path } = setup();
    const block = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}${i} ${createHash("sha256").update(tag + i).digest("hex")}\n`).join("");
    writeFileSync(path(), `${block("a", 4000)}a-partial`);
    let run = ingest(dir, emptyRegistry());
    expect(run.read["web_activity.log (new)"]).toHaveLength(4000);
    appendFileSync(path(), `-done\n${block("b", 3000)}b-last`);
    writeFileSync(path(".1.gz"), gzipSync(readFileSync(path())));
    rmSync(path());
    run = ingest(dir, run.registry);
    const read = run.read["web_activity.log.1.gz (grown)"];
    expect([read[0], read.length, read[read.length - 1]]).toEqual(["a-partial-done", 3002, "b-last"]);
    expect(ingest(dir, run.registry).read).toEqual({});
  });

  it("recognises a fully read gzip file by its trailer's CRC-32 and size, without decompressing it", () => {
    const { dir, path } = setup();
    const lines = Array.from({ length: 6000 }, (_, i) => `${i} ${createHash("sha256").update(String(i)).digest("hex")}`);
    writeFileSync(path(".1"), `${lines.join("\n")}\n`);
    let run = ingest(dir, emptyRegistry());
    const compressed = gzipSync(readFileSync(path(".1")));
    compressed.fill(0xff, compressed.length / 2, compressed.length / 2 + 64); // a body it could not decompress
    writeFileSync(path(".2.gz"), compressed);
    rmSync(path(".1"));
    run = ingest(dir, run.registry);
    expect(run.done).toEqual(["web_activity.log.2.gz:unchanged"]);
  });

  it("reads a file anew when its content before the recorded offset changed, even with the same first bytes and a larger size", () => {
    const { dir, path } = setup();
    const long = "L".repeat(1500);
    writeFileSync(path(), `${long}\nmore\n`);
    let run = ingest(dir, emptyRegistry());
    writeFileSync(path(), `${long}\nMORE\nextra\n`); // rewritten in place
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log (replaced)": [long, "MORE", "extra"] });
  });

  it("takes another file for a copy only when every byte up to the offset agrees, not just the first and last KiB", () => {
    const { dir, path } = setup();
    const content = (middle: string) => `${"A".repeat(1500)}\n${middle}\n${"B".repeat(1500)}\n`;
    writeFileSync(path(".1"), content("mid-1"));
    let run = ingest(dir, emptyRegistry());
    writeFileSync(path(".2"), content("mid-2")); // another file (made first, so not on the same inode): same first and last KiB
    rmSync(path(".1"));
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log.2 (new)": ["A".repeat(1500), "mid-2", "B".repeat(1500)] });
  });

  it("keeps the entry of a file skipped by --since, so a later run without it does not read the file again", () => {
    const { dir, path } = setup();
    writeFileSync(path(".1"), "a1\n");
    writeFileSync(path(), "b1\n");
    let run = ingest(dir, emptyRegistry());
    utimesSync(path(".1"), new Date("2020-01-01"), new Date("2020-01-01"));
    run = ingest(dir, run.registry, new Date("2024-01-01"));
    expect(run.read).toEqual({});
    expect(run.registry.files.map((f) => f.name).sort()).toEqual(["web_activity.log", "web_activity.log.1"]);
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({});
  });

  it("drops the entry of a file deleted by rotation", () => {
    const { dir, path } = setup();
    writeFileSync(path(".1"), "a1\n");
    writeFileSync(path(), "b1\n");
    let run = ingest(dir, emptyRegistry());
    rmSync(path(".1"));
    run = ingest(dir, run.registry);
    expect(run.registry.files.map((f) => f.name)).toEqual(["web_activity.log"]);
  });

  it("reads the file it planned even when it is renamed (and replaced) between planning and reading", () => {
    const { dir, path } = setup();
    writeFileSync(path(), "a1\na2\n");
    let run = ingest(dir, emptyRegistry());
    appendFileSync(path(), "a3\n");
    const plan = planReads(dir, [webStream], run.registry);
    renameSync(path(), path(".1"));
    writeFileSync(path(), "zz1\nzz2\nzz3\n");
    const { files, registry } = readPlan(plan);
    expect(files.map((f) => f.lines.getColumn("message").toArray())).toEqual([["a3"]]);
    run = ingest(dir, registry);
    expect(run.read).toEqual({ "web_activity.log (new)": ["zz1", "zz2", "zz3"] });
  });
});
