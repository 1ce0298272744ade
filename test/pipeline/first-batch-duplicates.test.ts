import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { generateLogs } from "../../fixtures/generate.js";
import { runPipeline } from "../../src/pipeline.js";
import { openStore } from "../../src/store/index.js";

/** The sorted rows of a stored table, as JSON, for comparing two stores. */
const rowsOf = (store: string, table: string) =>
  openStore(store)
    .scan(table)
    .collectSync()
    .toRecords()
    .map((r) => JSON.stringify(r, (_, v) => (typeof v === "bigint" ? String(v) : v)))
    .sort();

describe("a first run whose batch repeats events", () => {
  it("counts each repeat as a duplicate and builds the same sessions as without the repeats", async () => {
    const clean = mkdtempSync(join(tmpdir(), "sessionize-dup-clean-"));
    await generateLogs({ events: 3_000, seed: 5, out: clean });
    const repeated = mkdtempSync(join(tmpdir(), "sessionize-dup-repeated-"));
    for (const f of readdirSync(clean)) copyFileSync(join(clean, f), join(repeated, f));
    // three cart lines and one web line again, at the end of the oldest rotated files
    const cart = readFileSync(join(clean, "cart_activity.log"), "utf8").split("\n").filter(Boolean);
    const web = readFileSync(join(clean, "web_activity.log"), "utf8").split("\n").filter(Boolean);
    appendFileSync(join(repeated, "cart_activity.log.2"), [cart[0], cart[7], cart[7]].join("\n") + "\n");
    appendFileSync(join(repeated, "web_activity.log.2"), web[3] + "\n");

    const a = await runPipeline({ logs: clean, store: join(clean, ".store") });
    const b = await runPipeline({ logs: repeated, store: join(repeated, ".store") });
    expect(a.duplicates).toBe(0);
    expect(b.duplicates).toBe(4);
    expect(b.streams.cart.duplicates).toBe(3);
    expect(b.streams.web.duplicates).toBe(1);
    expect(b.events).toBe(a.events);
    expect(b.sessions).toBe(a.sessions);
    expect(rowsOf(join(repeated, ".store"), "aggregated_sessions")).toEqual(rowsOf(join(clean, ".store"), "aggregated_sessions"));
    expect(rowsOf(join(repeated, ".store"), "all_joined_logs")).toEqual(rowsOf(join(clean, ".store"), "all_joined_logs"));
    expect(openStore(join(repeated, ".store")).scan("sessionized_logs").select(pl.len()).collectSync().getColumn("len").get(0)).toBe(a.events);
  });
});
