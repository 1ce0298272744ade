import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index.js";
import { prune } from "../../src/store/prune.js";

const frame = (n: number) => pl.DataFrame({ x: [n] });

describe("prune", () => {
  it("logs every leftover it removes, naming it and why, but not the routine files of versions dropped by keep", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "sessionize-prune-")), "store");
    const store = openStore(dir, { create: true });
    store.commit({ t: frame(1) });
    store.commit({ t: frame(2) });
    const orphan = "data/t/00000099-deadbeef.parquet"; // named like ours: a commit that never published its manifest
    writeFileSync(join(dir, orphan), "PAR1");
    writeFileSync(join(dir, "data/t/.tmp-1-00000000000001"), "half");
    writeFileSync(join(dir, ".tmp-999999999-00000000000002"), "lock attempt");
    const messages: string[] = [];
    const pruned = prune(dir, 1, { log: (m) => messages.push(m) });
    expect(pruned.versions).toEqual([1]);
    expect(messages).toEqual([
      `store ${dir}: removed ${orphan}: no version refers to it (left by a commit that did not finish)`,
      `store ${dir}: removed data/t/.tmp-1-00000000000001: a temporary file of a commit that did not finish`,
      `store ${dir}: removed .tmp-999999999-00000000000002: a lock attempt of process 999999999, which is not running`,
    ]);
    expect(existsSync(join(dir, orphan))).toBe(false);
    expect(readdirSync(join(dir, "data/t"))).toHaveLength(1); // version 2's file; version 1's went silently
    expect(openStore(dir).scan("t").collectSync().getColumn("x").toArray()).toEqual([2]);
  });

  it("keeps a lock attempt of a running process", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "sessionize-prune-")), "store");
    openStore(dir, { create: true }).commit({ t: frame(1) });
    const mine = `.tmp-${process.pid}-00000000000003`;
    writeFileSync(join(dir, mine), "lock attempt");
    const messages: string[] = [];
    prune(dir, 20, { log: (m) => messages.push(m) });
    expect(messages).toEqual([]);
    expect(existsSync(join(dir, mine))).toBe(true);
  });
});
