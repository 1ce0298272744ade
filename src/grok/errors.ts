/**
 * The error thrown for a bad grok pattern: it names the pattern, the definition the
 * problem sits in, and the position (0-based offset into that text).
 *
 * @example
 * try { compileGrok("%{NOPE:x}"); } catch (e) {
 *   if (e instanceof GrokError) console.log(e.position); // 0
 * }
 */
export class GrokError extends Error {
  constructor(
    message: string,
    /** The pattern given to compileGrok. */
    readonly pattern: string,
    /** Offset of the problem in `source` (the pattern itself, or a definition's regex). */
    readonly position: number,
    /** `"pattern"`, or the name of the definition the problem sits in. */
    readonly source: string = "pattern",
  ) {
    super(message);
    this.name = "GrokError";
  }
}

/**
 * Formats where a problem is: `position 3 of pattern "…"` or `position 3 of definition X (in pattern "…")`.
 *
 * @example
 * describeLocation("%{FOO}", "pattern", 0); // 'at position 0 of pattern "%{FOO}"'
 */
export function describeLocation(pattern: string, source: string, position: number): string {
  return source === "pattern"
    ? `at position ${position} of pattern ${JSON.stringify(pattern)}`
    : `at position ${position} of definition ${source} (used by pattern ${JSON.stringify(pattern)})`;
}
