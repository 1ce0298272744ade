import pl from "nodejs-polars";
import { compileGrok } from "./compile.js";
import { grokLines, type GrokRecord } from "./lines.js";
import type { GrokOptions } from "./types.js";

/**
 * The grok debugger behind `sessionize grok --pattern P [--definitions FILE] FILE`: one
 * NDJSON line per input line, the object of captures (numbers where a type suffix says
 * so, absent or empty fields left out) or `null` when the line does not match. Uses the
 * vectorized engine when the pattern allows it.
 *
 * @example
 * grokDebug("%{WORD:verb} %{INT:code:int}", {}, ["GET 200", "?"]);
 * // ['{"verb":"GET","code":200}', "null"]
 */
export function grokDebug(pattern: string, options: GrokOptions, lines: string[]): string[] {
  const compiled = compileGrok(pattern, options);
  if (compiled.engine === "exact") return grokLines(compiled, lines).map((r) => JSON.stringify(r));
  const matchedColumn = "__grok_debug_matched";
  const input = pl.DataFrame([pl.Series("__grok_debug_line", lines, pl.Utf8)]).lazy();
  const df = compiled.apply(input, "__grok_debug_line", { matchedColumn }).collectSync();
  const matched = df.getColumn(matchedColumn).toArray() as boolean[];
  const columns = compiled.fields.map((f) => df.getColumn(f.name).toArray() as (string | number | bigint | null)[]);
  return matched.map((m, i) => {
    if (!m) return "null";
    const record: GrokRecord = {};
    compiled.fields.forEach((f, j) => {
      const v = columns[j][i];
      if (v !== null && v !== undefined) record[f.name] = typeof v === "bigint" ? Number(v) : v;
    });
    return JSON.stringify(record);
  });
}
