import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where this module can resolve packages from: its own file (`__filename` in the CJS build,
 * `import.meta.url` in the ESM one, when it is a `file:` URL), then the working directory
 * (for a copy of the package that sits outside any node_modules tree, or a module
 * evaluated from `node --input-type=module -e`, `data:` or `https:` URLs).
 */
function requireBases(): string[] {
  const bases: string[] = [];
  if (typeof __filename === "string" && isAbsolute(__filename)) bases.push(__filename);
  try {
    const url = import.meta.url;
    if (typeof url === "string" && url.startsWith("file:")) bases.push(fileURLToPath(url));
  } catch {
    // no import.meta in this build
  }
  bases.push(join(process.cwd(), "[sessionize]"));
  return bases;
}

let located: NodeRequire | null = null;

/**
 * A `require` that finds grok-js: from this module where it can, else from the working
 * directory (see {@link requireBases}); in the ESM and CJS builds, Bun and Deno. It never
 * loads grok-js itself.
 *
 * @example
 * localRequire().resolve("grok-js/package.json"); // ".../node_modules/grok-js/package.json"
 */
export function localRequire(): NodeRequire {
  if (located) return located;
  const bases = requireBases();
  for (const base of bases) {
    const req = createRequire(base);
    try {
      req.resolve("grok-js/package.json");
      return (located = req);
    } catch {
      // try the next base
    }
  }
  throw new Error(
    `sessionize cannot find the grok-js package (its pattern files and exact engine): it resolves neither from ${bases
      .map((b) => dirname(b))
      .join(" nor from ")}. Install grok-js@3.2.4 next to sessionize.`,
  );
}
/**
 * The folder holding grok-js's pattern files, found without loading grok-js (or its
 * native oniguruma module).
 *
 * @example
 * shippedPatternsDir(); // ".../node_modules/grok-js/lib/patterns"
 */
export function shippedPatternsDir(): string {
  return join(dirname(localRequire().resolve("grok-js/package.json")), "lib", "patterns");
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
