import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { cachedExpr } from "../src/expr-cache.js";
import { conform, nullOf } from "../src/columns.js";

const dtypes = (schema: Record<string, unknown>) => Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, String(v)]));

describe("cachedExpr", () => {
  it("builds an expression once per key and hands out that one, which serves any number of frames", () => {
    let builds = 0;
    const doubled = () => cachedExpr("test:doubled:a", () => (builds++, pl.col("a").mul(2).alias("b")));
    const first = doubled();
    expect(doubled()).toBe(first);
    expect(builds).toBe(1);
    const one = pl.DataFrame({ a: [1, 2] }).select(doubled());
    const two = pl.DataFrame({ a: [5] }).lazy().select(doubled()).collectSync();
    expect(one.getColumn("b").toArray()).toEqual([2, 4]);
    expect(two.getColumn("b").toArray()).toEqual([10]);
    expect(cachedExpr("test:other", () => pl.lit(1))).not.toBe(first);
  });

  it("keys typed nulls and conformed columns by everything they depend on", () => {
    expect(nullOf(pl.Utf8)).toBe(nullOf(pl.Utf8));
    const typed = pl.DataFrame({ x: [1] }).select(nullOf(pl.Utf8).alias("s"), nullOf(pl.Int32).alias("i"), nullOf(pl.Datetime("us", "UTC")).alias("t"));
    expect(dtypes(typed.schema)).toEqual(dtypes({ s: pl.String, i: pl.Int32, t: pl.Datetime("us", "UTC") }));
    const frame = pl.DataFrame({ a: [1, 2] }).lazy();
    const asInt = conform(frame, [{ name: "a", type: "int32" }, { name: "b", type: "string" }]).collectSync();
    const asFloat = conform(frame, [{ name: "a", type: "float64" }, { name: "b", type: "int64" }]).collectSync();
    expect(dtypes(asInt.schema)).toEqual(dtypes({ a: pl.Int32, b: pl.String }));
    expect(dtypes(asFloat.schema)).toEqual(dtypes({ a: pl.Float64, b: pl.Int64 }));
  });
});
