import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { describe, expect, it, vi } from "vitest";
import { openStore, StoreConflictError, StoreDamagedError } from "../src/store/index.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "sessionize-store-"));
const ints = (n: number, name = "a") => pl.DataFrame({ [name]: Array.from({ length: n }, (_, i) => i) });
const files = (dir: string, sub: string) => (existsSync(join(dir, sub)) ? readdirSync(join(dir, sub)).sort() : []);

describe("openStore: tables, scans, schemas", () => {
  it("writes tables as Parquet that any reader opens, with row counts and versions", () => {
    const dir = join(tempDir(), "store");
    const store = openStore(dir, { create: true });
    expect(store.version).toBe(0);
    expect(store.tables()).toEqual([]);
    expect(store.commit({ b_table: ints(3), a_table: pl.DataFrame({ s: ["x"] }) }, { run: "r1" })).toEqual({ version: 1 });
    expect(store.tables()).toEqual([
      { name: "a_table", rows: 1, version: 1 },
      { name: "b_table", rows: 3, version: 1 },
    ]);
    const [file] = files(dir, "data/b_table");
    expect(file).toMatch(/^00000001-[0-9a-f]+\.parquet$/);
    expect(pl.readParquet(join(dir, "data/b_table", file)).getColumn("a").toArray()).toEqual([0, 1, 2]);
    expect(openStore(dir).scan("a_table").collectSync().toRecords()).toEqual([{ s: "x" }]);
    expect(files(dir, "manifests")).toEqual(["00000001.json"]);
  });

  it("keeps a large table's rows in their order, with every value and dtype", () => {
    // several row groups and morsels: a sink that reorders them would fail this
    const n = 1_500_003;
    const order = Array.from({ length: n }, (_, i) => (i * 7919) % n);
    const frame = pl.DataFrame({
      k: order,
      s: order.map((x) => (x % 97 === 0 ? null : `v${x}`)),
      t: pl.Series("t", order.map((x) => x * 1_000), pl.Int64).cast(pl.Datetime("us", "UTC")),
    });
    const store = openStore(join(tempDir(), "s"), { create: true });
    store.commit({ big: frame });
    const back = store.scan("big").collectSync();
    expect(back.schema).toEqual(frame.schema);
    expect(back.frameEqual(frame, true)).toBe(true);
  });

  it("keeps zero-row tables with their schema", () => {
    const store = openStore(join(tempDir(), "s"), { create: true });
    store.commit({ empty: pl.DataFrame([pl.Series("when", [], pl.Datetime("us", "UTC")), pl.Series("n", [], pl.Int32)]) });
    const back = store.scan("empty").collectSync();
    expect(back.height).toBe(0);
    expect(back.columns).toEqual(["when", "n"]);
    expect(String(back.getColumn("n").dtype)).toContain("Int32");
  });

  it("names an unknown table and lists the known ones", () => {
    const store = openStore(join(tempDir(), "s"), { create: true });
    expect(() => store.scan("nope")).toThrow('unknown table "nope" in store');
    expect(() => store.scan("nope")).toThrow("(it has no tables)");
    store.commit({ t1: ints(1), t2: ints(1) });
    expect(() => store.scan("nope")).toThrow("(tables: t1, t2)");
    expect(() => store.versions("nope")).toThrow('unknown table "nope"');
    expect(store.has("t1")).toBe(true);
    expect(store.has("nope")).toBe(false);
  });

  it("refuses a missing store unless asked to create it, and a directory that is not a store", () => {
    const parent = tempDir();
    expect(() => openStore(join(parent, "missing"))).toThrow(/does not exist/);
    expect(existsSync(join(parent, "missing"))).toBe(false);
    openStore(join(parent, "other"), { create: true });
    writeFileSync(join(parent, "stray.txt"), "not ours");
    expect(() => openStore(parent, { create: true })).toThrow(/is not a sessionize store/);
    expect(readdirSync(parent).sort()).toEqual(["other", "stray.txt"]);
    mkdirSync(join(parent, "empty"));
    expect(() => openStore(join(parent, "empty"))).toThrow(/is empty/);
  });

  it("refuses invalid table names and keep values", () => {
    const store = openStore(join(tempDir(), "s"), { create: true });
    expect(() => store.commit({ "../evil": ints(1) })).toThrow('invalid table name "../evil"');
    expect(() => store.commit({ t: ints(1) }, { keep: 0 })).toThrow(/keep must be a whole number/);
    expect(() => openStore(join(tempDir(), "s"), { create: true, keep: 1.5 })).toThrow(/keep must be/);
    expect(store.version).toBe(0);
  });
});

describe("versions", () => {
  it("lists each table's versions with time, rows and run, and reads any of them", () => {
    const store = openStore(join(tempDir(), "s"), { create: true });
    store.commit({ t: ints(1), u: ints(10) }, { run: "first" });
    store.commit({ t: ints(2) }, { run: "second" });
    store.commit({ t: ints(3) }, { run: "third" });
    const versions = store.versions("t");
    expect(versions.map(({ version, rows, run }) => ({ version, rows, run }))).toEqual([
      { version: 1, rows: 1, run: "first" },
      { version: 2, rows: 2, run: "second" },
      { version: 3, rows: 3, run: "third" },
    ]);
    for (const v of versions) expect(new Date(v.time).toISOString()).toBe(v.time);
    expect(store.scan("t", { version: 2 }).collectSync().height).toBe(2);
    expect(store.scan("t", { version: 1 }).collectSync().height).toBe(1);
    // A table a commit did not write keeps its content and its version.
    expect(store.versions("u").map((v) => v.version)).toEqual([1]);
    expect(store.tables()).toEqual([
      { name: "t", rows: 3, version: 3 },
      { name: "u", rows: 10, version: 1 },
    ]);
    expect(() => store.scan("u", { version: 2 })).toThrow('table "u" has no version 2 in store');
    expect(() => store.scan("t", { version: 9 })).toThrow("(versions: 1, 2, 3)");
  });

  it("commits state with the tables; a commit without state keeps the previous one", () => {
    const dir = join(tempDir(), "s");
    const store = openStore(dir, { create: true });
    expect(store.readState()).toBeUndefined();
    store.commit({ t: ints(1) }, { state: { files: [{ name: "x.log", offset: 120 }] } });
    store.commit({ t: ints(2) });
    expect(openStore(dir).readState()).toEqual({ files: [{ name: "x.log", offset: 120 }] });
    store.commit({}, { state: null });
    expect(openStore(dir).readState()).toBeNull();
    expect(openStore(dir).version).toBe(3);
  });

  it("a commit that fails before its manifest is in place leaves the previous version and no files behind", () => {
    const dir = join(tempDir(), "s");
    const store = openStore(dir, { create: true });
    store.commit({ t: ints(1) }, { state: { n: 1 } });
    expect(() => store.commit({ t: ints(2), u: ints(3) }, { state: { n: 10n } })).toThrow(/BigInt/);
    expect(store.version).toBe(1);
    expect(openStore(dir).readState()).toEqual({ n: 1 });
    expect(files(dir, "data/t")).toHaveLength(1);
    expect(files(dir, "data/u")).toEqual([]);
    expect(files(dir, "manifests")).toEqual(["00000001.json"]);
    expect(existsSync(join(dir, "write.lock"))).toBe(false);
    expect(store.commit({ t: ints(2) }).version).toBe(2);
  });

  it("a handle reads one version until it commits or refreshes; a stale handle cannot commit", () => {
    const dir = join(tempDir(), "s");
    const first = openStore(dir, { create: true });
    first.commit({ t: ints(1) });
    const reader = openStore(dir);
    const writer = openStore(dir);
    writer.commit({ t: ints(2) });
    expect(reader.version).toBe(1);
    expect(reader.scan("t").collectSync().height).toBe(1);
    expect(() => first.commit({ t: ints(5) })).toThrow(StoreConflictError);
    expect(() => first.commit({ t: ints(5) })).toThrow(/at version 2 but this handle read version 1/);
    reader.refresh();
    expect(reader.scan("t").collectSync().height).toBe(2);
    expect(openStore(dir).version).toBe(2);
  });
});

describe("keep: old versions are pruned after the commit that drops them", () => {
  it("keeps the newest N versions and the files they refer to", () => {
    const dir = join(tempDir(), "s");
    const store = openStore(dir, { create: true, keep: 3 });
    store.commit({ t: ints(1), stays: ints(7) });
    for (let n = 2; n <= 6; n++) store.commit({ t: ints(n) });
    expect(files(dir, "manifests")).toEqual(["00000004.json", "00000005.json", "00000006.json"]);
    expect(store.versions("t").map((v) => v.version)).toEqual([4, 5, 6]);
    expect(files(dir, "data/t").map((f) => f.slice(0, 8))).toEqual(["00000004", "00000005", "00000006"]);
    // Written at version 1 and never since: still current, so its file stays.
    expect(store.versions("stays").map((v) => v.version)).toEqual([1]);
    expect(store.scan("stays").collectSync().height).toBe(7);
    expect(() => store.scan("t", { version: 2 })).toThrow("(versions: 4, 5, 6)");
    // keep per commit
    store.commit({ t: ints(7) }, { keep: 1 });
    expect(files(dir, "manifests")).toEqual(["00000007.json"]);
    expect(files(dir, "data/t")).toHaveLength(1);
    expect(files(dir, "data/stays")).toHaveLength(1);
  });

  it("ignores the leftovers of an unfinished commit, and the next commit removes them", () => {
    const dir = join(tempDir(), "s");
    const store = openStore(dir, { create: true });
    store.commit({ t: ints(1) });
    const referenced = files(dir, "data/t")[0];
    // What a writer killed before publishing version 2 leaves behind.
    ints(5).writeParquet(join(dir, "data/t/00000002-0badc0de.parquet"));
    mkdirSync(join(dir, "data/new_table"));
    ints(5).writeParquet(join(dir, "data/new_table/00000002-0badc0de.parquet"));
    writeFileSync(join(dir, "data/t/.tmp-123-abc"), "PAR1 half");
    writeFileSync(join(dir, "manifests/.tmp-123-def"), '{"format": "sessionize-store-manif');
    const reader = openStore(dir);
    expect(reader.version).toBe(1);
    expect(reader.tables()).toEqual([{ name: "t", rows: 1, version: 1 }]);
    expect(reader.scan("t").collectSync().height).toBe(1);

    store.commit({ t: ints(2) });
    expect(files(dir, "manifests")).toEqual(["00000001.json", "00000002.json"]);
    expect(files(dir, "data/t")).toHaveLength(2);
    expect(files(dir, "data/t")).toContain(referenced);
    expect(files(dir, "data/t")).not.toContain("00000002-0badc0de.parquet");
    expect(files(dir, "data/new_table")).toEqual([]);
    expect(openStore(dir).scan("t", { version: 1 }).collectSync().height).toBe(1);
  });
});

describe("one frame under two names", () => {
  it("is written once, read under both names, and kept while either table still refers to it", () => {
    const dir = join(tempDir(), "s");
    const store = openStore(dir, { create: true, keep: 2 });
    const frame = pl.DataFrame({ a: [1, 2, 3] });
    store.commit({ batch: frame, history: frame });
    const files = () => readdirSync(join(dir, "data"), { recursive: true }).filter((f) => String(f).endsWith(".parquet"));
    expect(files()).toHaveLength(1);
    const [shared] = files();
    expect(store.scan("history").collectSync().toRecords()).toEqual(frame.toRecords());
    store.commit({ batch: pl.DataFrame({ a: [9] }) }); // history still refers to the shared file
    store.commit({ batch: pl.DataFrame({ a: [8] }) }); // the first version is pruned (keep 2)
    expect(openStore(dir).scan("history").collectSync().toRecords()).toEqual(frame.toRecords());
    store.commit({ history: pl.DataFrame({ a: [7] }) });
    store.commit({ history: pl.DataFrame({ a: [6] }) });
    // kept: versions 4 and 5 (batch [8]; history [7] and [6]): the shared file went with its last reference
    expect(files()).toHaveLength(3);
    expect(files()).not.toContain(shared);
  });
});

describe("a table given as some columns of a frame", () => {
  const listParquet = (dir: string) => readdirSync(join(dir, "data"), { recursive: true }).map(String).filter((f) => f.endsWith(".parquet")).sort();

  it("shares the frame's file, under the directory of the table that is all of it, and scans only its columns, in its order", () => {
    const dir = join(tempDir(), "s");
    const store = openStore(dir, { create: true });
    const sessionized = pl.DataFrame({ a: [1, 2], b: ["x", "y"], session: [1, 1] });
    // the projection first: the file must still go under the whole frame's table
    store.commit({ history: { columnsOf: sessionized, columns: ["b", "a"] }, sessionized });
    expect(listParquet(dir)).toHaveLength(1);
    expect(listParquet(dir)[0]).toMatch(/^sessionized\//);
    const reopened = openStore(dir);
    expect(reopened.scan("history").collectSync().toRecords()).toEqual([{ b: "x", a: 1 }, { b: "y", a: 2 }]);
    expect(reopened.scan("sessionized").collectSync().columns).toEqual(["a", "b", "session"]);
    expect(reopened.tables()).toEqual([
      { name: "history", rows: 2, version: 1 },
      { name: "sessionized", rows: 2, version: 1 },
    ]);
    // history as of version 1 stays readable after both tables move on, and the file goes with its last reference
    reopened.commit({ sessionized: pl.DataFrame({ a: [3], b: ["z"], session: [2] }) });
    expect(reopened.scan("history", { version: 1 }).collectSync().columns).toEqual(["b", "a"]);
    expect(reopened.scan("history").collectSync().height).toBe(2);
  });

  it("is written under its own name when the frame is not committed whole, and all columns in order is the frame itself", () => {
    const dir = join(tempDir(), "s");
    const store = openStore(dir, { create: true });
    const frame = pl.DataFrame({ a: [1], b: [2] });
    store.commit({ only_a: { columnsOf: frame, columns: ["a"] }, all_of_it: { columnsOf: frame, columns: ["a", "b"] } });
    expect(listParquet(dir)).toHaveLength(1);
    expect(store.scan("only_a").collectSync().toRecords()).toEqual([{ a: 1 }]);
    expect(store.scan("all_of_it").collectSync().toRecords()).toEqual([{ a: 1, b: 2 }]);
    const manifest = JSON.parse(readFileSync(join(dir, "manifests", "00000001.json"), "utf8"));
    expect(manifest.tables.only_a.columns).toEqual(["a"]);
    expect(manifest.tables.all_of_it.columns).toBeUndefined();
  });

  it("must name some of the frame's columns, each once: otherwise nothing is written", () => {
    const dir = join(tempDir(), "s");
    const store = openStore(dir, { create: true });
    const frame = pl.DataFrame({ a: [1], b: [2] });
    expect(() => store.commit({ t: { columnsOf: frame, columns: ["a", "c"] } })).toThrow(`table "t" is given as columns of a frame, but names columns the frame does not have (c)`);
    expect(() => store.commit({ t: { columnsOf: frame, columns: [] } })).toThrow(`table "t" is given as columns of a frame, but names no columns`);
    expect(() => store.commit({ t: { columnsOf: frame, columns: ["a", "a"] } })).toThrow(`table "t" is given as columns of a frame, but names a column twice`);
    expect(store.version).toBe(0);
    expect(existsSync(join(dir, "data", "t"))).toBe(false);
  });
});

describe("stage: a table written before its commit", () => {
  const listParquet = (dir: string) => readdirSync(join(dir, "data"), { recursive: true }).map(String).filter((f) => f.endsWith(".parquet")).sort();

  it("is written at once, invisible until the commit, then read like any table", async () => {
    const dir = join(tempDir(), "s");
    const store = openStore(dir, { create: true });
    await store.withWriteLock(() => {
      const staged = store.stage("early", pl.DataFrame({ a: [1, 2] }));
      expect(listParquet(dir)).toHaveLength(1); // on disk already
      expect(openStore(dir).has("early")).toBe(false); // but no reader sees it
      store.commit({ early: staged, late: pl.DataFrame({ b: ["x"] }) });
    });
    const reopened = openStore(dir);
    expect(reopened.tables()).toEqual([
      { name: "early", rows: 2, version: 1 },
      { name: "late", rows: 1, version: 1 },
    ]);
    expect(reopened.scan("early").collectSync().getColumn("a").toArray()).toEqual([1, 2]);
  });

  it("needs the write lock, its own name, this handle and the next version; a staged table is committed once", async () => {
    const dir = join(tempDir(), "s");
    const store = openStore(dir, { create: true });
    expect(() => store.stage("t", ints(1))).toThrow(`stage("t") needs the write lock of store ${dir} (use withWriteLock)`);
    await store.withWriteLock(() => {
      const staged = store.stage("t", ints(1));
      expect(() => store.commit({ other: staged })).toThrow(`table "t" was staged, but is committed as "other"`);
      expect(() => openStore(dir).commit({ t: staged })).toThrow(`table "t" was not staged by this handle of store ${dir}, or is committed already`);
      store.commit({ t: staged });
      expect(() => store.commit({ t: staged })).toThrow(`table "t" was not staged by this handle of store ${dir}, or is committed already`);
      const stale = store.stage("t", ints(2));
      store.commit({ u: ints(3) }); // version 2 is another commit now
      expect(() => store.commit({ t: stale })).toThrow(`table "t" was staged for version 2, but the next commit of store ${dir} is version 3`);
    });
    expect(openStore(dir).scan("t").collectSync().height).toBe(1);
  });

  it("left uncommitted (the process died), is removed by the next commit as a leftover", async () => {
    const dir = join(tempDir(), "s");
    const store = openStore(dir, { create: true });
    await store.withWriteLock(() => void store.stage("t", ints(1)));
    expect(listParquet(dir)).toHaveLength(1);
    const messages: string[] = [];
    const write = vi.spyOn(process.stderr, "write").mockImplementation((m) => messages.push(String(m)) > 0);
    try {
      openStore(dir).commit({ u: ints(2) });
    } finally {
      write.mockRestore();
    }
    expect(listParquet(dir)).toEqual([expect.stringMatching(/^u\//)]);
    expect(messages.join("\n")).toMatch(/removed data\/t\/00000001-[0-9a-f]+\.parquet: no version refers to it/);
  });
});

describe("stage in parts: a table written a part at a time", () => {
  const manifest = (dir: string, version: number) => JSON.parse(readFileSync(join(dir, "manifests", `${String(version).padStart(8, "0")}.json`), "utf8"));

  it("reads as the parts' rows one after the other; other tables can be some of its columns", async () => {
    const dir = join(tempDir(), "s");
    const store = openStore(dir, { create: true });
    const part = (from: number, n: number) =>
      pl.DataFrame([pl.Series("a", Array.from({ length: n }, (_, i) => from + i), pl.Int64), pl.Series("b", Array.from({ length: n }, (_, i) => `r${from + i}`), pl.Utf8)]);
    await store.withWriteLock(() => {
      let staged = store.stage("big", part(0, 3));
      staged = store.stage("big", part(3, 0), staged); // an empty part is a part
      const first = staged;
      staged = store.stage("big", part(3, 4), staged);
      expect(staged.staged.rows).toBe(7);
      expect(() => store.commit({ big: first })).toThrow(`table "big" was not staged by this handle of store ${dir}, or is committed already`);
      store.commit({ big: staged, only_b: { columnsOf: staged, columns: ["b"] } });
    });
    const reopened = openStore(dir);
    expect(reopened.tables()).toEqual([
      { name: "big", rows: 7, version: 1 },
      { name: "only_b", rows: 7, version: 1 },
    ]);
    expect(reopened.scan("big").collectSync().getColumn("a").toArray()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(reopened.scan("only_b").collectSync().columns).toEqual(["b"]);
    expect(reopened.scan("only_b").collectSync().getColumn("b").toArray()).toEqual(["r0", "r1", "r2", "r3", "r4", "r5", "r6"]);
    const entries = manifest(dir, 1).tables;
    expect(manifest(dir, 1).formatVersion).toBe(2);
    expect(entries.big.parts.map((p: { rows: number }) => p.rows)).toEqual([3, 0, 4]);
    expect(entries.only_b.parts).toEqual(entries.big.parts); // the same files, written once
    expect(files(dir, "data/big")).toHaveLength(3);
    expect(existsSync(join(dir, "data", "only_b"))).toBe(false);
  });

  it("refuses a further part with other columns or types, and keeps nothing of a table never committed", async () => {
    const dir = join(tempDir(), "s");
    const store = openStore(dir, { create: true });
    await store.withWriteLock(() => {
      const staged = store.stage("t", ints(2));
      expect(() => store.stage("t", ints(2, "b"), staged)).toThrow(`a further part of table "t" must have its columns (a: Float64), not (b: Float64)`);
      expect(() => store.stage("t", pl.DataFrame({ a: ["x"] }), staged)).toThrow(`a further part of table "t" must have its columns (a: Float64), not (a: String)`);
      expect(() => store.stage("u", ints(1), staged)).toThrow(`table "t" was staged, but is committed as "u"`);
      store.stage("t", ints(1), staged); // never committed
    });
    const messages: string[] = [];
    const write = vi.spyOn(process.stderr, "write").mockImplementation((m) => messages.push(String(m)) > 0);
    try {
      openStore(dir).commit({ u: ints(1) });
    } finally {
      write.mockRestore();
    }
    expect(files(dir, "data/t")).toEqual([]);
    expect(messages.filter((m) => m.includes("data/t/"))).toHaveLength(2);
  });

  it("prunes every part of a dropped version and keeps every part of a kept one", async () => {
    const dir = join(tempDir(), "s");
    const store = openStore(dir, { create: true, keep: 1 });
    await store.withWriteLock(() => {
      const staged = store.stage("t", ints(2), store.stage("t", ints(1)));
      store.commit({ t: staged });
    });
    expect(files(dir, "data/t")).toHaveLength(2);
    await store.withWriteLock(() => {
      const staged = store.stage("t", ints(3), store.stage("t", ints(4), store.stage("t", ints(5))));
      store.commit({ t: staged });
    });
    expect(files(dir, "data/t")).toHaveLength(3);
    expect(files(dir, "data/t").every((f) => f.startsWith("00000002-"))).toBe(true);
    expect(openStore(dir).scan("t").collectSync().height).toBe(12);
  });

  it("reads a store whose manifests are of the first format (one file per table)", () => {
    const dir = join(tempDir(), "s");
    const store = openStore(dir, { create: true });
    store.commit({ t: ints(3), u: ints(1) });
    // the manifest as the first format wrote it: `file` and `bytes` on the entry, no parts
    const m = manifest(dir, 1);
    m.formatVersion = 1;
    for (const entry of Object.values(m.tables) as Array<Record<string, unknown> & { parts?: Array<{ file: string; bytes: number }> }>) {
      const [{ file, bytes }] = entry.parts!;
      delete entry.parts;
      Object.assign(entry, { file, bytes });
    }
    writeFileSync(join(dir, "manifests", "00000001.json"), JSON.stringify(m));
    const old = openStore(dir);
    expect(old.tables()).toEqual([
      { name: "t", rows: 3, version: 1 },
      { name: "u", rows: 1, version: 1 },
    ]);
    expect(old.scan("t").collectSync().getColumn("a").toArray()).toEqual([0, 1, 2]);
    old.commit({ u: ints(2) });
    expect(manifest(dir, 2).formatVersion).toBe(2);
    expect(manifest(dir, 2).tables.t.parts).toEqual([{ file: m.tables.t.file, bytes: m.tables.t.bytes, rows: 3 }]);
    expect(openStore(dir).scan("t").collectSync().height).toBe(3);
  });

  it("names a missing part as a damaged store", async () => {
    const dir = join(tempDir(), "s");
    const store = openStore(dir, { create: true });
    await store.withWriteLock(() => void store.commit({ t: store.stage("t", ints(2), store.stage("t", ints(1))) }));
    const second = manifest(dir, 1).tables.t.parts[1];
    rmSync(join(dir, second.file));
    expect(() => openStore(dir)).toThrow(StoreDamagedError);
    expect(() => openStore(dir)).toThrow(`${join(dir, second.file)}: data file missing (version 1, 2 rows)`);
  });
});
