import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { openStore, readHolder } from "../../src/store/index.js";
import { checkLayout } from "../../src/store/layout.js";
import { readAllManifests } from "../../src/store/prune.js";
import { COMMITTER, finished, rowsAt, spawnNode, waitForLine } from "./support/children.js";

const TABLES = ["alpha", "beta", "gamma"];
const KEEP = 5;
const tempStore = () => join(mkdtempSync(join(tmpdir(), "sessionize-crash-")), "store");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A small seeded generator (mulberry32), so that a failing sequence of kill moments can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The table content COMMITTER writes at version `v` (every row says its commit). */
function expectTableAt(frame: pl.DataFrame, table: string, v: number): void {
  expect(frame.height, `${table} rows at version ${v}`).toBe(rowsAt(v, table));
  expect(frame.getColumn("commit").unique().toArray(), `${table} content at version ${v}`).toEqual([v]);
}

/**
 * Open the store as a fresh reader and check that it is consistent: every table at the store's
 * version with that version's content, the state of that commit, and every kept version readable.
 */
function expectConsistent(dir: string, keep: number, allVersions = true): number {
  if (!existsSync(join(dir, "sessionize-store.json"))) return 0; // killed before the store existed
  const store = openStore(dir);
  const v = store.version;
  if (v === 0) return 0;
  expect(store.tables().map((t) => [t.name, t.version, t.rows])).toEqual(TABLES.map((t) => [t, v, rowsAt(v, t)]));
  expect(store.readState()).toEqual({ commit: v });
  for (const table of TABLES) {
    if (!allVersions) {
      expectTableAt(store.scan(table).collectSync(), table, v);
      continue;
    }
    const versions = store.versions(table).map((x) => x.version);
    expect(versions[versions.length - 1]).toBe(v);
    expect(versions.length).toBeLessThanOrEqual(keep + 1); // a kill between publish and prune leaves one more
    for (const version of versions) expectTableAt(store.scan(table, { version }).collectSync(), table, version);
  }
  return v;
}

/** One lane: a store that committers write to and that is SIGKILLed `kills` times. */
async function killLoop(seed: number, kills: number): Promise<{ dir: string; version: number }> {
  const rand = random(seed);
  const dir = tempStore();
  let version = 0;
  // Each committer is started one round ahead and told to go when its turn comes: starting
  // Node and Polars is the slow part, and it overlaps with the previous round this way.
  const warm = () => {
    const child = spawnNode(COMMITTER, { STORE: dir, KEEP: String(KEEP), GO: "1" });
    return { child, exit: finished(child) };
  };
  let next = warm();
  for (let k = 0; k < kills; k++) {
    const { child, exit } = next;
    if (k + 1 < kills) next = warm();
    child.stdin!.write("go\n");
    const mode = k === 0 ? "anytime" : rand() < 0.5 ? "after-ready" : "after-commit";
    if (mode === "anytime") await sleep(rand() * 400); // possibly while it creates the store
    else await waitForLine(child, mode === "after-ready" ? /^ready$/ : /^committed /);
    if (mode !== "anytime") await sleep(rand() * 40);
    child.kill("SIGKILL");
    const { signal, stderr } = await exit;
    expect(errorsIn(stderr), `committer failed instead of being killed (seed ${seed}, kill ${k})`).toBe("");
    expect(signal === "SIGKILL" || signal === null).toBe(true);
    const now = expectConsistent(dir, KEEP);
    expect(now, `version went back (seed ${seed}, kill ${k})`).toBeGreaterThanOrEqual(version);
    version = now;
  }
  return { dir, version };
}

/** What a committer wrote to stderr besides prune's notes of the leftovers of killed writers it removed. */
const errorsIn = (stderr: string) =>
  stderr
    .split("\n")
    .filter((line) => line !== "" && !/^sessionize: store .*: removed .*(did not finish\)?|which is not running)$/.test(line))
    .join("\n");

describe("crash safety of the store alone", () => {
  it("a committer SIGKILLed at random moments (24 times) always leaves a readable, consistent store", async () => {
    const lanes = await Promise.all([11, 22, 33].map((seed) => killLoop(seed, 8)));
    for (const { dir, version } of lanes) {
      // Every lane made progress: half of the kills come after a commit was reported.
      expect(version).toBeGreaterThan(0);
      // A writer that runs to completion takes over the dead writer's lock and clears its leftovers.
      const child = spawnNode(COMMITTER, { STORE: dir, KEEP: String(KEEP), COMMITS: "1" });
      const { code, stderr } = await finished(child);
      expect(errorsIn(stderr)).toBe("");
      expect(code).toBe(0);
      expect(expectConsistent(dir, KEEP)).toBe(version + 1);
      const leftovers = checkLayout(dir);
      expect(leftovers.temporary).toEqual([]);
      const referenced = new Set(readAllManifests(dir).flatMap((m) => Object.values(m.tables).flatMap((e) => e.parts.map((p) => p.file))));
      expect(leftovers.dataFiles.filter((f) => !referenced.has(f))).toEqual([]);
      expect(readAllManifests(dir)).toHaveLength(Math.min(KEEP, version + 1));
      expect(readHolder(join(dir, "write.lock"))).toBeUndefined();
      expect(readdirSync(dir).sort()).toEqual(["data", "manifests", "sessionize-store.json"]);
    }
  });

  it("a reader scanning while a writer commits only ever sees whole commits", async () => {
    const dir = tempStore();
    openStore(dir, { create: true });
    const writer = spawnNode(COMMITTER, { STORE: dir, COMMITS: "25" });
    const exit = finished(writer);
    let running = true;
    void exit.then(() => (running = false));
    let reads = 0;
    let last = 0;
    while (running) {
      const version = expectConsistent(dir, 20, false);
      expect(version).toBeGreaterThanOrEqual(last);
      last = version;
      reads++;
      await new Promise((r) => setImmediate(r));
    }
    const { code, stderr } = await exit;
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(reads).toBeGreaterThan(0);
    expect(expectConsistent(dir, 20)).toBe(25);
  });
});
