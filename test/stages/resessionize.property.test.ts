import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appendLogs } from "../../src/stages/append.js";
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
  it("equals a full sessionize after any sequence of batches, late events included", () => {
    fc.assert(
      fc.property(eventsArb, fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 4 }), (drafts, cuts) => {
        const events: TestEvent[] = drafts.map((d, i) => ({
          user: d.user,
          action: d.action,
          at: new Date(BASE + d.minute * 60_000).toISOString(),
          id: `ev${String(i).padStart(3, "0")}`,
        }));
        const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, events.length)), events.length])].sort((a, b) => a - b);
        let history = timeline([]).collectSync();
        let sessionized = sessionizeLogs(history.lazy()).collectSync();
        for (let i = 1; i < bounds.length; i++) {
          const batch = timeline(events.slice(bounds[i - 1], bounds[i]));
          history = appendLogs(batch, history.lazy()).collectSync();
          sessionized = resessionizeLogs(sessionized.lazy(), history.lazy(), batch).collectSync();
        }
        const full = sessionizeLogs(history.lazy()).collectSync();
        expect(sessionized.columns).toEqual(full.columns);
        expect(rows(sessionized)).toEqual(rows(full));
      }),
      { numRuns: 60 },
    );
  });

  it("keeps untouched users' rows and renumbers sessions after a user's new session", () => {
    const first = timeline([
      { user: "1", at: "2025-01-01T10:00:00Z", action: "web", id: "a" },
      { user: "2", at: "2025-01-01T10:00:00Z", action: "web", id: "b" },
    ]);
    const previous = sessionizeLogs(first);
    const batch = timeline([{ user: "1", at: "2025-01-01T12:00:00Z", action: "web", id: "c" }]);
    const history = appendLogs(batch, first);
    expect(rows(resessionizeLogs(previous, history, batch), ["event_id", "session", "session_id"])).toEqual([
      { event_id: "a", session: 1, session_id: "1:a" },
      { event_id: "c", session: 2, session_id: "1:c" },
      { event_id: "b", session: 3, session_id: "2:b" },
    ]);
  });
});
