import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { appendLogs } from "../../src/stages/append.js";
import { parsedColumns } from "../../src/stages/parse.js";
import { timelineColumns, unifyLogs } from "../../src/stages/unify.js";
import { conform } from "../../src/columns.js";
import { cartStream, purchaseStream, webStream } from "../../src/streams.js";
import { parseIsoTimestamp } from "../../src/timestamps.js";
import { rows, timeline } from "../support/timeline.js";

/** A parsed table of `stream` from a few rows given as strings (typed like the parser does). */
function parsed(stream: typeof cartStream, records: Record<string, string | number>[]): pl.LazyDataFrame {
  const columns = parsedColumns(stream);
  const series = columns.map((c) => pl.Series(c.name, records.map((r) => (r[c.name] === undefined ? null : String(r[c.name]))), pl.Utf8));
  const frame = pl.DataFrame(series).lazy().withColumns(parseIsoTimestamp(pl.col("timestamp")).alias("timestamp"));
  return conform(frame, columns);
}

const cart = parsed(cartStream, [
  { message: "c1", timestamp: "2025-01-01T10:05:00Z", event_id: "c1", event_type: "cart", user_id: "2", cart_id: "9", cart_action: "add", product_id: 5, quantity: 2, price: 1.5 },
  { message: "c2", timestamp: "2025-01-01T10:06:00Z", event_id: "c2", event_type: "cart", user_id: "10", cart_id: "9", cart_action: "remove", product_id: 5, quantity: 1, price: 1.5 },
]);
const purchase = parsed(purchaseStream, [
  { message: "p1", timestamp: "2025-01-01T10:07:00+01:00", event_id: "p1", event_type: "purchase", user_id: "2", cart_id: "9", order_id: "o1", total_amount: 3, currency: "USD", payment_method: "card" },
]);
const web = parsed(webStream, [
  { message: "w1", timestamp: "2025-01-01T10:04:59Z", event_id: "w1", event_type: "web", user_id: "1", path: "/", referrer: "/home", user_agent: "Mozilla/5.0" },
]);

describe("unifyLogs", () => {
  const joined = unifyLogs({ cart, purchase, web });

  it("derives user_action and time_pretty, sorted by user_id as a string then timestamp", () => {
    expect(rows(joined, ["user_id", "event_id", "user_action", "time_pretty"])).toEqual([
      { user_id: "1", event_id: "w1", user_action: "web", time_pretty: "2025-01-01 10:04" },
      { user_id: "10", event_id: "c2", user_action: "cart_remove", time_pretty: "2025-01-01 10:06" },
      { user_id: "2", event_id: "p1", user_action: "purchase", time_pretty: "2025-01-01 09:07" }, // +01:00 → UTC
      { user_id: "2", event_id: "c1", user_action: "cart_add", time_pretty: "2025-01-01 10:05" },
    ]);
  });

  it("puts the lead columns first, then the typed stream columns with nulls where they do not apply", () => {
    const out = joined.collectSync();
    expect(out.columns.slice(0, 6)).toEqual(["message", "timestamp", "event_id", "user_id", "user_action", "time_pretty"]);
    expect(out.columns).toEqual(timelineColumns().map((c) => c.name));
    expect(String(out.getColumn("product_id").dtype)).toContain("Int32");
    expect(String(out.getColumn("total_amount").dtype)).toContain("Float64");
    const purchaseRow = rows(out).find((r) => r.event_id === "p1")!;
    expect(purchaseRow).toMatchObject({ total_amount: 3, product_id: null, path: null, cart_action: null });
  });

  it("gives an empty timeline with the full schema when no stream has events", () => {
    const empty = unifyLogs({}).collectSync();
    expect(empty.height).toBe(0);
    expect(empty.columns).toEqual(timelineColumns().map((c) => c.name));
  });

  it("refuses a batch for a stream it has no definition of", () => {
    expect(() => unifyLogs({ returns: web })).toThrow(/no stream definition for "returns"/);
  });
});

describe("appendLogs", () => {
  const history = timeline([
    { user: "a", at: "2025-01-01T10:00:00Z", action: "web", id: "x" },
    { user: "b", at: "2025-01-01T10:00:00Z", action: "web", id: "y" },
  ]);

  it("adds new events, keeps the first occurrence of an event_id, and sorts the result", () => {
    const batch = timeline([
      { user: "z", at: "2025-01-02T10:00:00Z", action: "purchase", id: "x" }, // already in history: dropped
      { user: "a", at: "2025-01-01T09:00:00Z", action: "web", id: "n1" },
      { user: "c", at: "2025-01-01T09:00:00Z", action: "web", id: "n2" },
      { user: "c", at: "2025-01-01T11:00:00Z", action: "cart_add", id: "n2" }, // earlier in the batch: dropped
    ]);
    const all = rows(appendLogs(batch, history), ["event_id", "user_id", "user_action"]);
    expect(all).toEqual([
      { event_id: "n1", user_id: "a", user_action: "web" },
      { event_id: "x", user_id: "a", user_action: "web" },
      { event_id: "y", user_id: "b", user_action: "web" },
      { event_id: "n2", user_id: "c", user_action: "web" },
    ]);
  });

  it("is idempotent: appending the history to itself adds nothing", () => {
    expect(rows(appendLogs(history, history))).toEqual(rows(history.sort(["user_id", "timestamp", "event_id"])));
  });
});
