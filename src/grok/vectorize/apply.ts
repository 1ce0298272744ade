import pl from "nodejs-polars";
import type { GrokField } from "../types.js";
import { castField } from "../cast.js";
import type { RustRegex } from "./emit-rust.js";

/** Separates the captures in the one-pass replace; lines holding it take a slower exact path. */
const SEP = "\x1f";

/**
 * Adds one column per field and the match flag, with Polars string expressions only:
 * one regex test for the flag, one regex replace that writes all captures separated by
 * U+001F, then a split. Lines that already contain U+001F get each field by `str.extract`.
 *
 * @example
 * applyVectorized(lines, "message", emitRust(plan), fields, "__grok_matched");
 */
export function applyVectorized(
  lines: pl.LazyDataFrame,
  column: string,
  rx: RustRegex,
  fields: GrokField[],
  matchedColumn: string,
): pl.LazyDataFrame {
  const src = pl.col(column);
  const matched = src.str.contains(rx.test).fillNull(false);
  const hasSep = src.str.contains(SEP, true).fillNull(false);
  const replacement = fields.map((f) => rx.groups.get(f.name)!.map((g) => "${" + g + "}").join("")).join(SEP);
  const joined = src.str.replace(rx.search, replacement);
  const split = fields.length > 1 ? joined.str.split(SEP) : null;
  // Only the rare lines holding the separator reach the per-field extract.
  const rare = pl.when(hasSep).then(src).otherwise(pl.lit(null));
  const columns = fields.map((f, i) => {
    const fast = split ? split.lst.get(i) : joined;
    const groups = rx.groups.get(f.name)!;
    const extracts = groups.map((g) => rare.str.extract(rx.search, g));
    // a field duplicated by a rewrite has one group per copy; at most one copy takes part
    const slow = extracts.slice(1).reduce((acc, e) => pl.when(acc.eq(pl.lit("")).or(acc.isNull())).then(e).otherwise(acc), extracts[0]);
    const raw = pl.when(matched.and(hasSep.not())).then(fast).when(matched).then(slow).otherwise(pl.lit(null));
    const value = pl.when(raw.eq(pl.lit(""))).then(pl.lit(null)).otherwise(raw);
    return castField(value, f.type).alias(f.name);
  });
  return lines.withColumns(...columns, matched.alias(matchedColumn));
}
