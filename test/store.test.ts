import { mkdtempSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { openStore } from "../src/store/index.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "sessionize-store-"));

describe("openStore (Parquet directory)", () => {
  it("writes tables as Parquet that Polars reads back, with row counts", () => {
    const dir = join(tempDir(), "store");
    const store = openStore(dir, { create: true });
    store.commit({ b_table: pl.DataFrame({ a: [1, 2, 3] }), a_table: pl.DataFrame({ s: ["x"] }) });
    expect(store.tables()).toEqual([
      { name: "a_table", rows: 1 },
      { name: "b_table", rows: 3 },
    ]);
    expect(pl.readParquet(join(dir, "b_table.parquet")).getColumn("a").toArray()).toEqual([1, 2, 3]);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
    expect(openStore(dir).scan("a_table").collectSync().toRecords()).toEqual([{ s: "x" }]);
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
    store.commit({ t1: pl.DataFrame({ a: [1] }) });
    expect(() => store.scan("nope")).toThrow('unknown table "nope" in store');
    expect(() => store.scan("nope")).toThrow("(tables: t1)");
  });

  it("refuses a missing store unless asked to create it, and a directory that is not a store", () => {
    const parent = tempDir();
    expect(() => openStore(join(parent, "missing"))).toThrow(/does not exist/);
    expect(existsSync(join(parent, "missing"))).toBe(false);
    const other = join(parent, "other");
    openStore(other, { create: true });
    writeFileSync(join(parent, "stray.txt"), "not ours");
    expect(() => openStore(parent, { create: true })).toThrow(/is not a sessionize store/);
  });
});
