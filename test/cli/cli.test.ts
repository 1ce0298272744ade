import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pl from "nodejs-polars";
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { CLI, sessionize } from "../support/cli.js";

const FIXTURES = resolve("fixtures/logs");
const TUTORIAL_LOGS = resolve("../shared/tutorial-logs");
const tempDir = () => mkdtempSync(join(tmpdir(), "sessionize-cli-"));

describe("sessionize CLI on the fixtures", () => {
  const store = join(tempDir(), "store");
  let first: ReturnType<typeof sessionize>;

  beforeAll(() => {
    first = sessionize(["run", "--logs", FIXTURES, "--store", store, "--json"]);
  });

  it("runs the pipeline and accounts for every line", () => {
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    const summary = JSON.parse(first.stdout);
    for (const [name, s] of Object.entries<Record<string, number> & { files: Record<string, number> }>(summary.streams)) {
      expect(s.files, name).toEqual({ new: 3, grown: 0, replaced: 0, unchanged: 0 });
      expect(s.lines, name).toBe(s.parsed + s.rejected + s.blank);
      expect(s.parsed, name).toBeGreaterThan(500);
    }
    expect(summary.events).toBe(Object.values<Record<string, number>>(summary.streams).reduce((n, s) => n + s.parsed, 0) - summary.duplicates);
    expect(summary.sessions).toBeGreaterThan(0);
  });

  it("prints a human summary when not asked for JSON, and no progress when piped", () => {
    const again = sessionize(["run", "--logs", FIXTURES, "--store", join(tempDir(), "s")]);
    expect(again.status).toBe(0);
    expect(again.stderr).toBe("");
    expect(again.stdout).toMatch(/^stream\s+new\s+grown\s+replaced\s+skipped\s+lines\s+parsed\s+rejected\s+blank\s+duplicates$/m);
    expect(again.stdout).toMatch(/^cart\s+3\s+0\s+0\s+0\s+\d+/m);
    expect(again.stdout).toMatch(/^sessions: \d+$/m);
  });

  it("reads nothing and changes nothing when run again on the same logs", () => {
    const before = JSON.parse(first.stdout);
    const second = JSON.parse(sessionize(["run", "--logs", FIXTURES, "--store", store, "--json"]).stdout);
    expect(second.events).toBe(before.events);
    expect(second.newEvents).toBe(0);
    expect(second.sessions).toBe(before.sessions);
    expect(second.streams.cart.files).toEqual({ new: 0, grown: 0, replaced: 0, unchanged: 3 });
    expect(second.streams.cart.lines).toBe(0);
  });

  it("adds nothing when the same events arrive again in other files: every event is a duplicate", () => {
    const copy = join(tempDir(), "logs");
    mkdirSync(copy);
    for (const name of readdirSync(FIXTURES)) writeFileSync(join(copy, name.replace("_activity", "_copy")), "\n" + readFileSync(join(FIXTURES, name)));
    const s = join(tempDir(), "s");
    const one = JSON.parse(sessionize(["run", "--logs", FIXTURES, "--store", s, "--json"]).stdout);
    const two = JSON.parse(sessionize(["run", "--logs", copy, "--store", s, "--json"]).stdout);
    expect(two.events).toBe(one.events);
    expect(two.newEvents).toBe(0);
    expect(two.duplicates).toBe(one.events + one.duplicates);
    expect(two.sessions).toBe(one.sessions);
  });

  it("lists tables with row counts", () => {
    const { stdout, status } = sessionize(["tables", "--store", store]);
    expect(status).toBe(0);
    const counts = Object.fromEntries(stdout.trim().split("\n").slice(1).map((l) => l.trim().split(/\s+/)));
    expect(Object.keys(counts).sort()).toEqual(
      ["aggregated_sessions", "all_joined_logs", "new_cart_logs", "new_logs_joined", "new_purchase_logs", "new_web_logs", "rejected_lines", "sessionized_logs"].sort(),
    );
    expect(Number(counts.aggregated_sessions)).toBe(JSON.parse(first.stdout).sessions);
  });

  it("samples a table", () => {
    const { stdout, status } = sessionize(["sample", "aggregated_sessions", "--store", store, "--rows", "3"]);
    expect(status).toBe(0);
    expect(stdout).toContain("shape: (3, 14)");
    expect(stdout).toContain("total_session_time");
  });

  it.each([".parquet", ".csv", ".ndjson"])("exports a table as %s", (extension) => {
    const out = join(tempDir(), `sessions${extension}`);
    const { status } = sessionize(["export", "aggregated_sessions", "--store", store, "--out", out]);
    expect(status).toBe(0);
    const sessions = JSON.parse(first.stdout).sessions;
    if (extension === ".parquet") expect(pl.readParquet(out).height).toBe(sessions);
    else if (extension === ".csv") expect(readFileSync(out, "utf8").trim().split("\n").length).toBe(sessions + 1);
    else expect(readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l)).length).toBe(sessions);
  });
});

describe("sessionize CLI errors: one clear line, non-zero exit", () => {
  const fixtureStore = join(tempDir(), "fs");
  beforeAll(() => {
    expect(sessionize(["run", "--logs", FIXTURES, "--store", fixtureStore]).status).toBe(0);
  });

  it.each([
    [["run", "--logs", "/nonexistent/logs", "--store", "STORE"], /^sessionize: logs directory \/nonexistent\/logs does not exist\n$/],
    [["run", "--logs", FIXTURES, "--store", "STORE", "--inactivity", "soon"], /^sessionize: invalid inactivity "soon"/],
    [["tables", "--store", "/nonexistent/store"], /^sessionize: store \/nonexistent\/store does not exist/],
    [["sample", "no_such_table", "--store", "FIXTURE_STORE"], /^sessionize: unknown table "no_such_table"/],
    [["sample", "aggregated_sessions", "--store", "FIXTURE_STORE", "--rows", "ten"], /^sessionize: --rows must be a positive whole number/],
    [["export", "aggregated_sessions", "--store", "FIXTURE_STORE", "--out", "x.xlsx"], /^sessionize: --out x.xlsx: the extension must be/],
    [["export", "aggregated_sessions", "--store", "FIXTURE_STORE", "--out", "/nonexistent/dir/x.csv"], /^sessionize: --out \/nonexistent\/dir\/x.csv: directory \/nonexistent\/dir does not exist\n$/],
    [["export", "no_such_table", "--store", "FIXTURE_STORE", "--out", "OUT_CSV"], /^sessionize: unknown table "no_such_table"/],
    [["sample", "aggregated_sessions", "--store", "FIXTURE_STORE", "--version", "999"], /^sessionize: .*version 999/],
    [["versions", "no_such_table", "--store", "FIXTURE_STORE"], /^sessionize: unknown table "no_such_table"/],
    [["bogus-command"], /^sessionize: unknown command 'bogus-command' \(see --help\)\n$/],
    [["sample", "--store", "FIXTURE_STORE"], /^sessionize: missing required argument 'table' \(see --help\)\n$/],
    [["run", "--logs", FIXTURES, "--bogus"], /^sessionize: unknown option '--bogus'/],
    [["run"], /^sessionize: required option '--logs <dir>' not specified/],
  ])("%j", (args, expected) => {
    const outDir = tempDir();
    const named: Record<string, string> = { STORE: join(tempDir(), "s"), FIXTURE_STORE: fixtureStore, OUT_CSV: join(outDir, "x.csv") };
    const resolved = args.map((a) => named[a] ?? a);
    const { status, stderr, stdout } = sessionize(resolved);
    expect(status).not.toBe(0);
    expect(stderr).toMatch(expected);
    // exactly one line, no usage text after it
    expect(stderr.endsWith("\n") && !stderr.slice(0, -1).includes("\n"), stderr).toBe(true);
    // a failed export leaves nothing behind
    expect(readdirSync(outDir)).toEqual([]);
    expect(stderr.split("\n")[0]).not.toMatch(/at .*\.js/);
    expect(stdout).toBe("");
  });

  it("has --help on every command", () => {
    for (const command of [[], ["run"], ["tables"], ["versions"], ["sample"], ["export"], ["publish"], ["grok"]]) {
      const { status, stdout } = sessionize([...command, "--help"]);
      expect(status).toBe(0);
      expect(stdout).toMatch(/^Usage: sessionize/);
    }
  });
});

describe.runIf(existsSync(TUTORIAL_LOGS))("the tutorial's own logs", () => {
  it("run end to end with zero rejected lines", () => {
    const { status, stdout } = sessionize(["run", "--logs", TUTORIAL_LOGS, "--store", join(tempDir(), "s"), "--json"]);
    expect(status).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.rejected).toBe(0);
    expect(summary.events).toBe(7531);
    expect(summary.sessions).toBeGreaterThan(0);
  });
});

/** Run the built CLI as `nobody` (uid and gid 65534) through setpriv. */
const asNobody = (args: string[]) => {
  const result = spawnSync("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, CLI, ...args], { encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

/**
 * Root reads any file, so the in-process permission test of plan-reads cannot run as root
 * (as CI does). Here the CLI runs as `nobody` through setpriv instead, when `nobody` can run
 * the checkout at all (a clone inside a 0700 directory, such as `mktemp -d` makes, it cannot;
 * test/ingest/skipped.test.ts covers the same case in-process there).
 */
const nobodyCanRunCli = process.getuid?.() === 0 && existsSync("/usr/bin/setpriv") && existsSync(CLI) && asNobody(["--help"]).status === 0;

describe.runIf(nobodyCanRunCli)("an unreadable log file, as an unprivileged user", () => {

  it("is skipped with a warning naming it, then read on the next run", () => {
    const dir = tempDir();
    chmodSync(dir, 0o777);
    const logs = join(dir, "logs");
    mkdirSync(logs, { mode: 0o777 });
    chmodSync(logs, 0o777);
    for (const name of readdirSync(FIXTURES).filter((n) => n.startsWith("web_"))) writeFileSync(join(logs, name), readFileSync(join(FIXTURES, name)), { mode: 0o644 });
    const locked = join(logs, "web_activity.log.1");
    chmodSync(locked, 0o000);
    const store = join(dir, "store");

    const first = asNobody(["run", "--logs", logs, "--store", store, "--json"]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/skipped .*web_activity\.log\.1: permission denied; it will be retried on the next run/);
    const one = JSON.parse(first.stdout);
    expect(one.streams.web.files.new).toBe(2);

    chmodSync(locked, 0o644);
    const second = asNobody(["run", "--logs", logs, "--store", store, "--json"]);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toBe("");
    const two = JSON.parse(second.stdout);
    expect(two.streams.web.files).toEqual({ new: 1, grown: 0, replaced: 0, unchanged: 2 });
    const whole = JSON.parse(sessionize(["run", "--logs", logs, "--store", join(dir, "whole"), "--json"]).stdout);
    expect(two.events).toBe(whole.events);
    expect(two.newEvents).toBe(whole.events - one.events);
  });
});
