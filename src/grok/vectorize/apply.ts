import pl from "nodejs-polars";
import type { GrokField } from "../types.js";
import { castField } from "../cast.js";
import type { RustRegex } from "./emit-rust.js";
import { splitExact } from "../../polars-native.js";
import { splitColumns } from "./split-columns.js";
import type { SplitPlan } from "./split-plan.js";

/**
 * Marks a matched line and separates its captures in the one-pass replace. Lines that
 * already contain it take a slower exact path.
 */
const SEP = "\x1f";

/** The regexes of a vectorized pattern. */
export interface VectorRegexes {
  /** Over any line. */
  full: RustRegex;
  /** The same with every class cut down to ASCII: matches only pure-ASCII lines, as `full` does on them. */
  ascii: RustRegex;
  /** When the pattern's shape allows it, how to cut its fields out of a line without a regex capture. */
  split?: SplitPlan | null;
}

/**
 * Adds one column per field and the match flag, with Polars string expressions only.
 *
 * One regex replace per line rewrites a matched line as `SEP capture SEP capture …` (an
 * unmatched line stays as it is), then a split at SEP gives the fields: a line matched iff its
 * rewrite starts with SEP. The replace runs the small ASCII regex first; only the lines it
 * leaves unchanged (non-ASCII lines, lines that do not match) meet the full regex. Lines
 * that already contain SEP get the flag from `str.contains` and each field by `str.extract`.
 *
 * @example
 * applyVectorized(lines, "message", { full: emitRust(plan), ascii: emitRust(plan, ASCII) }, fields, "__grok_matched");
 */
export function applyVectorized(
  lines: pl.LazyDataFrame,
  column: string,
  rx: VectorRegexes,
  fields: GrokField[],
  matchedColumn: string,
): pl.LazyDataFrame {
  const tmp = (name: string) => `__grok_${name}_${matchedColumn}`;
  const [A, J, P, R] = [tmp("ascii"), tmp("joined"), tmp("parts"), tmp("rare")];
  const nothing = pl.lit(null).cast(pl.Utf8);
  const split = rx.split && rx.ascii.body !== undefined ? splitColumns(pl.col(column), rx.split, rx.ascii.body, tmp) : null;
  if (split) lines = lines.withColumns(...split.stage1).withColumns(...split.stage2);
  // the lines the split path takes are blank for the regex path, which then skips them at once
  const src = pl.col(split ? split.input : column);
  const replacement = (r: RustRegex) => SEP + fields.map((f) => r.groups.get(f.name)!.map((g) => "${" + g + "}").join("")).join(SEP);
  // Each regex pass once, into temporary columns that later expressions reuse.
  const staged = lines
    .withColumns(
      src.str.replace(rx.ascii.search, replacement(rx.ascii)).alias(A),
      pl.when(src.str.contains(SEP, true)).then(src).otherwise(nothing).alias(R),
    )
    .withColumns(
      pl
        .when(pl.col(A).str.startsWith(SEP))
        .then(pl.col(A))
        .otherwise(pl.when(pl.col(A).str.startsWith(SEP)).then(nothing).otherwise(src).str.replace(rx.full.search, replacement(rx.full)))
        .alias(J),
    )
    // a matched line's rewrite holds exactly one SEP per field: piece i + 1 is field i
    .withColumns(splitExact(pl.col(J), SEP, fields.length).alias(P));
  const rare = pl.col(R);
  const isRare = rare.isNotNull();
  const parts = pl.col(P);
  const columns = fields.map((f, i) => {
    const extracts = rx.full.groups.get(f.name)!.map((g) => rare.str.extract(rx.full.search, g));
    // a field duplicated by a rewrite has one group per copy; at most one copy takes part
    const slow = extracts.slice(1).reduce((acc, e) => pl.when(acc.eq(pl.lit("")).or(acc.isNull())).then(e).otherwise(acc), extracts[0]);
    const regexRaw = pl.when(isRare).then(slow).otherwise(parts.struct.field(`field_${i + 1}`));
    const raw = split ? pl.when(pl.col(split.fast)).then(split.values.get(f.name)!).otherwise(regexRaw) : regexRaw;
    const value = pl.when(raw.eq(pl.lit(""))).then(nothing).otherwise(raw);
    return castField(value, f.type).alias(f.name);
  });
  const regexMatched = pl.when(isRare).then(rare.str.contains(rx.full.test)).otherwise(pl.col(J).str.startsWith(SEP)).fillNull(false);
  const matched = split ? pl.col(split.fast).or(regexMatched) : regexMatched;
  return staged.withColumns(...columns, matched.alias(matchedColumn)).drop(A, J, P, R, ...(split ? split.temporary : []));
}
