import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aggregateSessions } from "../../src/stages/aggregate.js";
import { sessionizeLogs } from "../../src/stages/sessionize.js";
import { rows, timeline, type TestEvent } from "../support/timeline.js";

/*
 * A brute-force reference, written the plain way: sort with a comparator, walk the events
 * with a loop, keep a map of sessions. The vectorized stages must agree with it exactly.
 */
const BASE_MS = Date.UTC(2025, 0, 1);

interface RefEvent extends TestEvent {
  micros: number; // since BASE
  id: string;
}

function isoMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const iso = new Date(BASE_MS + ms).toISOString(); // …SS.mmmZ
  return `${iso.slice(0, -1)}${String(micros % 1000).padStart(3, "0")}Z`;
}

function reference(events: RefEvent[], thresholdMicros: number) {
  const sorted = [...events].sort((a, b) =>
    a.user !== b.user ? (a.user < b.user ? -1 : 1) : a.micros !== b.micros ? a.micros - b.micros : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  const sessionOf = new Map<string, number>();
  const sessions: { session: number; id: string; user: string; events: RefEvent[] }[] = [];
  let previous: RefEvent | undefined;
  for (const event of sorted) {
    const opens =
      previous === undefined ||
      previous.user !== event.user ||
      (event.micros - previous.micros > thresholdMicros && event.action !== "purchase");
    if (opens) sessions.push({ session: sessions.length + 1, id: `${event.user}:${event.id}`, user: event.user, events: [] });
    const current = sessions[sessions.length - 1];
    current.events.push(event);
    sessionOf.set(event.id, current.session);
    previous = event;
  }
  const format = (micros: number) => {
    const seconds = Math.floor(micros / 1e6);
    return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  };
  const aggregated = sessions.map((s) => {
    const times = s.events.map((e) => e.micros);
    const start = Math.min(...times);
    const end = Math.max(...times);
    const purchases = s.events.filter((e) => e.action === "purchase");
    const firstPurchase = purchases.length ? Math.min(...purchases.map((e) => e.micros)) : null;
    return {
      session: s.session,
      session_id: s.id,
      user_id: s.user,
      count_of_web_activities: s.events.filter((e) => e.action === "web").length,
      count_of_total_activities: s.events.length,
      count_of_cart_activities: s.events.filter((e) => e.action.startsWith("cart")).length,
      count_of_purchase_activities: purchases.length,
      time_to_purchase: firstPurchase === null ? null : format(firstPurchase - start),
      total_session_time: format(end - start),
      time_to_purchase_seconds: firstPurchase === null ? null : (firstPurchase - start) / 1e6,
      total_session_time_seconds: (end - start) / 1e6,
      revenue: purchases.reduce((sum, e) => sum + (e.total ?? 0), 0),
    };
  });
  return { sessionOf, aggregated };
}

const THRESHOLD_MICROS = 30 * 60 * 1e6;
// Gaps cluster around the threshold so that the edge is hit often.
const gap = fc.oneof(
  fc.integer({ min: 0, max: 5 * 60 * 1e6 }),
  fc.integer({ min: THRESHOLD_MICROS - 2, max: THRESHOLD_MICROS + 2 }),
  fc.integer({ min: 0, max: 4 * THRESHOLD_MICROS }),
);
const eventsArb = fc
  .array(
    fc.record({
      user: fc.constantFrom("1", "2", "10", "11", "9", "a"),
      gap,
      action: fc.constantFrom<TestEvent["action"]>("web", "cart_add", "cart_remove", "purchase"),
      total: fc.integer({ min: 1, max: 100000 }).map((c) => c / 100),
    }),
    { maxLength: 60 },
  )
  .map((drafts) => {
    const clock = new Map<string, number>();
    return drafts.map((d, i): RefEvent => {
      const micros = (clock.get(d.user) ?? Math.floor(d.gap / 7)) + d.gap;
      clock.set(d.user, micros);
      return { user: d.user, action: d.action, total: d.total, micros, at: isoMicros(micros), id: `id${String(1000 - i)}` };
    });
  });

describe("sessionizeLogs + aggregateSessions against a brute-force reference", () => {
  it("agree on every event's session and every session's metrics", () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        const sessionized = sessionizeLogs(timeline(events));
        const { sessionOf, aggregated } = reference(events, THRESHOLD_MICROS);
        const assigned = rows(sessionized, ["event_id", "session"]);
        expect(assigned.length).toBe(events.length);
        for (const row of assigned) expect(row.session).toBe(sessionOf.get(row.event_id as string));
        // Polars divides by a constant as a multiplication by its reciprocal, so seconds may
        // differ from JavaScript's division in the last bit: compare those to 1e-9 s.
        const rounded = ({ session_start, session_end, revenue, time_to_purchase_seconds, total_session_time_seconds, ...rest }: Record<string, unknown>) => ({
          ...rest,
          revenue: Math.round((revenue as number) * 100),
          time_to_purchase_seconds: time_to_purchase_seconds === null ? null : Math.round((time_to_purchase_seconds as number) * 1e9),
          total_session_time_seconds: Math.round((total_session_time_seconds as number) * 1e9),
        });
        expect(rows(aggregateSessions(sessionized)).map(rounded)).toEqual(aggregated.map(rounded));
      }),
      { numRuns: 150 },
    );
  });
});
