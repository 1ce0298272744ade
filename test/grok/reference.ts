import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

interface GrokJsPattern {
  parseSync(line: string): Record<string, string> | null;
}
let collection: { createPattern(p: string): GrokJsPattern } | null = null;

/**
 * grok-js itself, as a user would call it: the reference of the differential tests.
 * Type suffixes (which grok-js does not know) are stripped first.
 */
export function grokJs(pattern: string): (line: string) => Record<string, string> | null {
  collection ??= require("grok-js").loadDefaultSync();
  const p = collection!.createPattern(pattern.replace(/(%\{\w+:[\w@.-]+):(?:int|float)\}/g, "$1}"));
  return (line) => p.parseSync(line);
}
