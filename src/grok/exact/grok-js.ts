import { grokJsRequire } from "../library.js";

/** Matches one line; returns each field's capture (absent when empty or not taking part), or null. */
export type LineMatcher = (line: string) => Record<string, string> | null;

interface GrokJsPattern {
  fields: (string | null)[];
  parseSync(line: string): Record<string, string> | null;
}
interface GrokJs {
  GrokCollection: new () => { createPattern(expression: string, id?: string): GrokJsPattern };
}

let grokJs: GrokJs | null = null;
let counter = 0;

/** Loads grok-js (and its native oniguruma module) on first use only. */
function loadGrokJs(pattern: string, reason: string): GrokJs {
  if (grokJs) return grokJs;
  try {
    grokJs = grokJsRequire()("grok-js") as GrokJs;
    return grokJs;
  } catch (e) {
    throw new Error(
      `Grok pattern ${JSON.stringify(pattern)} needs the exact engine (${reason}), which runs on grok-js and its ` +
        `native oniguruma module, and that could not be loaded in this runtime: ${(e as Error).message}`,
    );
  }
}

/**
 * A line matcher running the expanded regex through grok-js's oniguruma, with the
 * field of each capture group given explicitly (grok-js's own count of groups is wrong
 * for look-aheads and some escapes).
 *
 * @example
 * const m = grokJsMatcher("(\\d+)", ["n"], "%{INT:n}", "test");
 * m("a 12"); // { n: "12" }
 */
export function grokJsMatcher(onigRegex: string, groupFields: (string | null)[], pattern: string, reason: string): LineMatcher {
  const { GrokCollection } = loadGrokJs(pattern, reason);
  const compiled = new GrokCollection().createPattern(onigRegex, `sessionize-${++counter}`);
  compiled.fields = [null, ...groupFields];
  try {
    compiled.parseSync(""); // compiles the regex now, not on the first line
  } catch (e) {
    // compileGrok checks what oniguruma checks; a regex it let through and oniguruma rejects is a bug here
    throw new Error(
      `Grok pattern ${JSON.stringify(pattern)}: grok-js's oniguruma rejects its regex (${(e as Error).message}), ` +
        `which compileGrok's checks accepted: a difference from oniguruma to report`,
    );
  }
  return (line) => compiled.parseSync(line);
}
