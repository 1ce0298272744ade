import fc from "fast-check";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { sortTimeline } from "../../src/stages/timeline-order.js";

/** Rows as a frame with their input position in `n`. */
const frameOf = (rows: [string | null, number, string][]) =>
  pl.DataFrame({
    user_id: pl.Series("user_id", rows.map((r) => r[0]), pl.Utf8),
    timestamp: pl.Series("timestamp", rows.map((r) => new Date(Date.UTC(2025, 0, 1) + r[1] * 1000)), pl.Datetime("ms")),
    event_id: pl.Series("event_id", rows.map((r) => r[2]), pl.Utf8),
    n: pl.Series("n", rows.map((_, i) => i), pl.Int32),
  });

/** The brute-force order: JavaScript's stable sort on (user_id as bytes, nulls first; time; event_id). */
function reference(rows: [string | null, number, string][]): number[] {
  const bytes = (s: string) => Buffer.from(s, "utf8");
  const cmp = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : Buffer.compare(bytes(a), bytes(b)));
  return rows
    .map((r, i) => ({ r, i }))
    .sort((x, y) => cmp(x.r[0], y.r[0]) || x.r[1] - y.r[1] || cmp(x.r[2], y.r[2]))
    .map((x) => x.i);
}

describe("sortTimeline", () => {
  const row = fc.tuple(
    fc.option(fc.constantFrom("a", "b", "B", "10", "9", "", "é", "user_1", "user_10"), { nil: null }),
    fc.integer({ min: 0, max: 5 }),
    fc.constantFrom("e1", "e2", "e3", "E1"),
  );

  it("orders by user (bytes), time, event id, keeping repeats in input order; by id or by user rank alike", () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 80 }), (rows) => {
        const frame = frameOf(rows);
        const expected = reference(rows);
        expect(sortTimeline(frame.lazy()).collectSync().getColumn("n").toArray()).toEqual(expected);
        expect(sortTimeline(frame.lazy(), { rankUsers: true }).collectSync().getColumn("n").toArray()).toEqual(expected);
      }),
      { numRuns: 150, seed: 20261204 },
    );
  });

  it("keeps an empty frame's columns", () => {
    expect(sortTimeline(frameOf([]).lazy(), { rankUsers: true }).collectSync().columns).toEqual(["user_id", "timestamp", "event_id", "n"]);
  });
});
