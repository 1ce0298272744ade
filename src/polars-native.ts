import pl from "nodejs-polars";
import { _Expr } from "nodejs-polars/bin/lazy/expr/index.js";

/**
 * Polars expressions that nodejs-polars 0.24 has in its native binding but does not reach
 * from its public API: `split_exact` (a struct of the first `n + 1` pieces, in one pass),
 * `slice` with a per-row length (the public `str.slice` passes an expression offset on
 * unwrapped), and `replace_strict` with expressions for the old and new values (the public
 * one takes any object for a `{ old: … }` mapping). Kept here, in one place, so that a later
 * nodejs-polars that reaches them changes only this file.
 */
interface NativeExpr {
  strSplitExact(by: pl.Expr, n: number): unknown;
  strSlice(offset: unknown, length: unknown): unknown;
  replaceStrict(old: unknown, replacement: unknown, otherwise: unknown, dtype: unknown): unknown;
}

const native = (e: pl.Expr) => (e as unknown as { _expr: NativeExpr })._expr;
const raw = (e: pl.Expr) => (e as unknown as { _expr: unknown })._expr;
const wrap = (raw: unknown) => (_Expr as unknown as (raw: unknown) => pl.Expr)(raw);

/**
 * The text cut at the first `n` occurrences of `by`: a struct with fields `field_0` …
 * `field_n` (a piece past the last occurrence is null; the text after the (n+1)-th
 * occurrence is not kept).
 *
 * @example
 * df.select(splitExact(pl.col("line"), " ", 2).struct.field("field_1")); // "b" for "a b c d"
 */
export function splitExact(text: pl.Expr, by: string, n: number): pl.Expr {
  return wrap(native(text).strSplitExact(pl.lit(by), n));
}

/**
 * The text from character `offset` on, without its last `dropLast` characters ("" when it
 * is shorter than both).
 *
 * @example
 * df.select(between(pl.col("t"), 1, 1)); // "abc" for "\"abc\""
 */
export function between(text: pl.Expr, offset: number, dropLast: number): pl.Expr {
  if (dropLast === 0) return text.str.slice(offset);
  const kept = text.str.lengths().cast(pl.Int64).sub(pl.lit(offset + dropLast));
  const length = pl.when(kept.lt(pl.lit(0))).then(pl.lit(0)).otherwise(kept); // a text shorter than what is cut keeps nothing
  return wrap(native(text).strSlice(raw(pl.lit(offset)), raw(length)));
}

/**
 * Each value of `values` replaced by the value at the same place in `replacements`, where it
 * is one of `old`; a value that is not is an error, a null stays null. `old` and
 * `replacements` may be computed from the frame itself.
 *
 * @example
 * const ids = pl.col("user_id").unique().sort();
 * frame.select(replaceStrict(pl.col("user_id"), ids, ids.rank("ordinal"))); // each id's rank in string order
 */
export function replaceStrict(values: pl.Expr, old: pl.Expr, replacements: pl.Expr): pl.Expr {
  return wrap(native(values).replaceStrict(raw(old), raw(replacements), undefined, undefined));
}
