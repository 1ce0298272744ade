import pl from "nodejs-polars";
import type { GrokFieldType } from "./types.js";

/**
 * Converts a captured Utf8 expression to its field type: Int64 for `:int`, Float64 for
 * `:float` (a capture that is not a number becomes null), unchanged for strings.
 *
 * @example
 * castField(pl.col("n"), "int"); // "42" → 42, "4.2" → null
 */
export function castField(e: pl.Expr, type: GrokFieldType): pl.Expr {
  if (type === "int") return e.cast(pl.Int64, false);
  if (type === "float") return e.cast(pl.Float64, false);
  return e.cast(pl.Utf8);
}
