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
  const tmp = (name: string) => `__grok_${name}_${matchedColumn}`;
  const [M, S, J] = [tmp("matched"), tmp("sep"), tmp("joined")];
  const replacement = fields.map((f) => rx.groups.get(f.name)!.map((g) => "${" + g + "}").join("")).join(SEP);
  // Stage 1: each regex pass once, into temporary columns (later expressions reuse them).
  const staged = lines
    .withColumns(src.str.contains(rx.test).fillNull(false).alias(M), src.str.contains(SEP, true).fillNull(false).alias(S))
    .withColumns(pl.when(pl.col(M)).then(src).otherwise(pl.lit(null)).str.replace(rx.search, replacement).alias(J));
  // Stage 2: fields from the split; only the rare lines holding the separator reach the per-field extract.
  const rare = pl.when(pl.col(S).and(pl.col(M))).then(src).otherwise(pl.lit(null));
  const split = fields.length > 1 ? pl.col(J).str.split(SEP) : null;
  const columns = fields.map((f, i) => {
    const fast = split ? split.lst.get(i) : pl.col(J);
    const extracts = rx.groups.get(f.name)!.map((g) => rare.str.extract(rx.search, g));
    // a field duplicated by a rewrite has one group per copy; at most one copy takes part
    const slow = extracts.slice(1).reduce((acc, e) => pl.when(acc.eq(pl.lit("")).or(acc.isNull())).then(e).otherwise(acc), extracts[0]);
    const raw = pl.when(pl.col(S)).then(slow).otherwise(fast);
    const value = pl.when(raw.eq(pl.lit(""))).then(pl.lit(null)).otherwise(raw);
    return castField(value, f.type).alias(f.name);
  });
  return staged.withColumns(...columns, pl.col(M).alias(matchedColumn)).drop(M, S, J);
}
