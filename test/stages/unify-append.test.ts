import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { appendLogs, countDuplicates } from "../../src/stages/append.js";
import { parsedColumns } from "../../src/stages/parse.js";
import { stackStreams, timelineColumns, unifyLogs, withDerivedColumns } from "../../src/stages/unify.js";
import { sortTimeline } from "../../src/stages/timeline-order.js";
import { conform } from "../../src/columns.js";
import { cartStream, purchaseStream, tutorialStreams, webStream } from "../../src/streams.js";
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
    expect(() => stackStreams({ returns: web })).toThrow(/no stream definition for "returns"/);
  });

  it("user_action is the bare event_type when no stream has a cart action", () => {
    const out = unifyLogs({ purchase, web }, [purchaseStream, webStream]);
    expect(rows(out, ["event_id", "user_action"])).toEqual([
      { event_id: "w1", user_action: "web" },
      { event_id: "p1", user_action: "purchase" },
    ]);
  });

  it("in halves, as the pipeline runs it (stacked in one chunk, sorted, then derived), gives the same timeline, ties in input order", () => {
    // events drawn from few users, times and ids, so that rows equal on every sort key are common
    const event = fc.record({ user: fc.integer({ min: 1, max: 3 }), minute: fc.integer({ min: 0, max: 2 }), id: fc.integer({ min: 0, max: 3 }) });
    const stream = (def: typeof cartStream, prefix: string, extra: Record<string, string | number>) =>
      fc.array(event, { maxLength: 12 }).map((events) =>
        parsed(
          def,
          events.map((e, i) => ({ ...extra, message: `${prefix}${i}`, timestamp: `2025-01-01T10:0${e.minute}:00Z`, event_id: `e${e.id}`, user_id: String(e.user), event_type: def.name })),
        ),
      );
    const streams = fc.record({
      cart: stream(cartStream, "c", { cart_action: "add", product_id: 5, quantity: 1, price: 2 }),
      purchase: stream(purchaseStream, "p", { order_id: "o", total_amount: 3 }),
      web: stream(webStream, "w", { path: "/" }),
    });
    fc.assert(
      fc.property(streams, (batch) => {
        const stacked = stackStreams(batch).collectSync().rechunk();
        expect(stacked.columns).not.toContain("user_action");
        expect(stacked.columns).not.toContain("time_pretty");
        const inHalves = withDerivedColumns(sortTimeline(stacked.lazy(), { rankUsers: true })).collectSync();
        // the streams one after another in definition order, then a stable JavaScript sort
        const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
        const reference = tutorialStreams
          .flatMap((def) => rows(batch[def.name as keyof typeof batch].collectSync()))
          .sort((a, b) => byKey(String(a.user_id), String(b.user_id)) || Number(a.timestamp) - Number(b.timestamp) || byKey(String(a.event_id), String(b.event_id)));
        expect(rows(inHalves, ["message"])).toEqual(reference.map((r) => ({ message: r.message })));
        expect(inHalves.frameEqual(unifyLogs(batch).collectSync(), true)).toBe(true);
      }),
      { numRuns: 25 },
    );
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

describe("countDuplicates", () => {
  const history = timeline([
    { user: "a", at: "2025-01-01T10:00:00Z", action: "web", id: "h1" },
    { user: "b", at: "2025-01-01T10:00:00Z", action: "cart_add", id: "h2" },
  ]);

  /** Counts as a plain { stream: n } object. */
  const counts = (parsed: Record<string, pl.LazyDataFrame>, h: pl.LazyDataFrame) =>
    Object.fromEntries(countDuplicates(parsed, h).collectSync().toRecords().map((r) => [r.stream, Number(r.duplicates)]));

  it("counts, per stream, copies of history events and later copies within the batch", () => {
    const web = timeline([
      { user: "a", at: "2025-01-01T10:00:00Z", action: "web", id: "h1" }, // in history
      { user: "c", at: "2025-01-01T09:00:00Z", action: "web", id: "n1" }, // first copy of n1
      { user: "c", at: "2025-01-01T09:30:00Z", action: "web", id: "n1" }, // later copy: duplicate
      { user: "d", at: "2025-01-01T09:00:00Z", action: "web", id: "n2" },
    ]);
    const cart = timeline([
      { user: "b", at: "2025-01-01T10:00:00Z", action: "cart_add", id: "h2" }, // in history
      { user: "c", at: "2025-01-01T12:00:00Z", action: "cart_add", id: "n1" }, // n1 again, after web's copy in timeline order
      { user: "e", at: "2025-01-01T12:00:00Z", action: "cart_add", id: "n3" },
    ]);
    const purchase = timeline([{ user: "f", at: "2025-01-01T12:00:00Z", action: "purchase", id: "n4" }]);
    expect(counts({ cart, purchase, web }, history)).toEqual({ web: 2, cart: 2 });
    // and it agrees with what appendLogs drops
    const batch = unifyAll([cart, purchase, web]);
    const appended = appendLogs(batch, history).collectSync().height;
    expect(appended).toBe(2 + 7 + 1 - 4);
  });

  it("gives no rows when nothing repeats, and counts everything when the batch is the history", () => {
    const fresh = timeline([{ user: "z", at: "2025-01-01T10:00:00Z", action: "web", id: "new" }]);
    expect(counts({ web: fresh }, history)).toEqual({});
    expect(counts({ web: history }, history)).toEqual({ web: 2 });
    expect(counts({}, history)).toEqual({});
  });

  it("equals a brute-force count on random batches: walk the batch in timeline order, remembering the ids seen", () => {
    const event = fc.record({
      user: fc.constantFrom("1", "2", "10"),
      minute: fc.integer({ min: 0, max: 5 }),
      id: fc.constantFrom("e1", "e2", "e3", "e4", "e5", "e6"),
    });
    const toTimeline = (events: { user: string; minute: number; id: string }[], action: "web" | "cart_add") =>
      timeline(events.map((e) => ({ user: e.user, at: `2025-01-01T10:0${e.minute}:00Z`, action, id: e.id })));
    fc.assert(
      fc.property(fc.array(event, { maxLength: 6 }), fc.array(event, { maxLength: 8 }), fc.array(event, { maxLength: 8 }), (h, web, cart) => {
        // reference: history ids first, then the batch's events sorted by (user, minute, id), ties by stream order then position
        const seen = new Set(h.map((e) => e.id));
        const tagged = [...cart.map((e, i) => ({ ...e, stream: "cart", order: i })), ...web.map((e, i) => ({ ...e, stream: "web", order: 100 + i }))];
        tagged.sort((x, y) => (x.user < y.user ? -1 : x.user > y.user ? 1 : x.minute - y.minute || (x.id < y.id ? -1 : x.id > y.id ? 1 : x.order - y.order)));
        const expected: Record<string, number> = {};
        for (const e of tagged) {
          if (seen.has(e.id)) expected[e.stream] = (expected[e.stream] ?? 0) + 1;
          seen.add(e.id);
        }
        const historyFrame = appendLogs(toTimeline(h, "web"), toTimeline([], "web"));
        expect(counts({ cart: toTimeline(cart, "cart_add"), web: toTimeline(web, "web") }, historyFrame)).toEqual(expected);
        const total = Object.values(expected).reduce((a, b) => a + b, 0);
        const batch = unifyAll([toTimeline(cart, "cart_add"), toTimeline(web, "web")]);
        expect(appendLogs(batch, historyFrame).collectSync().height).toBe(historyFrame.collectSync().height + cart.length + web.length - total);
      }),
      { numRuns: 25 },
    );
  });
});

/** Several timelines as one batch, in the given order (as the unify stage concatenates streams). */
function unifyAll(frames: pl.LazyDataFrame[]): pl.LazyDataFrame {
  return pl.concat(frames, { how: "vertical" });
}
