import { createRequire } from "node:module";
import { compileGrok, GrokError } from "../../src/grok/index.js";
import { run } from "./helpers.js";

const require = createRequire(import.meta.url);

interface OnigMatch {
  start: number;
  match: string;
}
interface OnigRegExpCtor {
  new (source: string): { searchSync(s: string): OnigMatch[] | null };
}
interface GrokJsCollection {
  createPattern(p: string): { resolved: string };
}

/** grok-js's own oniguruma module (the one its parseSync runs). */
const { OnigRegExp } = createRequire(require.resolve("grok-js/package.json"))("oniguruma") as { OnigRegExp: OnigRegExpCtor };
let collection: GrokJsCollection | null = null;

/** The regex grok-js gives oniguruma for a pattern (type suffixes, which it ignores, stripped). */
export function grokJsResolved(pattern: string): string {
  collection ??= (require("grok-js") as { loadDefaultSync(): GrokJsCollection }).loadDefaultSync();
  return collection.createPattern(pattern.replace(/(%\{\w+:\w+):(?:int|float)\}/g, "$1}")).resolved;
}

/** Oniguruma's compile error for the pattern as grok-js resolves it, or null when it compiles. */
export function onigError(pattern: string): string | null {
  try {
    new OnigRegExp(grokJsResolved(pattern));
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** compileGrok's error for the pattern, or null when it compiles. Errors other than GrokError fail. */
export function ourError(pattern: string): string | null {
  try {
    compileGrok(pattern);
    return null;
  } catch (e) {
    if (e instanceof GrokError) return e.message;
    throw e;
  }
}

/**
 * The capture groups of an oniguruma regex, in order: the name of a `(?<name>…)` group,
 * null for a plain `(…)` or another named group (grok-js writes `%{X:f}` as a named group).
 * Written apart from the library's parser; grok-js's own count is off after `(?<=`, `(?=`
 * and `(?i)`.
 */
export function captureGroups(regex: string): (string | null)[] {
  const groups: (string | null)[] = [];
  let inClass = 0;
  for (let i = 0; i < regex.length; i++) {
    const c = regex[i];
    if (c === "\\") i++;
    else if (c === "[") {
      inClass++;
      if (regex[i + 1] === "^") i++;
      if (regex[i + 1] === "]") i++;
    } else if (c === "]" && inClass > 0) inClass--;
    else if (c === "(" && inClass === 0) {
      if (regex[i + 1] !== "?") groups.push(null);
      else {
        // a named group is a field when its name is [A-Za-z0-9_]+ (grok-js's rule); (?'a'…), (?<é>…) capture unnamed
        const named = /^\(\?<([A-Za-z0-9_]+)>/.exec(regex.slice(i));
        if (named) groups.push(named[1]);
        else if (/^\(\?(?:'|<(?![=!]))/.test(regex.slice(i))) groups.push(null);
      }
    }
  }
  return groups;
}

/** Oniguruma's fields on a line (non-empty captures of named groups), or null for no match. */
export function onigFields(pattern: string): (line: string) => Record<string, string> | null {
  const regex = grokJsResolved(pattern);
  const re = new OnigRegExp(regex);
  const names = captureGroups(regex);
  return (line) => {
    const m = re.searchSync(line);
    if (!m) return null;
    const out: Record<string, string> = {};
    names.forEach((name, k) => {
      if (name && m[k + 1] && m[k + 1].match !== "") out[name] = m[k + 1].match;
    });
    return Object.fromEntries(Object.entries(out).sort());
  };
}

/** The lines on which compileGrok(pattern).apply and oniguruma differ (values compared as strings). */
export function differences(pattern: string, lines: string[]) {
  const g = compileGrok(pattern);
  const theirs = onigFields(pattern);
  const mine = run(g, lines).map((r) =>
    r === null
      ? null
      : Object.fromEntries(
          Object.entries(r)
            .filter(([, v]) => v !== null)
            .map(([k, v]) => [k, String(v)])
            .sort(),
        ),
  );
  return lines.flatMap((line, i) => {
    const t = theirs(line);
    return JSON.stringify(mine[i]) === JSON.stringify(t) ? [] : [{ pattern, engine: g.engine, line, mine: mine[i], theirs: t }];
  });
}
