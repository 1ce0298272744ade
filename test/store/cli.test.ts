import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index.js";
import { CLI, sessionize } from "../support/cli.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "sessionize-store-cli-"));

/** A logs directory with a handful of lines per stream; `n` varies the events. */
function tinyLogs(n: number): string {
  const dir = join(tempDir(), "logs");
  mkdirSync(dir);
  const id = (k: number) => `00000000-0000-4000-8000-${String(n * 100 + k).padStart(12, "0")}`;
  writeFileSync(
    join(dir, "cart_activity.log"),
    `2025-01-05T12:15:00Z event_id=${id(1)} type=cart user_id=5 cart_id=2535 action=add product_id=56 quantity=1 price=103.54\n`,
  );
  writeFileSync(
    join(dir, "purchase_activity.log"),
    `2025-01-05T12:25:40Z event_id=${id(2)} type=purchase user_id=5 cart_id=2535 order_id=859782 total=298.9 currency=USD payment_method=apple_pay\n`,
  );
  writeFileSync(join(dir, "web_activity.log"), `2025-01-05T12:09:00Z event_id=${id(3)} type=web user_id=5 path=/ referrer=/home user_agent="Mozilla/5.0"\n`);
  return dir;
}

describe("store commands: tables, versions, sample and export at a version", () => {
  const store = join(tempDir(), "store");
  beforeAll(() => {
    const s = openStore(store, { create: true });
    s.commit({ sessions: pl.DataFrame([pl.Series("n", [1, 2, 3], pl.Int32)]), other: pl.DataFrame({ s: ["x"] }) }, { run: "first-run" });
    s.commit({ sessions: pl.DataFrame([pl.Series("n", [1, 2, 3, 4, 5], pl.Int32)]) }, { run: "second-run" });
  });

  it("tables lists name, rows and latest version", () => {
    const { status, stdout, stderr } = sessionize(["tables", "--store", store]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(stdout.split("\n").map((l) => l.trim().split(/\s+/))).toEqual([["table", "rows", "version"], ["other", "1", "1"], ["sessions", "5", "2"], [""]]);
  });

  it("versions lists number, time, rows and run", () => {
    const { status, stdout } = sessionize(["versions", "sessions", "--store", store]);
    expect(status).toBe(0);
    const [header, ...rows] = stdout.trim().split("\n").map((l) => l.trim().split(/\s+/));
    expect(header).toEqual(["version", "time", "rows", "run"]);
    expect(rows.map(([version, , rowCount, run]) => [version, rowCount, run])).toEqual([
      ["1", "3", "first-run"],
      ["2", "5", "second-run"],
    ]);
    for (const row of rows) expect(row[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("sample and export read an older version with --version", () => {
    expect(sessionize(["sample", "sessions", "--store", store, "--version", "1"]).stdout).toContain("shape: (3, 1)");
    expect(sessionize(["sample", "sessions", "--store", store]).stdout).toContain("shape: (5, 1)");
    const out = join(tempDir(), "v1.csv");
    const exported = sessionize(["export", "sessions", "--store", store, "--version", "1", "--out", out]);
    expect(exported.status).toBe(0);
    expect(exported.stderr).toBe(`wrote 3 rows of sessions (version 1) to ${out}\n`);
    expect(readFileSync(out, "utf8").trim().split("\n")).toEqual(["n", "1", "2", "3"]);
  });

  it.each([
    [["sample", "sessions", "--version", "9"], /^sessionize: table "sessions" has no version 9 in store .* \(versions: 1, 2\)\n$/],
    [["export", "other", "--version", "2", "--out", "x.csv"], /^sessionize: table "other" has no version 2 in store .* \(versions: 1\)\n$/],
    [["sample", "sessions", "--version", "latest"], /^sessionize: --version must be a positive whole number/],
    [["versions", "nope"], /^sessionize: unknown table "nope" in store .* \(tables: other, sessions\)\n$/],
  ])("%j fails with one clear line", (args, expected) => {
    const { status, stdout, stderr } = sessionize([...args, "--store", store]);
    expect(status).not.toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toMatch(expected);
  });

  it("versions has --help", () => {
    const { status, stdout } = sessionize(["versions", "--help"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: sessionize versions \[options\] <table>/);
  });
});

describe("run --keep and the write lock", () => {
  it("--keep N bounds the versions kept", () => {
    const store = join(tempDir(), "store");
    expect(sessionize(["run", "--logs", tinyLogs(1), "--store", store]).status).toBe(0);
    expect(openStore(store).versions("all_joined_logs").map((v) => [v.version, v.rows])).toEqual([[1, 3]]);
    expect(sessionize(["run", "--logs", tinyLogs(2), "--store", store, "--keep", "1"]).status).toBe(0);
    expect(openStore(store).versions("all_joined_logs").map((v) => [v.version, v.rows])).toEqual([[2, 6]]);
    expect(sessionize(["run", "--logs", tinyLogs(4), "--store", store, "--keep", "0"]).stderr).toMatch(/^sessionize: --keep must be a positive whole number/);
  });

  it("a run on a locked store exits at once naming the holder; with --wait it runs once the lock is released", async () => {
    const store = join(tempDir(), "store");
    const handle = openStore(store, { create: true });
    const lock = await handle.acquireWriteLock();
    const refused = sessionize(["run", "--logs", tinyLogs(1), "--store", store]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`^sessionize: store ${store} is locked by another writer: pid ${process.pid} on host \\S+ since \\S+ \\(lock file`));

    const waiting = spawn(process.execPath, [CLI, "run", "--logs", tinyLogs(1), "--store", store, "--wait", "--json"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    waiting.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    waiting.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => waiting.once("exit", resolve));
    // Once it says that it waits, commit a version of our own: the waiting run must come after it.
    await new Promise<void>((resolve) => waiting.stderr.on("data", () => stderr.includes("\n") && resolve()));
    handle.commit({ marker: pl.DataFrame({ a: [1] }) }, { run: "holder" });
    lock.release();
    expect(await exited).toBe(0);
    expect(stderr).toBe(`sessionize: waiting for the store's write lock (pid ${process.pid} on host ${hostname()} since ${lock.holder.since})\n`);
    expect(JSON.parse(stdout).events).toBe(3);
    const after = openStore(store);
    expect(after.version).toBe(2);
    expect(after.versions("marker").map((v) => v.run)).toEqual(["holder"]);
    expect(after.versions("all_joined_logs").map((v) => v.version)).toEqual([2]);
  });
});
