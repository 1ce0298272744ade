import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { runPipeline, type PipelineSummary } from "../../src/pipeline.js";
import { openStore } from "../../src/store/index.js";
import { storedRows } from "../support/store-tables.js";

const FIXTURES = "fixtures/logs";
const STREAMS = ["cart", "purchase", "web"] as const;
const tempDir = () => mkdtempSync(join(tmpdir(), "sessionize-incr-"));
const fixture = (stream: string, suffix: string) => readFileSync(join(FIXTURES, `${stream}_activity.log${suffix}`), "utf8");

const newMessagesOf = (store: string, table: string) => storedRows(store, table).map((r) => r.message);

/** The tables that must not depend on how the content was split into runs. */
function finalTables(store: string) {
  const byId = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => String(a.event_id).localeCompare(String(b.event_id)));
  return {
    all: byId(storedRows(store, "all_joined_logs")),
    sessionized: storedRows(store, "sessionized_logs"),
    aggregated: storedRows(store, "aggregated_sessions"),
  };
}

describe("incremental runs", () => {
  it("read only what arrived, through rotation, a partial line, its completion, an idle run and a gzip rotation", async () => {
    const logs = tempDir();
    const store = join(tempDir(), "store");
    const live = (stream: string) => join(logs, `${stream}_activity.log`);
    const run = () => runPipeline({ logs, store });
    const newMessages = (table: string) => storedRows(store, table).map((r) => r.message);
    const summaries: PipelineSummary[] = [];

    // 1. the oldest content is the live file
    for (const s of STREAMS) writeFileSync(live(s), fixture(s, ".2"));
    summaries.push(await run());
    expect(newMessages("new_web_logs")).toEqual(fixture("web", ".2").trimEnd().split("\n"));

    // 2. rotation; the new live file ends in a partial line
    const middle = fixture("web", ".1");
    const cut = middle.indexOf("\n", middle.length / 2) + 10;
    for (const s of STREAMS) renameSync(live(s), `${live(s)}.1`);
    writeFileSync(live("web"), middle.slice(0, cut));
    for (const s of ["cart", "purchase"]) writeFileSync(live(s), fixture(s, ".1"));
    summaries.push(await run());
    const complete = middle.slice(0, middle.lastIndexOf("\n", cut) + 1);
    expect(newMessages("new_web_logs")).toEqual(complete.trimEnd().split("\n"));
    expect(summaries[1].streams.web.files).toEqual({ new: 1, grown: 0, replaced: 0, unchanged: 1 });

    // 3. the partial line completes
    appendFileSync(live("web"), middle.slice(cut));
    summaries.push(await run());
    expect(newMessages("new_web_logs")).toEqual(middle.slice(complete.length).trimEnd().split("\n"));
    expect(newMessages("new_cart_logs")).toEqual([]);

    // 4. idle run: nothing arrives, nothing changes but the batch tables, now empty
    const before = openStore(store).version;
    summaries.push(await run());
    expect(summaries[3].newEvents).toBe(0);
    expect(STREAMS.map((s) => storedRows(store, `new_${s}_logs`).length)).toEqual([0, 0, 0]);
    expect(storedRows(store, "new_logs_joined")).toEqual([]);
    summaries.push(await run());
    expect(openStore(store).version).toBe(before + 1); // the second idle run commits nothing

    // 5. rotation with compression, and a new live file that also carries a late event
    const late = fixture("web", ".2").split("\n")[0].replace(/event_id=[0-9a-f-]+/, "event_id=00000000-0000-4000-8000-000000000001");
    for (const s of STREAMS) {
      writeFileSync(`${live(s)}.2.gz`, gzipSync(readFileSync(`${live(s)}.1`)));
      rmSync(`${live(s)}.1`);
      renameSync(live(s), `${live(s)}.1`);
      writeFileSync(live(s), fixture(s, "") + (s === "web" ? `${late}\n` : ""));
    }
    summaries.push(await run());
    expect(summaries[5].streams.web.files).toEqual({ new: 1, grown: 0, replaced: 0, unchanged: 2 });
    expect(newMessages("new_web_logs")).toEqual((fixture("web", "") + `${late}\n`).trimEnd().split("\n"));

    // every line was ingested exactly once, and the result is what one run over everything gives
    const lines = STREAMS.reduce((n, s) => n + ["", ".1", ".2"].reduce((m, x) => m + fixture(s, x).trimEnd().split("\n").length, 0), 0) + 1;
    const ingested = summaries.reduce((n, s) => n + s.newEvents + s.rejected + s.duplicates, 0);
    expect(ingested).toBe(lines);
    const single = join(tempDir(), "single");
    await runPipeline({ logs, store: single });
    expect(finalTables(store)).toEqual(finalTables(single));
  });

  it("commits nothing when no line arrived, even once the files are old enough for their birth times to be recorded", async () => {
    const logs = tempDir();
    const store = join(tempDir(), "store");
    for (const s of STREAMS) writeFileSync(join(logs, `${s}_activity.log`), fixture(s, ".2"));
    await runPipeline({ logs, store }); // the files are new: no birth time recorded yet
    await runPipeline({ logs, store }); // the batch tables become empty
    const version = openStore(store).version;
    await new Promise((resolve) => setTimeout(resolve, 2_200)); // now older than the 2 s margin
    const idle = await runPipeline({ logs, store });
    expect(idle.newEvents).toBe(0);
    expect(openStore(store).version).toBe(version);
  });

  it("reads each line once through copytruncate and gzip -k copies, then a rename rotation", async () => {
    const logs = tempDir();
    const store = join(tempDir(), "store");
    const live = (stream: string) => join(logs, `${stream}_activity.log`);
    const summaries: PipelineSummary[] = [];
    const run = async () => summaries.push(await runPipeline({ logs, store }));
    const middle = (s: string) => fixture(s, ".1").split("\n");

    // 1. the oldest content and the first half of the middle in the live file
    for (const s of STREAMS) writeFileSync(live(s), fixture(s, ".2") + middle(s).slice(0, 10).map((l) => `${l}\n`).join(""));
    await run();
    // 2. more lines, then copytruncate (copy to .1, truncate the live file), then the live file goes on
    for (const s of STREAMS) {
      appendFileSync(live(s), middle(s).slice(10).join("\n"));
      copyFileSync(live(s), `${live(s)}.1`);
      truncateSync(live(s), 0);
    }
    await run();
    expect(summaries[1].streams.web.files).toEqual({ new: 1, grown: 1, replaced: 0, unchanged: 0 }); // new: the truncated live file, empty
    expect(newMessagesOf(store, "new_web_logs")).toEqual(middle("web").slice(10).join("\n").trimEnd().split("\n"));
    // 3. gzip -k of the copy, and the newest content arrives in the live file
    for (const s of STREAMS) {
      writeFileSync(`${live(s)}.1.gz`, gzipSync(readFileSync(`${live(s)}.1`)));
      writeFileSync(live(s), fixture(s, ""));
    }
    await run();
    expect(summaries[2].streams.web.files).toEqual({ new: 1, grown: 0, replaced: 0, unchanged: 2 });
    // 4. rename rotation of all of them, and an idle live file
    for (const s of STREAMS) {
      renameSync(`${live(s)}.1.gz`, `${live(s)}.2.gz`);
      renameSync(`${live(s)}.1`, `${live(s)}.2`);
      renameSync(live(s), `${live(s)}.1`);
      writeFileSync(live(s), "");
    }
    await run();
    expect(summaries[3].newEvents + summaries[3].rejected).toBe(0);

    const lines = STREAMS.reduce((n, s) => n + ["", ".1", ".2"].reduce((m, x) => m + fixture(s, x).trimEnd().split("\n").length, 0), 0);
    expect(summaries.map((s) => s.duplicates)).toEqual([0, 0, 0, 0]);
    expect(summaries.reduce((n, s) => n + s.newEvents + s.rejected, 0)).toBe(lines);
    const single = join(tempDir(), "single");
    await runPipeline({ logs: FIXTURES, store: single });
    expect(finalTables(store)).toEqual(finalTables(single));
  });

  it("follows the fixture generator's hand-made edge users (1-7) to their expected sessions", async () => {
    const store = join(tempDir(), "store");
    await runPipeline({ logs: FIXTURES, store });
    // The scripted events end at these instants; each user then pauses at least 2 h.
    const scriptEnd: Record<string, string> = {
      "1": "12:33:40", "2": "12:37:01", "3": "12:42:00", "4": "14:22:00", "5": "13:21:01", "6": "12:56:44.5", "7": "13:02:00.000001",
    };
    const firstDay = storedRows(store, "aggregated_sessions").filter(
      (r) => r.user_id as string in scriptEnd && (r.session_start as Date).getTime() <= Date.parse(`2025-01-05T${scriptEnd[r.user_id as string]}Z`),
    );
    const perUser = (user: string) => firstDay.filter((r) => r.user_id === user);
    expect([1, 2, 3, 4, 5, 6, 7].map((u) => perUser(String(u)).length)).toEqual([1, 2, 2, 1, 2, 1, 2]);
    expect(perUser("4")[0]).toMatchObject({ time_to_purchase: "122m 0s", total_session_time: "127m 0s", count_of_purchase_activities: 1 });
    expect(perUser("1")[0]).toMatchObject({ count_of_total_activities: 6, count_of_purchase_activities: 1 });
  });

  it("keeps bad input as rejected lines with reasons, and never loses a line", async () => {
    const logs = tempDir();
    const good = fixture("cart", ".2").split("\n")[0];
    writeFileSync(join(logs, "cart_activity.log"), Buffer.concat([
      Buffer.from(`${good}\n\u0000\u0001\u0002 binary junk\n`),
      Buffer.from([0x32, 0x30, 0xff, 0xfe, 0x0a]),
      Buffer.from(`${"x".repeat(1_100_000)}\n\n   \n`),
    ]));
    writeFileSync(join(logs, "purchase_activity.log"), "");
    writeFileSync(join(logs, "web_activity.log"), "\n\n\n");
    const summary = await runPipeline({ logs, store: join(logs, ".store") });
    expect(summary.streams.cart).toMatchObject({ lines: 6, parsed: 1, rejected: 3, blank: 2 });
    expect(summary.streams.purchase).toMatchObject({ lines: 0, parsed: 0, rejected: 0 });
    expect(summary.streams.web).toMatchObject({ lines: 3, blank: 3, parsed: 0 });
    const reasons = storedRows(join(logs, ".store"), "rejected_lines").map((r) => [r.line_number, r.reason]);
    expect(reasons).toEqual([
      [2, "line does not match the cart pattern"],
      [3, "bytes are not valid UTF-8"],
      [4, "line is longer than 1048576 bytes (1 MiB)"],
    ]);
  });

  it("fails on a corrupt gzip file naming it, and commits nothing", async () => {
    const logs = tempDir();
    const store = join(tempDir(), "store");
    copyFileSync(join(FIXTURES, "web_activity.log"), join(logs, "web_activity.log"));
    await runPipeline({ logs, store });
    const version = openStore(store).version;
    writeFileSync(join(logs, "web_activity.log.2.gz"), gzipSync(fixture("web", ".2")).subarray(0, 500));
    writeFileSync(join(logs, "cart_activity.log"), fixture("cart", ".2"));
    await expect(runPipeline({ logs, store })).rejects.toThrow(/gzip file .*web_activity.log.2.gz is truncated or corrupt/);
    expect(openStore(store).version).toBe(version);
    expect(storedRows(store, "all_joined_logs").some((r) => r.user_action === "cart_add")).toBe(false);
  });

  it("says so when the logs directory is missing", async () => {
    await expect(runPipeline({ logs: "/nonexistent/logs", store: join(tempDir(), "s") })).rejects.toThrow("logs directory /nonexistent/logs does not exist");
  });

  it("writes every table with its schema on empty input", async () => {
    const store = join(tempDir(), "s");
    const summary = await runPipeline({ logs: tempDir(), store });
    expect(summary).toMatchObject({ events: 0, sessions: 0, rejected: 0 });
    const tables = openStore(store).tables();
    expect(tables.map((t) => [t.name, t.rows])).toEqual(
      ["aggregated_sessions", "all_joined_logs", "new_cart_logs", "new_logs_joined", "new_purchase_logs", "new_web_logs", "rejected_lines", "sessionized_logs"].map((n) => [n, 0]),
    );
    expect(openStore(store).scan("aggregated_sessions").collectSync().columns).toContain("time_to_purchase_seconds");
  });
});
