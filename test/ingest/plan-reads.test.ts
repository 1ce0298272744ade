import { appendFileSync, chmodSync, mkdtempSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { emptyRegistry, type FileRegistry } from "../../src/ingest/file-registry.js";
import { planReads, type PlannedRead } from "../../src/ingest/plan-reads.js";
import { readPlan } from "../../src/ingest/read-plan.js";
import { webStream } from "../../src/streams.js";

/** One run's reading, as the pipeline does it: plan, read what is new, update the registry. */
function ingest(dir: string, registry: FileRegistry, since?: Date) {
  const plan = planReads(dir, [webStream], registry, { since });
  const kinds = plan.reads.map((r: PlannedRead) => `${r.file.name}:${r.kind}`);
  const { files, registry: next } = readPlan(plan);
  const read: Record<string, string[]> = {};
  for (const f of files) {
    if (f.kind !== "unchanged") read[`${f.read.file.name} (${f.kind})`] = f.lines.getColumn("message").toArray() as string[];
  }
  return { read, registry: next, kinds, done: files.map((f) => `${f.read.file.name}:${f.kind}`), warnings: plan.warnings };
}

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
});
