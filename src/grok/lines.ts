import pl from "nodejs-polars";
import { exactMatcherOf } from "./compile.js";
import type { CompiledGrok } from "./types.js";

/**
 * The captures of one matched line: strings, or numbers where a type suffix says so.
 *
 * @example
 * const record: GrokRecord | null = grokLines(compileGrok("%{INT:n:int}"), ["42"])[0]; // { n: 42 }
 */
export type GrokRecord = Record<string, string | number>;

/**
 * Runs a compiled pattern line by line through grok-js (the exact engine, whatever
 * engine `compiled` would pick), with the same typing as `apply`: one object of captures
 * per line (fields that are absent or empty left out), or null when the line does not match.
 *
 * @example
 * grokLines(compileGrok("%{INT:n:int} %{WORD:w}"), ["7 up", "nope"]); // [{ n: 7, w: "up" }, null]
 */
export function grokLines(compiled: CompiledGrok, lines: string[]): (GrokRecord | null)[] {
  const match = exactMatcherOf(compiled);
  return typeRecords(compiled, lines.map((l) => match(l)));
}

/**
 * Applies the fields' types to string captures, exactly as the Polars casts in `apply` do.
 *
 * @example
 * typeRecords(compileGrok("%{INT:n:int}"), [{ n: "7" }, null]); // [{ n: 7 }, null]
 */
export function typeRecords(compiled: CompiledGrok, raw: (Record<string, string> | null)[]): (GrokRecord | null)[] {
  const typed = compiled.fields.filter((f) => f.type !== "string");
  if (typed.length === 0 || raw.length === 0) return raw;
  const df = pl.DataFrame(
    typed.map((f) => pl.Series(f.name, raw.map((r) => r?.[f.name] ?? null), pl.Utf8)),
  ).select(...typed.map((f) => pl.col(f.name).cast(f.type === "int" ? pl.Int64 : pl.Float64, false)));
  const columns = typed.map((f) => df.getColumn(f.name).toArray() as (number | bigint | null)[]);
  return raw.map((r, i) => {
    if (!r) return null;
    const out: GrokRecord = { ...r };
    typed.forEach((f, j) => {
      const v = columns[j][i];
      if (v === null || v === undefined) delete out[f.name];
      else out[f.name] = Number(v);
    });
    return out;
  });
}
