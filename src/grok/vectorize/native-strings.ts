import pl from "nodejs-polars";
import { _Expr } from "nodejs-polars/bin/lazy/expr/index.js";

/**
 * Two Polars string kernels that nodejs-polars 0.24 has in its native binding but does not
 * reach from its public `str` namespace: `split_exact` (a struct of the first `n + 1`
 * pieces, in one pass) and `slice` with a per-row length. Kept here, in one place, so that a
 * later nodejs-polars that names them publicly changes only this file.
 */
interface NativeExpr {
  strSplitExact(by: pl.Expr, n: number): unknown;
  strSlice(offset: unknown, length: unknown): unknown;
}

const native = (e: pl.Expr) => (e as unknown as { _expr: NativeExpr })._expr;
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
  return wrap(native(text).strSlice((pl.lit(offset) as unknown as { _expr: unknown })._expr, (length as unknown as { _expr: unknown })._expr));
}
