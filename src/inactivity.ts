/**
 * The default inactivity threshold: 30 minutes, in milliseconds.
 *
 * @example
 * sessionizeLogs(events, { inactivity: DEFAULT_INACTIVITY_MS }); // the same as the default, "30m"
 */
export const DEFAULT_INACTIVITY_MS = 30 * 60 * 1000;

/** Milliseconds per unit, in the order the units may appear: h, m, s, ms. */
const UNIT_MS = [3_600_000, 60_000, 1_000, 1];
const DURATION = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/;

/**
 * An inactivity threshold in milliseconds, from a duration string (`30m`, `45s`,
 * `1h30m`, `1500ms`, or the units combined in that order) or a number of milliseconds.
 * Anything else, zero or negative, throws an error that says what is accepted.
 *
 * @example
 * parseInactivity("1h30m"); // 5_400_000
 * parseInactivity(45_000);  // 45_000
 * parseInactivity("30 minutes"); // throws
 */
export function parseInactivity(value: string | number | undefined): number {
  if (value === undefined) return DEFAULT_INACTIVITY_MS;
  const bad = () =>
    new Error(`invalid inactivity ${JSON.stringify(value)}: give a positive duration such as "30m", "45s", "1h30m", "500ms", or a number of milliseconds`);
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value <= 0) throw bad();
    return value;
  }
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return parseInactivity(Number(text));
  const match = DURATION.exec(text);
  if (!text || !match) throw bad();
  const [, h, m, s, ms] = match;
  const total = [h, m, s, ms].reduce((sum, part, i) => sum + (part === undefined ? 0 : Number(part) * UNIT_MS[i]), 0);
  if (total <= 0) throw bad();
  return total;
}
