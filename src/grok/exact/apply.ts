import pl from "nodejs-polars";
import { castField } from "../cast.js";
import type { GrokField } from "../types.js";
import type { LineMatcher } from "./grok-js.js";

/**
 * The exact engine's `apply`: collects the frame, matches each line through grok-js,
 * and adds the same columns as the vectorized engine (same types, same nulls).
 *
 * @example
 * applyExact(lines, "message", matcher, fields, "__grok_matched").collectSync();
 */
export function applyExact(
  lines: pl.LazyDataFrame,
  column: string,
  matcher: LineMatcher,
  fields: GrokField[],
  matchedColumn: string,
): pl.LazyDataFrame {
  const df = lines.collectSync();
  const values = df.getColumn(column).toArray() as (string | null)[];
  const results = values.map((v) => (v === null || v === undefined ? null : matcher(v)));
  const columns = fields.map((f) =>
    pl.Series(f.name, results.map((r) => (r && r[f.name] ? r[f.name] : null)), pl.Utf8),
  );
  const captured = pl.DataFrame([...columns, pl.Series(matchedColumn, results.map((r) => r !== null), pl.Bool)]);
  const typed = captured.select(...fields.map((f) => castField(pl.col(f.name), f.type).alias(f.name)), pl.col(matchedColumn));
  const keep = df.columns.filter((c) => !fields.some((f) => f.name === c) && c !== matchedColumn);
  return df.select(...keep).hstack(typed).lazy();
}
