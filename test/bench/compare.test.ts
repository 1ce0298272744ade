/** The benchmark's agreement check must catch real differences and tolerate float noise. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { afterAll, describe, expect, it } from "vitest";
import { compareResults, type ResultFiles } from "../../bench/compare.js";

const dir = mkdtempSync(join(tmpdir(), "bench-compare-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const start = 1_736_078_400_000_000; // 2025-01-05 12:00 UTC in µs

/** Write a two-session result (aggregated + sessionized) with `change` applied to the aggregated rows. */
function results(label: string, change: (row: Record<string, unknown>, i: number) => void = () => {}): ResultFiles {
  const rows: Record<string, unknown>[] = [1, 2].map((session) => ({
    session,
    session_id: `7:e${session}`,
    user_id: "7",
    session_start: start + session * 3_600_000_000,
    session_end: start + session * 3_600_000_000 + 95_500_000,
    count_of_web_activities: 1,
    count_of_total_activities: 2,
    count_of_cart_activities: 0,
    count_of_purchase_activities: 1,
    time_to_purchase: "1m 35s",
    total_session_time: "1m 35s",
    time_to_purchase_seconds: 95.5,
    total_session_time_seconds: 95.5,
    revenue: 1234.56,
  }));
  rows.forEach(change);
  const column = (name: string) => rows.map((r) => r[name]);
  const aggregated = pl.DataFrame([
    pl.Series("session", column("session"), pl.Int64),
    pl.Series("session_id", column("session_id"), pl.Utf8),
    pl.Series("user_id", column("user_id"), pl.Utf8),
    pl.Series("session_start", column("session_start"), pl.Int64).cast(pl.Datetime("us", "UTC")),
    pl.Series("session_end", column("session_end"), pl.Int64).cast(pl.Datetime("us")),
    ...["count_of_web_activities", "count_of_total_activities", "count_of_cart_activities", "count_of_purchase_activities"].map((n) =>
      pl.Series(n, column(n), pl.Int64),
    ),
    pl.Series("time_to_purchase", column("time_to_purchase"), pl.Utf8),
    pl.Series("total_session_time", column("total_session_time"), pl.Utf8),
    pl.Series("time_to_purchase_seconds", column("time_to_purchase_seconds"), pl.Float64),
    pl.Series("total_session_time_seconds", column("total_session_time_seconds"), pl.Float64),
    pl.Series("revenue", column("revenue"), pl.Float64),
  ]);
  const sessionized = pl.DataFrame({ event_id: ["e1", "e1b", "e2", "e2b"], session: [1, 1, 2, 2] });
  const files = { label, aggregated: join(dir, `${label}-agg.parquet`), sessionized: join(dir, `${label}-ses.parquet`) };
  aggregated.writeParquet(files.aggregated);
  sessionized.writeParquet(files.sessionized);
  return files;
}

describe("compareResults", () => {
  const reference = results("reference");

  it("accepts identical results, and floats within 1e-9 relative", () => {
    expect(compareResults(reference, results("same"))).toEqual([]);
    expect(compareResults(reference, results("noise", (r) => (r.revenue = 1234.56 + 1e-10)))).toEqual([]);
  });

  it("reports a float beyond the tolerance, a changed string, a null, a timestamp off by 1 µs", () => {
    expect(compareResults(reference, results("revenue", (r) => (r.revenue = 1234.57))).join()).toMatch(/revenue differs in 2 rows/);
    expect(compareResults(reference, results("text", (r, i) => i === 1 && (r.total_session_time = "1m 35.0s"))).join()).toMatch(
      /total_session_time differs in 1 rows/,
    );
    expect(compareResults(reference, results("null", (r, i) => i === 0 && (r.time_to_purchase = null))).join()).toMatch(/time_to_purchase differs/);
    expect(compareResults(reference, results("micro", (r, i) => i === 0 && (r.session_end = (r.session_end as number) + 1))).join()).toMatch(
      /session_end differs in 1 rows/,
    );
  });

  it("reports a different number of sessions", () => {
    const fewer = results("fewer");
    pl.readParquet(fewer.aggregated).head(1).writeParquet(fewer.aggregated);
    expect(compareResults(reference, fewer).join()).toMatch(/1 sessions, expected 2/);
  });
});
