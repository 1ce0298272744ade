import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { generateLogs } from "../../fixtures/generate.js";
import { runPipeline } from "../../src/pipeline.js";
import { openStore } from "../../src/store/index.js";

/*
 * The fixture generator knows, as it writes them, how many sessions, purchases and how much
 * revenue its logs hold (its own bookkeeping, not a sessionizer). The pipeline must find
 * exactly those figures, for other seeds and sizes than the committed fixtures.
 */
describe("the pipeline against the generator's ground truth", () => {
  it.each([
    [1, 4_000],
    [77, 12_000],
  ])("seed %i, %i events: every event, session, purchase and cent of revenue", async (seed, events) => {
    const logs = mkdtempSync(join(tmpdir(), "sessionize-truth-"));
    const truth = await generateLogs({ events, seed, out: logs });
    const store = join(logs, ".store");
    const summary = await runPipeline({ logs, store });
    expect(summary).toMatchObject({ events: truth.events, sessions: truth.sessions, rejected: 0, duplicates: 0 });
    const totals = openStore(store)
      .scan("aggregated_sessions")
      .select(pl.col("count_of_purchase_activities").sum().alias("purchases"), pl.col("revenue").sum().alias("revenue"))
      .collectSync()
      .toRecords()[0];
    expect(Number(totals.purchases)).toBe(truth.purchases);
    expect(Math.round(Number(totals.revenue) * 100)).toBe(Math.round(truth.revenue * 100));
  });
});
