import { describe, expect, it } from "vitest";
import { AGGREGATED_COLUMNS, aggregateSessions } from "../../src/stages/aggregate.js";
import { sessionizeLogs } from "../../src/stages/sessionize.js";
import { rows, timeline } from "../support/timeline.js";

const aggregate = (events: Parameters<typeof timeline>[0]) => rows(aggregateSessions(sessionizeLogs(timeline(events))));

describe("aggregateSessions", () => {
  it("counts activities, times the purchase and the session, and sums revenue", () => {
    const [session] = aggregate([
      { user: "7", at: "2025-01-01T10:00:00Z", action: "web" },
      { user: "7", at: "2025-01-01T10:20:00Z", action: "cart_add" },
      { user: "7", at: "2025-01-01T10:40:00Z", action: "cart_remove" },
      { user: "7", at: "2025-01-01T11:00:00Z", action: "cart_add" },
      { user: "7", at: "2025-01-01T11:35:03Z", action: "purchase", total: 12.5 }, // 35:03 after the cart: purchases never open
      { user: "7", at: "2025-01-01T11:35:03Z", action: "purchase", total: 7.25 },
    ]);
    expect(session).toMatchObject({
      session: 1,
      session_id: "7:e0000",
      user_id: "7",
      count_of_web_activities: 1,
      count_of_total_activities: 6,
      count_of_cart_activities: 3,
      count_of_purchase_activities: 2,
      time_to_purchase: "95m 3s",
      total_session_time: "95m 3s",
      time_to_purchase_seconds: 5703,
      total_session_time_seconds: 5703,
      revenue: 19.75,
    });
    expect((session.session_start as Date).toISOString()).toBe("2025-01-01T10:00:00.000Z");
    expect((session.session_end as Date).toISOString()).toBe("2025-01-01T11:35:03.000Z");
  });

  it("gives a session without a purchase a null time to purchase and zero revenue", () => {
    const [session] = aggregate([
      { user: "1", at: "2025-01-01T10:00:00Z", action: "web" },
      { user: "1", at: "2025-01-01T10:00:59.900Z", action: "web" },
    ]);
    expect(session).toMatchObject({
      time_to_purchase: null,
      time_to_purchase_seconds: null,
      total_session_time: "0m 59s", // whole seconds, truncated
      total_session_time_seconds: 59.9,
      revenue: 0,
      count_of_purchase_activities: 0,
    });
  });

  it("times to the first purchase of the session, not the last", () => {
    const [session] = aggregate([
      { user: "1", at: "2025-01-01T10:00:00Z", action: "cart_add" },
      { user: "1", at: "2025-01-01T10:02:30Z", action: "purchase" },
      { user: "1", at: "2025-01-01T10:10:00Z", action: "purchase" },
    ]);
    expect(session.time_to_purchase).toBe("2m 30s");
    expect(session.time_to_purchase_seconds).toBe(150);
    expect(session.total_session_time).toBe("10m 0s");
  });

  it("writes one row per session sorted by session, with the documented columns", () => {
    const out = aggregate([
      { user: "b", at: "2025-01-01T10:00:00Z", action: "web" },
      { user: "a", at: "2025-01-01T10:00:00Z", action: "web" },
      { user: "a", at: "2025-01-01T13:00:00Z", action: "web" },
    ]);
    expect(out.map((r) => [r.session, r.user_id, r.count_of_total_activities])).toEqual([
      [1, "a", 1],
      [2, "a", 1],
      [3, "b", 1],
    ]);
    expect(Object.keys(out[0])).toEqual(AGGREGATED_COLUMNS.map((c) => c.name));
  });

  it("aggregates an empty timeline to an empty table with its schema", () => {
    const out = aggregateSessions(sessionizeLogs(timeline([]))).collectSync();
    expect(out.height).toBe(0);
    expect(out.columns).toEqual(AGGREGATED_COLUMNS.map((c) => c.name));
  });
});
