import type pl from "nodejs-polars";
import { describeLocation, GrokError } from "./errors.js";
import { applyExact } from "./exact/apply.js";
import { grokJsMatcher, type LineMatcher } from "./exact/grok-js.js";
import { expandPattern, type Expansion } from "./expand.js";
import { definitionLibrary } from "./library.js";
import { parseRegex, RegexSyntaxError, type ParsedRegex } from "./regex/parse.js";
import type { CompiledGrok, GrokField, GrokOptions } from "./types.js";
import { ASCII } from "./regex/classes.js";
import { applyVectorized, type VectorRegexes } from "./vectorize/apply.js";
import { emitRust } from "./vectorize/emit-rust.js";
import { splitPlan } from "./vectorize/split-plan.js";
import { planVectorized } from "./vectorize/plan.js";

const DEFAULT_MATCHED = "__grok_matched";

/**
 * Compiles a grok pattern. The result says which engine runs it — `"vectorized"` (one
 * Rust regex over the whole column, through Polars) or `"exact"` (grok-js line by line,
 * loaded only then) with the `reason` — and parses a lazy frame's column with `apply`.
 *
 * @example
 * const g = compileGrok("%{WORD:verb} %{INT:status:int}");
 * g.engine; // "vectorized"
 * g.apply(pl.DataFrame({ line: ["GET 200"] }).lazy(), "line").collectSync();
 * // line, verb ("GET"), status (200, Int64), __grok_matched (true)
 */
export function compileGrok(pattern: string, options: GrokOptions = {}): CompiledGrok {
  const expansion = expandPattern(pattern, definitionLibrary(options));
  const parsed = parseExpansion(pattern, expansion);
  const fields = checkFields(pattern, expansion, parsed);
  const onigGroups = parsed.fields.map((f) => f.group);
  const groupFields: (string | null)[] = Array.from({ length: parsed.groupCount }, () => null);
  parsed.fields.forEach((f) => (groupFields[f.group - 1] = f.ref.name));

  const plan = planVectorized(parsed.root);
  let rust: VectorRegexes | null = null;
  let reason: string | undefined;
  if (plan.ok) rust = { full: emitRust(plan.tree), ascii: emitRust(plan.tree, ASCII), split: splitPlan(plan.tree) };
  else {
    const o = expansion.origins[plan.pos];
    reason = `${plan.reason}, ${o ? describeLocation(pattern, o.source, o.offset) : "in the pattern"}`;
  }

  let matcher: LineMatcher | null = null;
  const exactMatcher = () => (matcher ??= grokJsMatcher(expansion.text, groupFields, pattern, reason ?? "requested"));

  return {
    pattern,
    engine: rust ? "vectorized" : "exact",
    ...(reason ? { reason } : {}),
    fields,
    onigRegex: expansion.text,
    onigGroups,
    ...(rust ? { rustRegex: rust.full.search, asciiRustRegex: rust.ascii.search } : {}),
    apply(lines: pl.LazyDataFrame, column: string, opts: { matchedColumn?: string } = {}) {
      const matched = opts.matchedColumn ?? DEFAULT_MATCHED;
      return rust
        ? applyVectorized(lines, column, rust, fields, matched)
        : applyExact(lines, column, exactMatcher(), fields, matched);
    },
    exactMatcher,
  } as CompiledGrok & { exactMatcher: () => LineMatcher };
}

/**
 * The grok-js line matcher behind a compiled pattern (loads grok-js on first use).
 *
 * @example
 * exactMatcherOf(compileGrok("%{WORD:w}"))("hi there"); // { w: "hi" }
 */
export function exactMatcherOf(compiled: CompiledGrok): LineMatcher {
  return (compiled as CompiledGrok & { exactMatcher: () => LineMatcher }).exactMatcher();
}

function parseExpansion(pattern: string, expansion: Expansion): ParsedRegex {
  try {
    return parseRegex(expansion.text, expansion.fieldsAt);
  } catch (e) {
    if (!(e instanceof RegexSyntaxError)) throw e;
    const o = expansion.origins[Math.min(e.pos, expansion.origins.length - 1)] ?? { source: "pattern", offset: 0 };
    throw new GrokError(`Invalid regex (${e.message}) ${describeLocation(pattern, o.source, o.offset)}`, pattern, o.offset, o.source);
  }
}

function checkFields(pattern: string, expansion: Expansion, parsed: ParsedRegex): GrokField[] {
  const seen = new Set<string>();
  return parsed.fields.map((f) => {
    if (seen.has(f.ref.name)) {
      const o = expansion.origins[f.pos];
      throw new GrokError(`Field ${f.ref.name} is captured twice ${describeLocation(pattern, o.source, o.offset)}`, pattern, o.offset, o.source);
    }
    seen.add(f.ref.name);
    return { name: f.ref.name, type: f.ref.type };
  });
}
