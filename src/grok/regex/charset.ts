/**
 * An immutable set of Unicode code points, stored as sorted, disjoint, non-adjacent
 * inclusive ranges. Used to reason about which characters a regex position can match.
 *
 * @example
 * const digits = CharSet.range(0x30, 0x39);
 * digits.has(0x35); // true
 * digits.complement().has(0x35); // false
 */
export class CharSet {
  static readonly MAX = 0x10ffff;
  static readonly empty = new CharSet([]);
  static readonly all = new CharSet([[0, CharSet.MAX]]);

  private constructor(readonly ranges: ReadonlyArray<readonly [number, number]>) {}

  /** A set holding the code points `lo..hi` (inclusive). */
  static range(lo: number, hi: number): CharSet {
    return lo > hi ? CharSet.empty : new CharSet([[lo, hi]]);
  }

  /** A set holding the given code points. */
  static of(...codePoints: number[]): CharSet {
    return CharSet.fromRanges(codePoints.map((c) => [c, c] as const));
  }

  /** Normalizes arbitrary (unsorted, overlapping) ranges into a set. */
  static fromRanges(ranges: ReadonlyArray<readonly [number, number]>): CharSet {
    const sorted = ranges.filter(([a, b]) => a <= b).slice().sort((x, y) => x[0] - y[0]);
    const out: [number, number][] = [];
    for (const [a, b] of sorted) {
      const last = out[out.length - 1];
      if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
      else out.push([a, b]);
    }
    return new CharSet(out);
  }

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  has(cp: number): boolean {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = this.ranges[mid];
      if (cp < a) hi = mid - 1;
      else if (cp > b) lo = mid + 1;
      else return true;
    }
    return false;
  }

  union(other: CharSet): CharSet {
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    return CharSet.fromRanges([...this.ranges, ...other.ranges]);
  }

  complement(): CharSet {
    const out: [number, number][] = [];
    let next = 0;
    for (const [a, b] of this.ranges) {
      if (a > next) out.push([next, a - 1]);
      next = b + 1;
    }
    if (next <= CharSet.MAX) out.push([next, CharSet.MAX]);
    return new CharSet(out);
  }

  intersect(other: CharSet): CharSet {
    const out: [number, number][] = [];
    let i = 0;
    let j = 0;
    while (i < this.ranges.length && j < other.ranges.length) {
      const [a1, b1] = this.ranges[i];
      const [a2, b2] = other.ranges[j];
      const lo = Math.max(a1, a2);
      const hi = Math.min(b1, b2);
      if (lo <= hi) out.push([lo, hi]);
      if (b1 < b2) i++;
      else j++;
    }
    return new CharSet(out);
  }

  minus(other: CharSet): CharSet {
    return this.intersect(other.complement());
  }

  overlaps(other: CharSet): boolean {
    return !this.intersect(other).isEmpty;
  }

  isSubsetOf(other: CharSet): boolean {
    return this.minus(other).isEmpty;
  }

  equals(other: CharSet): boolean {
    return (
      this.ranges.length === other.ranges.length &&
      this.ranges.every(([a, b], i) => a === other.ranges[i][0] && b === other.ranges[i][1])
    );
  }
}
