import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import pl from "nodejs-polars";
import { beforeAll, describe, expect, it } from "vitest";
import { openStore, StoreDamagedError } from "../../src/store/index.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "sessionize-damaged-"));

/** Every file under `dir` with a hash of its content: to prove that nothing was changed. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = createHash("sha1").update(readFileSync(path)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

/** Assert that `action` throws a StoreDamagedError naming `file`, and changes nothing in `dir`. */
function expectDamage(dir: string, action: () => unknown, file: string, problem: RegExp): void {
  const before = fingerprint(dir);
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught, "expected an error").toBeInstanceOf(StoreDamagedError);
  expect((caught as StoreDamagedError).file).toBe(join(dir, file));
  expect((caught as Error).message).toContain(join(dir, file));
  expect((caught as Error).message).toMatch(problem);
  expect(fingerprint(dir)).toEqual(before);
}

describe("a damaged store gives a clear error naming the file, and nothing is repaired", () => {
  const pristine = join(tempDir(), "pristine");
  let dataFile: (table: string, version: number) => string;

  beforeAll(() => {
    const store = openStore(pristine, { create: true });
    store.commit({ alpha: pl.DataFrame({ a: [1, 2, 3] }), beta: pl.DataFrame({ b: ["x"] }) }, { run: "one" });
    store.commit({ alpha: pl.DataFrame({ a: [1, 2, 3, 4] }) }, { run: "two" });
    dataFile = (table, version) => `data/${table}/${readdirSync(join(pristine, "data", table)).find((f) => f.startsWith(String(version).padStart(8, "0")))}`;
  });

  const damaged = (damage: (dir: string) => void) => {
    const dir = join(tempDir(), "store");
    cpSync(pristine, dir, { recursive: true });
    damage(dir);
    return dir;
  };

  it("the latest manifest cut short", () => {
    const dir = damaged((d) => truncateSync(join(d, "manifests/00000002.json"), 40));
    expectDamage(dir, () => openStore(dir), "manifests/00000002.json", /manifest is cut short/);
    expectDamage(dir, () => openStore(dir, { create: true }).commit({ alpha: pl.DataFrame({ a: [1] }) }), "manifests/00000002.json", /cut short/);
  });

  it("the latest manifest empty, not JSON, or JSON that is not a manifest", () => {
    for (const [content, problem] of [
      ["", /manifest is empty/],
      ["hello", /manifest is not valid JSON/],
      ['{"tables": {}}', /not a valid sessionize manifest: "format"/],
    ] as const) {
      const dir = damaged((d) => writeFileSync(join(d, "manifests/00000002.json"), content));
      expectDamage(dir, () => openStore(dir), "manifests/00000002.json", problem);
    }
  });

  it("a manifest whose content says another version than its name", () => {
    const dir = damaged((d) => writeFileSync(join(d, "manifests/00000002.json"), readFileSync(join(d, "manifests/00000001.json"))));
    expectDamage(dir, () => openStore(dir), "manifests/00000002.json", /it says version 1, its name says 2/);
  });

  it("an older manifest damaged: the latest still reads, but listing versions and committing refuse", () => {
    const dir = damaged((d) => truncateSync(join(d, "manifests/00000001.json"), 10));
    const store = openStore(dir);
    expect(store.scan("alpha").collectSync().height).toBe(4);
    expectDamage(dir, () => store.versions("alpha"), "manifests/00000001.json", /cut short/);
    expectDamage(dir, () => store.commit({ alpha: pl.DataFrame({ a: [0] }) }), "manifests/00000001.json", /cut short/);
  });

  it("a data file of the latest version missing", () => {
    const file = dataFile("beta", 1);
    const dir = damaged((d) => rmSync(join(d, file)));
    expectDamage(dir, () => openStore(dir), file, /data file missing \(version 1, 1 rows\)/);
  });

  it("a data file of an old version missing: the latest reads, the old version names the file", () => {
    const file = dataFile("alpha", 1);
    const dir = damaged((d) => rmSync(join(d, file)));
    const store = openStore(dir);
    expect(store.scan("alpha").collectSync().height).toBe(4);
    expectDamage(dir, () => store.scan("alpha", { version: 1 }), file, /data file missing/);
  });

  it("a data file cut short, or replaced by something that is not Parquet", () => {
    const file = dataFile("alpha", 2);
    const cut = damaged((d) => truncateSync(join(d, file), 100));
    expectDamage(cut, () => openStore(cut), file, /data file is 100 bytes, the manifest records \d+ \(cut short or replaced\)/);
    const size = statSync(join(pristine, file)).size;
    const replaced = damaged((d) => writeFileSync(join(d, file), "x".repeat(size)));
    const store = openStore(replaced);
    expectDamage(replaced, () => store.scan("alpha"), file, /data file is not a Parquet file/);
  });

  it("a file that is not ours, wherever it is", () => {
    for (const file of ["notes.txt", "manifests/latest.json", "data/alpha/export.csv", "data/Not-A-Table"]) {
      const dir = damaged((d) => (file.endsWith("Table") ? mkdirSync(join(d, file)) : writeFileSync(join(d, file), "mine")));
      expectDamage(dir, () => openStore(dir), file, /it is not a sessionize store file/);
      expectDamage(dir, () => openStore(dir, { create: true }), file, /not a sessionize store file/);
    }
  });

  it("the store marker damaged, and a directory missing", () => {
    const marker = damaged((d) => writeFileSync(join(d, "sessionize-store.json"), "{"));
    expectDamage(marker, () => openStore(marker), "sessionize-store.json", /store marker is not JSON/);
    const other = damaged((d) => writeFileSync(join(d, "sessionize-store.json"), '{"format": "something-else"}'));
    expectDamage(other, () => openStore(other), "sessionize-store.json", /names format "something-else"/);
    const noManifests = damaged((d) => rmSync(join(d, "manifests"), { recursive: true }));
    expectDamage(noManifests, () => openStore(noManifests), "manifests", /directory missing/);
  });

  it("a store of the first, unversioned format gets a clear message and is left alone", () => {
    const dir = join(tempDir(), "legacy");
    mkdirSync(dir);
    writeFileSync(join(dir, "sessionize-store.json"), JSON.stringify({ format: "sessionize-parquet-dir", version: 1 }));
    pl.DataFrame({ a: [1] }).writeParquet(join(dir, "t.parquet"));
    const before = fingerprint(dir);
    expect(() => openStore(dir, { create: true })).toThrow(/written by an older sessionize .*move it aside/);
    expect(fingerprint(dir)).toEqual(before);
  });
});
