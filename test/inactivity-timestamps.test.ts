import fc from "fast-check";
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

  /**
   * Brute-force reference, written another way: pieces by hand-written checks, the instant
   * by Date.UTC with every field range-checked (a date that does not exist is null).
   */
  function reference(text: string): number | null {
    const m = /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):?(\d{2})(?::?([0-5]?\d)(?:[.,:](\d+))?)?(?:(Z)|([+-])(\d{1,2}):?(\d{2}))?$/.exec(text);
    if (!m) return null;
    const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
    const second = m[6] === undefined ? 0 : Number(m[6]);
    const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() + (month === 2 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? -1 : 0);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return null;
    const offsetMinutes = m[9] ? (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hour, minute - offsetMinutes, second, 0);
    const micros = Number(((m[7] ?? "") + "000000").slice(0, 6));
    return date.getTime() * 1000 + micros;
  }

  it("takes February 29 in leap years only, every year from 0000 to 9999, in both the canonical and the general form", () => {
    const years = Array.from({ length: 10000 }, (_, y) => String(y).padStart(4, "0"));
    const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    for (const form of ["-02-29T00:00:00Z", "-02-29 00:00+01:00"]) {
      expect(parse(years.map((y) => y + form)).map((v) => v !== null)).toEqual(years.map((y) => leap(Number(y))));
    }
    expect(parse(["1900-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "2100-02-28T00:00:00Z", "1000-2-29T0:00"])).toEqual([
      null,
      Date.UTC(2000, 1, 29) * 1000,
      Date.UTC(2100, 1, 28) * 1000,
      null,
    ]);
  });

  it("agrees with a brute-force reference on generated timestamps of every accepted shape", () => {
    const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
    const timestamp = fc
      .tuple(
        fc.integer({ min: 1000, max: 9999 }).map(String),
        digits(1, 2), digits(1, 2), fc.constantFrom("T", " "), digits(1, 2), fc.constantFrom(":", ""), digits(2, 2),
        fc.option(fc.tuple(fc.constantFrom(":", ""), digits(1, 2), fc.option(fc.tuple(fc.constantFrom(".", ",", ":"), digits(1, 12))))),
        fc.oneof(
          fc.constant(""),
          fc.constant("Z"),
          fc.tuple(fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 23 }), fc.constantFrom(":", ""), fc.integer({ min: 0, max: 59 }), fc.boolean()).map(
            ([sign, h, colon, mm, pad]) => `${sign}${pad ? String(h).padStart(2, "0") : h}${colon}${String(mm).padStart(2, "0")}`,
          ),
        ),
      )
      .map(([y, mo, d, sep, h, colon, mi, sec, zone]) => {
        const seconds = sec === null ? "" : `${sec[0]}${sec[1]}${sec[2] === null ? "" : sec[2][0] + sec[2][1]}`;
        return `${y}-${mo}-${d}${sep}${h}${colon}${mi}${seconds}${zone}`;
      });
    const canonical = fc
      .tuple(fc.date({ min: new Date("1000-01-01"), max: new Date("9999-12-31"), noInvalidDate: true }), fc.nat({ max: 999_999 }), fc.integer({ min: 0, max: 9 }))
      .map(([d, us, digits]) => d.toISOString().slice(0, 19) + (digits === 0 ? "" : "." + String(us).padStart(6, "0").padEnd(9, "7").slice(0, digits)) + "Z");
    fc.assert(
      fc.property(fc.array(fc.oneof(timestamp, canonical), { minLength: 1, maxLength: 200 }), (values) => {
        expect(parse(values)).toEqual(values.map(reference));
      }),
      { numRuns: 200 },
    );
  });
});
