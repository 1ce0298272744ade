import { describe, expect, it } from "vitest";
import { sessionizeLogs } from "../../src/stages/sessionize.js";
import { rows, timeline } from "../support/timeline.js";

const sessionsOf = (frame: ReturnType<typeof timeline>, inactivity?: string | number) =>
  rows(sessionizeLogs(frame, { inactivity }), ["user_id", "event_id", "session"]).map((r) => `${r.user_id}/${r.event_id}/${r.session}`);

describe("sessionizeLogs", () => {
  it("keeps a gap of exactly 30:00 in the session and opens one at 30:00.001", () => {
    const frame = timeline([
      { user: "a", at: "2025-01-01T10:00:00Z", action: "web" },
      { user: "a", at: "2025-01-01T10:30:00Z", action: "web" }, // exactly 30:00 → same
      { user: "a", at: "2025-01-01T11:00:00.001Z", action: "web" }, // 30:00.001 → new
    ]);
    expect(sessionsOf(frame)).toEqual(["a/e0000/1", "a/e0001/1", "a/e0002/2"]);
  });

  it("compares at full (microsecond) precision", () => {
    const frame = timeline([
      { user: "a", at: "2025-01-01T10:00:00Z", action: "web" },
      { user: "a", at: "2025-01-01T10:30:00.000001Z", action: "web" },
    ]);
    expect(sessionsOf(frame)).toEqual(["a/e0000/1", "a/e0001/2"]);
  });

  it("never opens a session with a purchase, even after two hours", () => {
    const frame = timeline([
      { user: "a", at: "2025-01-01T10:00:00Z", action: "cart_add" },
      { user: "a", at: "2025-01-01T12:00:00Z", action: "purchase" },
      { user: "a", at: "2025-01-01T12:10:00Z", action: "web" },
      { user: "a", at: "2025-01-01T13:00:00Z", action: "web" },
    ]);
    expect(sessionsOf(frame)).toEqual(["a/e0000/1", "a/e0001/1", "a/e0002/1", "a/e0003/2"]);
  });

  it("opens a session on a user change, even for a purchase or a short gap", () => {
    const frame = timeline([
      { user: "b", at: "2025-01-01T10:00:00Z", action: "purchase" },
      { user: "a", at: "2025-01-01T10:00:00Z", action: "web" },
    ]);
    expect(sessionsOf(frame)).toEqual(["a/e0001/1", "b/e0000/2"]);
  });

  it("orders users as strings and breaks timestamp ties by event_id", () => {
    const frame = timeline([
      { user: "2", at: "2025-01-01T10:00:00Z", action: "web" },
      { user: "10", at: "2025-01-01T10:00:00Z", action: "web", id: "z" },
      { user: "10", at: "2025-01-01T10:00:00Z", action: "web", id: "y" },
      { user: "1", at: "2025-01-01T10:00:00Z", action: "web" },
    ]);
    expect(sessionsOf(frame)).toEqual(["1/e0003/1", "10/y/2", "10/z/2", "2/e0000/3"]);
  });

  it("honours the inactivity option in any accepted form", () => {
    const frame = timeline([
      { user: "a", at: "2025-01-01T10:00:00Z", action: "web" },
      { user: "a", at: "2025-01-01T10:00:46Z", action: "web" },
      { user: "a", at: "2025-01-01T10:01:30Z", action: "web" },
    ]);
    expect(sessionsOf(frame, "45s")).toEqual(["a/e0000/1", "a/e0001/2", "a/e0002/2"]);
    expect(sessionsOf(frame, 44_000)).toEqual(["a/e0000/1", "a/e0001/2", "a/e0002/2"]); // 44 s is not over 44 s
    expect(sessionsOf(frame, 43_999)).toEqual(["a/e0000/1", "a/e0001/2", "a/e0002/3"]);
    expect(sessionsOf(frame, "1h30m")).toEqual(["a/e0000/1", "a/e0001/1", "a/e0002/1"]);
    expect(() => sessionizeLogs(frame, { inactivity: "soon" })).toThrow(/invalid inactivity "soon"/);
  });

  it("derives session_id from the user and the session's first event, stable when other users' events are added", () => {
    const base = [
      { user: "a", at: "2025-01-01T10:00:00Z", action: "web", id: "a1" },
      { user: "a", at: "2025-01-01T10:05:00Z", action: "web", id: "a2" },
      { user: "a", at: "2025-01-01T12:00:00Z", action: "web", id: "a3" },
    ] as const;
    const ids = (events: Parameters<typeof timeline>[0]) =>
      rows(sessionizeLogs(timeline(events)), ["event_id", "session_id"]).filter((r) => String(r.event_id).startsWith("a"));
    const alone = ids([...base]);
    expect(alone).toEqual([
      { event_id: "a1", session_id: "a:a1" },
      { event_id: "a2", session_id: "a:a1" },
      { event_id: "a3", session_id: "a:a3" },
    ]);
    expect(ids([{ user: "0", at: "2025-01-01T09:00:00Z", action: "web", id: "x1" }, ...base])).toEqual(alone);
  });

  it("gives an empty timeline zero sessions with the columns in place", () => {
    const out = sessionizeLogs(timeline([])).collectSync();
    expect(out.height).toBe(0);
    expect(out.columns).toContain("session");
    expect(out.columns).toContain("session_id");
  });
});
