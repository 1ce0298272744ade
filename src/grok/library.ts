import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { localRequire } from "../local-require.js";


/**
 * A `require` that finds grok-js, without loading it (see `localRequire`).
 *
 * @example
 * grokJsRequire().resolve("grok-js/package.json"); // ".../node_modules/grok-js/package.json"
 */
export function grokJsRequire(): NodeRequire {
  return localRequire("grok-js", "its pattern files and exact engine", "Install grok-js@3.2.4 next to sessionize.");
}

/**
 * The folder holding grok-js's pattern files, found without loading grok-js (or its
 * native oniguruma module).
 *
 * @example
 * shippedPatternsDir(); // ".../node_modules/grok-js/lib/patterns"
 */
export function shippedPatternsDir(): string {
  return join(dirname(grokJsRequire().resolve("grok-js/package.json")), "lib", "patterns");
}

/**
 * Reads pattern definitions in the Logstash format: `NAME regex` per line; lines that do
 * not start with a name (comments, blank lines) are skipped. Like grok-js, the regex is
 * the rest of the line after the whitespace that follows the name.
 *
 * @example
 * parseDefinitions("# ids\nSKU [A-Z]{3}-\\d{4}\n"); // Map { "SKU" => "[A-Z]{3}-\\d{4}" }
 */
export function parseDefinitions(text: string): Map<string, string> {
  const defs = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z0-9_]+)\s+(.+)/.exec(line);
    if (m) defs.set(m[1], m[2]);
  }
  return defs;
}

let shipped: Map<string, string> | null = null;

/**
 * Every definition grok-js ships, read from its installed pattern files (cached).
 *
 * @example
 * shippedDefinitions().get("INT"); // "(?:[+-]?(?:[0-9]+))"
 */
export function shippedDefinitions(): ReadonlyMap<string, string> {
  if (!shipped) {
    const dir = shippedPatternsDir();
    shipped = new Map();
    for (const file of readdirSync(dir).sort())
      for (const [k, v] of parseDefinitions(readFileSync(join(dir, file), "utf8"))) shipped.set(k, v);
  }
  return shipped;
}

/**
 * The user's own definitions, on top of the shipped ones.
 *
 * @example
 * definitionLibrary({ definitions: { SKU: "[A-Z]{3}-\\d{4}" }, definitionFiles: ["patterns/shop"] });
 */
export interface LibraryOptions {
  /** Inline definitions, e.g. `{ SKU: "[A-Z]{3}-\\d{4}" }`; they override shipped ones. */
  definitions?: Record<string, string>;
  /** Paths of pattern files in the Logstash format; they override shipped ones. */
  definitionFiles?: string[];
}

/**
 * The definitions a pattern is resolved against: shipped ones, then the files, then the
 * inline map (later ones win).
 *
 * @example
 * definitionLibrary({ definitions: { WORD: "[a-z]+" } }).get("WORD"); // "[a-z]+"
 */
export function definitionLibrary(options: LibraryOptions = {}): Map<string, string> {
  const lib = new Map(shippedDefinitions());
  for (const file of options.definitionFiles ?? [])
    for (const [k, v] of parseDefinitions(readFileSync(file, "utf8"))) lib.set(k, v);
  for (const [k, v] of Object.entries(options.definitions ?? {})) {
    if (!/^[A-Za-z0-9_]+$/.test(k)) throw new Error(`Invalid grok definition name ${JSON.stringify(k)}: use letters, digits and _`);
    lib.set(k, v);
  }
  return lib;
}
