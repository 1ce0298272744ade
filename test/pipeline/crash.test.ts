import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runPipeline } from "../../src/pipeline.js";
import { openStore } from "../../src/store/index.js";
import { CLI } from "../support/cli.js";
import { storedRows } from "../support/store-tables.js";

const FIXTURES = resolve("fixtures/logs");
const STREAMS = ["cart", "purchase", "web"];
const KILLS = 20;

/** A small deterministic PRNG, so that a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Start `sessionize run` and SIGKILL it after `delayMs` (or let it finish first); how long it ran. */
function runAndKill(logs: string, store: string, delayMs: number): Promise<{ outcome: "killed" | "finished"; ms: number }> {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, "run", "--logs", logs, "--store", store, "--wait"], { stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), delayMs);
    child.on("exit", (_, signal) => {
      clearTimeout(timer);
      done({ outcome: signal === "SIGKILL" ? "killed" : "finished", ms: Date.now() - started });
    });
  });
}

/** The log lines the run must account for, split into what rotation will reveal step by step. */
function logSteps(): Record<string, string[]> {
  const steps: Record<string, string[]> = {};
  for (const stream of STREAMS) {
    const oldest = readFileSync(join(FIXTURES, `${stream}_activity.log.2`), "utf8");
    const middle = readFileSync(join(FIXTURES, `${stream}_activity.log.1`), "utf8");
    const newest = readFileSync(join(FIXTURES, `${stream}_activity.log`), "utf8");
    steps[stream] = [oldest + "a line no pattern matches\n", middle, newest];
  }
  return steps;
}

const canonical = (store: string) => ({
  events: storedRows(store, "all_joined_logs").map((r) => r.event_id).sort(),
  sessionized: storedRows(store, "sessionized_logs"),
  aggregated: storedRows(store, "aggregated_sessions"),
  rejected: storedRows(store, "rejected_lines").map((r) => `${r.stream}|${r.message}|${r.reason}`).sort(),
});

describe("crash safety of `sessionize run`", () => {
  it(`survives ${KILLS} SIGKILLs during first and incremental runs, and ends as if never interrupted`, async () => {
    const next = random(20251203);
    const logs = mkdtempSync(join(tmpdir(), "sessionize-crash-logs-"));
    const store = join(mkdtempSync(join(tmpdir(), "sessionize-crash-")), "store");
    const steps = logSteps();
    const live = (stream: string) => join(logs, `${stream}_activity.log`);
    for (const stream of STREAMS) writeFileSync(live(stream), steps[stream][0]);
    let step = 0;
    let killed = 0;
    let killedIncremental = 0;
    let pending: (() => void) | undefined;
    /** Rotate every stream (x.log.1 → x.log.2, x.log → x.log.1) and start the next live file. */
    const rotate = (partial: boolean) => {
      step++;
      for (const stream of STREAMS) {
        for (let k = step - 1; k >= 1; k--) renameSync(`${live(stream)}.${k}`, `${live(stream)}.${k + 1}`);
        renameSync(live(stream), `${live(stream)}.1`);
        const text = steps[stream][step];
        const cut = partial ? text.indexOf("\n", Math.floor(text.length / 2)) + 7 : text.length;
        writeFileSync(live(stream), text.slice(0, cut));
        const rest = text.slice(cut);
        const previous = pending;
        pending = () => {
          previous?.();
          if (rest) appendFileSync(live(stream), rest);
        };
      }
    };

    // Kill moments are drawn over the length of a whole run, as last measured on this machine
    // (at first a generous guess): most rounds are then killed, at any point of the run, and
    // little time goes to runs that finish before their kill. The bound creeps up while runs
    // are killed, so that a run longer than the last measured one is also killed late, or
    // finishes (and the logs move on).
    let runMs = 2500;
    for (let round = 0; killed < KILLS && round < KILLS * 3; round++) {
      const incremental = openStore(store, { create: true }).version > 0;
      const { outcome, ms } = await runAndKill(logs, store, 50 + next() * runMs);
      runMs = outcome === "finished" ? ms : runMs * 1.1;
      if (outcome === "killed") killed++;
      if (outcome === "killed" && incremental) killedIncremental++;
      // After every kill the store opens and each table reads, all at one version.
      const opened = openStore(store, { create: true });
      for (const table of opened.tables()) expect(opened.scan(table.name).collectSync().height).toBe(table.rows);
      // Now and then the logs move on: a half-written line is completed, or the files rotate.
      if (pending && next() < 0.5) {
        pending();
        pending = undefined;
      } else if (!pending && step < 2 && next() < 0.3) {
        rotate(true);
      }
    }
    expect(killed).toBe(KILLS);
    expect(killedIncremental).toBeGreaterThan(0); // some kills hit runs on a store that already had data
    // Deliver whatever was not delivered yet, then finish with uninterrupted runs.
    pending?.();
    pending = undefined;
    while (step < 2) rotate(false);
    expect((await runAndKill(logs, store, 600_000)).outcome).toBe("finished");
    expect((await runAndKill(logs, store, 600_000)).outcome).toBe("finished");

    const reference = join(mkdtempSync(join(tmpdir(), "sessionize-crash-ref-")), "store");
    await runPipeline({ logs, store: reference });
    const got = canonical(store);
    const want = canonical(reference);
    expect(got.events.length).toBe(want.events.length);
    expect(new Set(got.events).size).toBe(got.events.length);
    expect(got.rejected).toEqual(want.rejected);
    expect(got.rejected).toHaveLength(STREAMS.length);
    expect(got.sessionized).toEqual(want.sessionized);
    expect(got.aggregated).toEqual(want.aggregated);
  });
});
