import type pl from "nodejs-polars";

const built = new Map<string, pl.Expr>();

/**
 * The expression `build` makes, built once per process for each `key` and shared after.
 *
 * Building is the cost this saves: nodejs-polars wraps every expression, each step of a
 * chain included, in a fresh object of about 300 closures, which V8 creates slowly (0.3 to
 * 0.7 ms each here, half of it garbage collection). A pipeline run built about 1,400 of
 * them, most of them the same few expressions over and over (typed nulls, casts, the
 * line reader's projection). Expressions are immutable, so one serves every frame.
 * `key` must name everything the expression depends on.
 *
 * @example
 * const noDefect = cachedExpr("null:Utf8:defect", () => pl.lit(null).cast(pl.Utf8).alias("defect"));
 */
export function cachedExpr(key: string, build: () => pl.Expr): pl.Expr {
  let expr = built.get(key);
  if (expr === undefined) {
    expr = build();
    built.set(key, expr);
  }
  return expr;
}
