import { appendFileSync, mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { emptyRegistry } from "../../src/ingest/file-registry.js";
import { ingest } from "../support/ingest.js";

// Opening a file fails with the code set here for its path: permission denied even when the
// tests run as root, or a file that vanished between listing the directory and opening it.
const failing = vi.hoisted(() => new Map<string, string>());
// Run once just before the file at this path is opened: a rotation in the middle of listing.
const before = vi.hoisted(() => new Map<string, () => void>());
// Run every time a file is about to be opened, while set.
const onOpen = vi.hoisted(() => ({ hook: undefined as ((path: string) => void) | undefined }));
vi.mock("../../src/io/content-source.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/io/content-source.js")>();
  return {
    ...actual,
    openContent(path: string) {
      const hook = before.get(path);
      before.delete(path);
      hook?.();
      onOpen.hook?.(path);
      const code = failing.get(path);
      if (code) throw Object.assign(new Error(`${code}: ${path}`), { code });
      return actual.openContent(path);
    },
  };
});


describe("files skipped for a run keep their entries, and are read once when retried", () => {
  it("an unreadable file: skipped with a warning, then read from where it was, not from the start", () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionize-skip-"));
    const live = join(dir, "web_activity.log");
    writeFileSync(live, "a1\n");
    let run = ingest(dir, emptyRegistry());
    appendFileSync(live, "a2\n");
    failing.set(live, "EACCES");
    run = ingest(dir, run.registry);
    failing.clear();
    expect(run.read).toEqual({});
    expect(run.warnings).toEqual([`skipped ${live}: permission denied; it will be retried on the next run`]);
    expect(run.registry.files.map((f) => [f.name, f.offset])).toEqual([["web_activity.log", 3]]);
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log (grown)": ["a2"] });
  });

  it("a file that vanished while the directory was listed: every entry no file continued is kept", () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionize-skip-"));
    const rotated = join(dir, "web_activity.log.1");
    writeFileSync(rotated, "a1\n");
    writeFileSync(join(dir, "web_activity.log"), "b1\n");
    let run = ingest(dir, emptyRegistry());
    failing.set(rotated, "ENOENT");
    run = ingest(dir, run.registry);
    failing.clear();
    expect(run.read).toEqual({});
    expect(run.warnings[0]).toMatch(/skipped .*web_activity.log.1: it vanished while being read; it will be retried/);
    expect(run.registry.files.map((f) => f.name).sort()).toEqual(["web_activity.log", "web_activity.log.1"]);
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({});
  });

  it("a rotation while the directory is listed: the listing is taken again, so no file is missed and none read twice", () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionize-skip-"));
    const path = (suffix = "") => join(dir, `web_activity.log${suffix}`);
    writeFileSync(path(".1"), "p1\n");
    writeFileSync(path(), "a1\n");
    let run = ingest(dir, emptyRegistry());
    before.set(path(".1"), () => {
      renameSync(path(".1"), path(".2"));
      renameSync(path(), path(".1"));
      writeFileSync(path(), "n1\n");
    });
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({ "web_activity.log (new)": ["n1"] });
    expect(run.registry.files.map((f) => f.name).sort()).toEqual(["web_activity.log", "web_activity.log.1", "web_activity.log.2"]); // all seen where they are now
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({});
  });

  it("a directory that keeps changing through every listing: what was opened is read, nothing is concluded from absence, the rest is read next run", () => {
    const dir = mkdtempSync(join(tmpdir(), "sessionize-skip-"));
    const path = (n = 0) => join(dir, n === 0 ? "web_activity.log" : `web_activity.log.${n}`);
    writeFileSync(path(1), "p1\n");
    writeFileSync(path(), "a1\n");
    let run = ingest(dir, emptyRegistry());
    // Just before the oldest listed file is opened, every time: a rotation (each file one up,
    // a new live file), so that no two listings agree.
    let rotations = 0;
    onOpen.hook = (opened) => {
      if (opened !== path(rotations + 1)) return;
      rotations += 1;
      for (let n = rotations; n >= 1; n--) renameSync(path(n), path(n + 1));
      renameSync(path(), path(1));
      writeFileSync(path(), `n${rotations}\n`);
    };
    try {
      run = ingest(dir, run.registry);
    } finally {
      onOpen.hook = undefined;
    }
    expect(rotations).toBe(3); // listed three times, the last time too under a rotation
    // The last listing (.3, .2, .1, live) was opened after its rotation: a1, n1, n2, n3 under
    // those names; p1, now .4, was not seen, and its entry is kept, not dropped as deleted.
    expect(run.read).toEqual({ "web_activity.log.2 (new)": ["n1"], "web_activity.log.1 (new)": ["n2"], "web_activity.log (new)": ["n3"] });
    expect(run.warnings).toEqual([`the files of stream web in ${dir} kept changing while they were listed; any that arrived meanwhile are read on the next run`]);
    // (p1's entry kept as it was: under the name .1 it was read under)
    expect(run.registry.files.map((f) => f.name).sort()).toEqual(["web_activity.log", "web_activity.log.1", "web_activity.log.1", "web_activity.log.2", "web_activity.log.3"]);
    run = ingest(dir, run.registry);
    expect(run.read).toEqual({});
    expect(run.warnings).toEqual([]);
    expect(run.registry.files.map((f) => f.name).sort()).toEqual(["web_activity.log", "web_activity.log.1", "web_activity.log.2", "web_activity.log.3", "web_activity.log.4"]);
  });
});
