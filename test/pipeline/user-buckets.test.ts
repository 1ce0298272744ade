import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { runPipeline, type PipelineSummary } from "../../src/pipeline.js";
import { userRanges } from "../../src/pipeline/user-buckets.js";
import { openStore } from "../../src/store/index.js";

const FIXTURES = "fixtures/logs";
const STREAMS = ["cart", "purchase", "web"];
const tempDir = () => mkdtempSync(join(tmpdir(), "sessionize-buckets-"));
const ids = (...users: (string | null)[]) => pl.DataFrame([pl.Series("user_id", users, pl.Utf8)]).lazy();

/** Every table of a store, as a frame. */
const tablesOf = (store: string) => Object.fromEntries(openStore(store).tables().map((t) => [t.name, openStore(store).scan(t.name).collectSync()]));
const partsOf = (store: string, table: string) => {
  const s = openStore(store);
  const manifest = JSON.parse(readFileSync(join(store, "manifests", `${String(s.version).padStart(8, "0")}.json`), "utf8"));
  return manifest.tables[table].parts.length as number;
};
const withoutTimings = ({ timings: _t, version: _v, ...rest }: PipelineSummary) => rest;

function expectSameTables(store: string, reference: string): void {
  const [got, want] = [tablesOf(store), tablesOf(reference)];
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [name, frame] of Object.entries(want)) {
    expect(got[name].columns, name).toEqual(frame.columns);
    expect(got[name].frameEqual(frame, true), `table ${name} differs`).toBe(true);
  }
}

/** A logs directory holding the fixture files whose suffixes are given. */
function logsWith(suffixes: string[]): string {
  const dir = tempDir();
  for (const s of STREAMS) for (const x of suffixes) copyFileSync(join(FIXTURES, `${s}_activity.log${x}`), join(dir, `${s}_activity.log${x}`));
  return dir;
}

describe("userRanges", () => {
  it("puts each user where its first event falls when events are counted in user order", () => {
    // a: 1 event, b: 2, c: 1, d: 3 → events before each: 0, 1, 3, 4
    const users = [ids("b", "d", "a"), ids("d", "c", "b", "d")];
    expect(userRanges(users, 2)).toEqual({ firsts: ["a", "c", "d"], events: 7 });
    expect(userRanges(users, 4)).toEqual({ firsts: ["a", "d"], events: 7 });
    expect(userRanges(users, 7)).toEqual({ firsts: ["a"], events: 7 });
    expect(userRanges(users, 1)).toEqual({ firsts: ["a", "b", "c", "d"], events: 7 });
  });

  it("orders ids as strings, and gives no ranges when a user_id is null", () => {
    expect(userRanges([ids("10", "9", "100", "2")], 1)?.firsts).toEqual(["10", "100", "2", "9"]);
    expect(userRanges([ids("a", null)], 1)).toBeUndefined();
    expect(() => userRanges([ids("a")], 0)).toThrow("bucketEvents must be a whole number ≥ 1, not 0");
  });
});

describe("runs in user ranges", () => {
  it("writes the same tables and summary as a run at once, sessionized_logs in one part per range", async () => {
    const logs = logsWith(["", ".1", ".2"]);
    const [whole, bucketed] = [join(tempDir(), "store"), join(tempDir(), "store")];
    const once = await runPipeline({ logs, store: whole });
    const inRanges = await runPipeline({ logs, store: bucketed, bucketEvents: 700 });
    expect(once.events).toBe(9000);
    expect(withoutTimings(inRanges)).toEqual(withoutTimings(once));
    expectSameTables(bucketed, whole);
    expect(partsOf(whole, "sessionized_logs")).toBe(1);
    expect(partsOf(bucketed, "sessionized_logs")).toBeGreaterThanOrEqual(12); // 9,000 events in ranges of about 700
    expect(partsOf(bucketed, "all_joined_logs")).toBe(partsOf(bucketed, "sessionized_logs")); // the same files
    expect(Object.keys(inRanges.timings).sort()).toEqual(["aggregate", "parse", "read", "sessionize", "unify", "write"]);
  });

  it("is continued by incremental runs, in user ranges too, with the tables of one run over everything", async () => {
    const logs = logsWith([".1", ".2"]);
    const [store, atOnce, single] = [join(tempDir(), "store"), join(tempDir(), "store"), join(tempDir(), "store")];
    await runPipeline({ logs, store, bucketEvents: 500 });
    await runPipeline({ logs, store: atOnce, bucketEvents: 500 });
    expect(partsOf(store, "sessionized_logs")).toBeGreaterThan(1);
    copyFileSync(join(FIXTURES, "cart_activity.log"), join(logs, "cart_activity.log"));
    copyFileSync(join(FIXTURES, "web_activity.log"), join(logs, "web_activity.log"));
    const second = await runPipeline({ logs, store, bucketEvents: 500 }); // ranges of the history plus the new events
    const secondAtOnce = await runPipeline({ logs, store: atOnce }); // the history is under a million events: at once
    expect(second.newEvents).toBeGreaterThan(500);
    expect(withoutTimings(second)).toEqual(withoutTimings(secondAtOnce));
    expect(partsOf(store, "sessionized_logs")).toBeGreaterThanOrEqual(12);
    expect(partsOf(atOnce, "sessionized_logs")).toBe(1);
    expect(Object.keys(second.timings).sort()).toEqual(["aggregate", "append", "parse", "read", "sessionize", "unify", "write"]);
    await runPipeline({ logs, store: single });
    expectSameTables(store, atOnce);
    for (const name of ["sessionized_logs", "aggregated_sessions", "all_joined_logs"]) {
      expect(openStore(store).scan(name).collectSync().frameEqual(openStore(single).scan(name).collectSync(), true), name).toBe(true);
    }
  });

  it("is not taken when an event_id repeats: the duplicates are dropped over the whole batch", async () => {
    const logs = logsWith(["", ".1", ".2"]);
    const repeated = readFileSync(join(logs, "web_activity.log.2"), "utf8").split("\n").slice(0, 5).join("\n") + "\n";
    writeFileSync(join(logs, "web_activity.log"), readFileSync(join(logs, "web_activity.log"), "utf8") + repeated);
    const [whole, bucketed] = [join(tempDir(), "store"), join(tempDir(), "store")];
    const once = await runPipeline({ logs, store: whole });
    const inRanges = await runPipeline({ logs, store: bucketed, bucketEvents: 700 });
    expect(once.duplicates).toBe(5);
    expect(withoutTimings(inRanges)).toEqual(withoutTimings(once));
    expectSameTables(bucketed, whole);
    expect(partsOf(bucketed, "sessionized_logs")).toBe(1);
  });
});
