import pl from "nodejs-polars";
import { between, splitExact } from "../../polars-native.js";
import type { SplitPlan } from "./split-plan.js";

/** The columns and expressions of the split path (see `SplitPlan`), for `applyVectorized`. */
export interface SplitColumns {
  /** Added first: the whole-line test, the pieces, the text after the n-th separator. */
  stage1: pl.Expr[];
  /** Added next: the flag of the lines the path takes (`fast`) and the line for the regex path (`input`, blank where `fast`). */
  stage2: pl.Expr[];
  /** Name of the flag column. */
  fast: string;
  /** Name of the column the regex path reads. */
  input: string;
  /** Each field's text on the lines the path takes. */
  values: Map<string, pl.Expr>;
  /** The temporary columns, to drop at the end. */
  temporary: string[];
}

const codePoint = (ch: string) => `\\x{${ch.codePointAt(0)!.toString(16)}}`;

/**
 * The split path's expressions over `line`. A line takes it when the pattern's ASCII form,
 * anchored at the start, matches the whole line (so the line is ASCII and character
 * offsets are byte offsets) and, if the plan says so, its token 1 starts with the second
 * field's key; its fields are then cut out as `SplitPlan` explains.
 *
 * @example
 * const s = splitColumns(pl.col("line"), plan, emitRust(tree, ASCII).body!, (n) => `__${n}`);
 * lines.withColumns(...s.stage1).withColumns(...s.stage2).withColumns(s.values.get("ts")!.alias("ts"));
 */
export function splitColumns(line: pl.Expr, plan: SplitPlan, asciiBody: string, tmp: (name: string) => string): SplitColumns {
  const [whole, tokens, tail, fast, input] = [tmp("whole"), tmp("tokens"), tmp("tail"), tmp("fast"), tmp("input")];
  const n = plan.fields.length - 1;
  const sep = codePoint(plan.separator);
  const stage1 = [
    // the leftmost-first match from the start is the whole line iff removing it leaves nothing
    // of a line that had something (the pattern, with its separators, never matches "")
    line.str.replace("^" + asciiBody, "").eq(pl.lit("")).and(line.neq(pl.lit(""))).alias(whole),
    splitExact(line, plan.separator, n).alias(tokens),
    ...(plan.lastHoldsSeparator ? [line.str.replace(`^(?:[^${sep}]*${sep}){${n}}`, "").alias(tail)] : []),
  ];
  const token = (i: number) => pl.col(tokens).struct.field(`field_${i}`);
  const takes = (plan.checkFirst ? pl.col(whole).and(token(1).str.startsWith(plan.prefixes[1])) : pl.col(whole)).fillNull(false);
  const stage2 = [takes.alias(fast), pl.when(takes).then(pl.lit("")).otherwise(line).alias(input)];
  const values = new Map<string, pl.Expr>();
  plan.fields.forEach((name, i) => {
    if (i === 0) values.set(name, between(token(0), plan.lead.length, 0));
    else if (i < n) values.set(name, between(token(i), plan.prefixes[i].length, 0));
    else values.set(name, between(plan.lastHoldsSeparator ? pl.col(tail) : token(n), plan.prefixes[n].length, plan.trail.length));
  });
  return { stage1, stage2, fast, input, values, temporary: [whole, tokens, fast, input, ...(plan.lastHoldsSeparator ? [tail] : [])] };
}
