import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appendLogs, newEvents } from "../../src/stages/append.js";
import { resessionizeLogs } from "../../src/stages/resessionize.js";
import { sessionizeLogs } from "../../src/stages/sessionize.js";
import { rows, timeline, type TestEvent } from "../support/timeline.js";

const BASE = Date.UTC(2025, 0, 1);
const eventsArb = fc.array(
  fc.record({
    user: fc.constantFrom("1", "2", "10", "3"),
    minute: fc.integer({ min: 0, max: 600 }),
    action: fc.constantFrom<TestEvent["action"]>("web", "cart_add", "purchase"),
  }),
  { maxLength: 50 },
);

describe("resessionizeLogs", () => {
  it("equals a full sessionize of the appended history after any sequence of batches, late events and copies included", () => {
    fc.assert(
      fc.property(eventsArb, fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 4 }), fc.array(fc.nat(), { maxLength: 12 }), (drafts, cuts, copies) => {
        const originals: TestEvent[] = drafts.map((d, i) => ({
          user: d.user,
          action: d.action,
          at: new Date(BASE + d.minute * 60_000).toISOString(),
          id: `ev${String(i).padStart(3, "0")}`,
        }));
        // copies of earlier events (same event_id), spread through the stream: in a later batch or the same one
        const events = [...originals];
        for (const c of copies) if (originals.length > 0) events.splice(c % (events.length + 1), 0, { ...originals[c % originals.length] });
        const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, events.length)), events.length])].sort((a, b) => a - b);
        let history = timeline([]).collectSync();
        let sessionized = sessionizeLogs(history.lazy()).collectSync();
        for (let i = 1; i < bounds.length; i++) {
          const batch = timeline(events.slice(bounds[i - 1], bounds[i])).collectSync();
          const added = newEvents(batch.lazy(), history.lazy()).collectSync();
          const appended = appendLogs(batch.lazy(), history.lazy()).collectSync();
          // what the append step adds is exactly newEvents, and nothing of the history is lost
          expect(added.height).toBe(appended.height - history.height);
          expect(rows(appended.lazy().join(history.lazy().select("event_id"), { on: "event_id", how: "anti" }).sort(["user_id", "timestamp", "event_id"]))).toEqual(rows(added));
          history = appended;
          sessionized = resessionizeLogs(sessionized.lazy(), added.lazy()).collectSync();
        }
        const full = sessionizeLogs(history.lazy()).collectSync();
        expect(sessionized.columns).toEqual(full.columns);
        expect(rows(sessionized)).toEqual(rows(full));
        // the history is the sessionized table without its two session columns
        expect(rows(sessionized.drop("session", "session_id"))).toEqual(rows(history));
        expect(new Set(history.getColumn("event_id").toArray()).size).toBe(new Set(events.map((e) => e.id)).size);
      }),
      { numRuns: 50 },
    );
  });

  it("keeps untouched users' rows and renumbers sessions after a user's new session", () => {
    const first = timeline([
      { user: "1", at: "2025-01-01T10:00:00Z", action: "web", id: "a" },
      { user: "2", at: "2025-01-01T10:00:00Z", action: "web", id: "b" },
    ]);
    const previous = sessionizeLogs(first);
    const batch = timeline([
      { user: "1", at: "2025-01-01T12:00:00Z", action: "web", id: "c" },
      { user: "2", at: "2025-01-01T10:00:00Z", action: "web", id: "b" }, // a copy: user 2 has nothing new
    ]);
    const added = newEvents(batch, first);
    expect(rows(added, ["event_id"])).toEqual([{ event_id: "c" }]);
    expect(rows(resessionizeLogs(previous, added), ["event_id", "session", "session_id"])).toEqual([
      { event_id: "a", session: 1, session_id: "1:a" },
      { event_id: "c", session: 2, session_id: "1:c" },
      { event_id: "b", session: 3, session_id: "2:b" },
    ]);
  });
});
