import { CharSet } from "./charset.js";
import { ONIG_CLASSES } from "./onig-classes.js";

const cache = new Map<string, CharSet>();

/**
 * The character set oniguruma (as grok-js configures it: Ruby syntax, UTF-8) gives a
 * class: `word` (\w), `digit` (\d), `space` (\s), `hex` (\h) or `posix_<name>`.
 *
 * @example
 * onigClass("word").has("é".codePointAt(0)!); // true: oniguruma's \w is Unicode
 */
export function onigClass(name: string): CharSet {
  let set = cache.get(name);
  if (!set) {
    const ranges = ONIG_CLASSES[name];
    if (!ranges) throw new Error(`unknown class ${name}`);
    set = CharSet.fromRanges(ranges);
    cache.set(name, set);
  }
  return set;
}

/** Every character but `\n`: what `.` matches. */
export const DOT = CharSet.of(0x0a).complement();

/** ASCII, where Rust's `(?-u:\b)` and oniguruma's `\b` agree. */
export const ASCII = CharSet.range(0, 0x7f);

export const POSIX_NAMES = [
  "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph",
  "lower", "print", "punct", "space", "upper", "xdigit", "word",
] as const;
