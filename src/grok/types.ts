import type pl from "nodejs-polars";

/**
 * The type of a capture: `string`, or `int` / `float` from Logstash's `:int` / `:float` suffix.
 *
 * @example
 * compileGrok("%{INT:n:int}").fields[0].type; // "int"
 */
export type GrokFieldType = "string" | "int" | "float";

/**
 * One named capture of a pattern, in pattern order.
 *
 * @example
 * compileGrok("%{WORD:method} %{NUMBER:bytes:float}").fields; // [{ name: "method", type: "string" }, { name: "bytes", type: "float" }]
 */
export interface GrokField {
  name: string;
  type: GrokFieldType;
}

/**
 * Where a pattern's names are resolved besides grok-js's shipped definitions.
 *
 * @example
 * compileGrok("%{SKU:sku}", { definitions: { SKU: "[A-Z]{3}-\\d{4}" }, definitionFiles: ["patterns/shop"] });
 */
export interface GrokOptions {
  /** Inline definitions, e.g. `{ SKU: "[A-Z]{3}-\\d{4}" }`; they override shipped ones. */
  definitions?: Record<string, string>;
  /** Pattern files in the Logstash format (`NAME regex` per line); they override shipped ones. */
  definitionFiles?: string[];
}

/**
 * A compiled pattern: its fields, the engine it takes and why, and `apply`, which parses a
 * whole column at once.
 *
 * @example
 * const grok = compileGrok("%{IP:client} %{WORD:method}");
 * grok.engine; // "vectorized"
 * grok.apply(lines, "message").select("client", "method", "__grok_matched").collectSync();
 */
export interface CompiledGrok {
  /** The pattern as given. */
  pattern: string;
  engine: "vectorized" | "exact";
  /** Why exact: the construct that forced the fallback, and where. */
  reason?: string;
  /** In pattern order. */
  fields: GrokField[];
  /**
   * Parse the Utf8 column `column` of `lines`. Returns `lines` with one extra column per field
   * (Utf8, or Int64/Float64 when the field has a :int/:float suffix; null when absent/empty),
   * plus a Boolean column `matchedColumn` (default "__grok_matched") true when the line matched.
   */
  apply(lines: pl.LazyDataFrame, column: string, opts?: { matchedColumn?: string }): pl.LazyDataFrame;
  /** The oniguruma regex grok-js runs for this pattern (fields as capture groups). */
  readonly onigRegex: string;
  /** Oniguruma capture group number of each field, in field order. */
  readonly onigGroups: number[];
  /** The Rust regex of the vectorized engine (undefined when exact). */
  readonly rustRegex?: string;
  /** The same regex with every class cut down to ASCII, run first on pure-ASCII lines (undefined when exact). */
  readonly asciiRustRegex?: string;
}
