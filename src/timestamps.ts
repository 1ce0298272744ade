import pl from "nodejs-polars";

/*
 * Grok's TIMESTAMP_ISO8601 accepts more than strict ISO 8601: one-digit months, days and
 * hours, an optional colon between hour and minute, optional seconds with a fraction after
 * `.`, `,` or `:`, and an optional zone `Z`, `+HH`, `+HH:MM` or `+HHMM`. We take the
 * pieces apart with one regex, pad them, and hand a canonical string to strptime, so that
 * a date that does not exist (February 30th) comes out null and can be rejected.
 */
const PIECES =
  /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):?(\d{2})(?::?([0-5]?\d)(?:[.,:](\d+))?)?(?:(Z)|([+-])(\d{1,2}):?(\d{2}))?$/
    .source;
const SEP = "\u001f";
const CANONICAL_FORMAT = "%Y-%m-%dT%H:%M:%S%.f%z";

/**
 * A Polars expression turning grok-style ISO 8601 strings into UTC microsecond datetimes;
 * strings that are not a real instant (bad shape, `2025-02-30`, hour 24) become null.
 * A timestamp without a zone is taken as UTC.
 *
 * @example
 * frame.select(parseIsoTimestamp(pl.col("timestamp")).alias("timestamp"));
 * // "2025-01-05T12:15:00.25+02:00" → 2025-01-05 10:15:00.250 UTC
 */
export function parseIsoTimestamp(text: pl.Expr): pl.Expr {
  const parts = text
    .str.replace(PIECES, Array.from({ length: 11 }, (_, i) => `\${${i + 1}}`).join(SEP))
    .str.split(SEP);
  const part = (i: number) => parts.lst.get(i);
  const pad2 = (e: pl.Expr) => e.str.padStart(2, "0");
  const seconds = pl.when(part(5).eq(pl.lit(""))).then(pl.lit("00")).otherwise(pad2(part(5)));
  const fraction = pl
    .when(part(6).eq(pl.lit("")))
    .then(pl.lit("0"))
    .otherwise(part(6).str.slice(0, 9));
  const zone = pl
    .when(part(8).eq(pl.lit("")))
    .then(pl.lit("+0000"))
    .otherwise(pl.concatString([part(8), pad2(part(9)), part(10)], ""));
  const canonical = pl.concatString(
    [part(0), pl.lit("-"), pad2(part(1)), pl.lit("-"), pad2(part(2)), pl.lit("T"), pad2(part(3)), pl.lit(":"), part(4),
      pl.lit(":"), seconds, pl.lit("."), fraction, zone],
    "",
  );
  const wellFormed = text.str.contains(PIECES);
  return pl
    .when(wellFormed)
    .then(canonical.str.strptime(pl.Datetime("ms"), CANONICAL_FORMAT))
    .otherwise(pl.lit(null))
    .cast(pl.Datetime("us", "UTC"));
}
