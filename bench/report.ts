/**
 * Figures of the benchmark: medians per implementation, ratios, stage timings, and their
 * rendering as terminal tables and as sections of `bench/RESULTS.md`. Each section of
 * that file sits between `<!-- bench:NAME -->` markers and is replaced by the run that
 * produced it; text outside the markers (notes, analysis) is kept.
 *
 * @example
 * const rows = summarize(runs, 1_000_000);
 * console.log(textTable(mainTableRows(rows)));
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/** The three implementations, in the order they are reported. */
export const IMPLEMENTATIONS = ["sessionize", "duckdb", "plain"] as const;
export type Implementation = (typeof IMPLEMENTATIONS)[number];

/** Display names. */
export const IMPLEMENTATION_NAMES: Record<Implementation, string> = {
  sessionize: "sessionize (CLI run)",
  duckdb: "DuckDB SQL",
  plain: "plain TypeScript",
};

/** The stages `sessionize run --json` times, in order. */
export const STAGES = ["read", "parse", "unify", "append", "sessionize", "aggregate", "write"] as const;

/** One measured run of one implementation. */
export interface RunRecord {
  impl: Implementation;
  rep: number;
  wallMs: number;
  peakRssBytes: number;
  events: number;
  sessions: number;
  /** Stage timings in ms (sessionize only). */
  timings?: Partial<Record<string, number>>;
}

/** Medians of one implementation over its repetitions. */
export interface ImplSummary {
  impl: Implementation;
  reps: number;
  wallMs: number;
  peakRssBytes: number;
  eventsPerSecond: number;
  /** Ratios to DuckDB's medians (undefined when DuckDB was not run). */
  timeVsDuckdb?: number;
  rssVsDuckdb?: number;
}

/**
 * The median of `values` (the mean of the two middle ones for an even count).
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Medians per implementation and ratios to DuckDB, for runs over `events` events.
 *
 * @example
 * summarize(runs, 1_000_000).find((s) => s.impl === "sessionize")?.timeVsDuckdb;
 */
export function summarize(runs: RunRecord[], events: number): ImplSummary[] {
  const out: ImplSummary[] = [];
  for (const impl of IMPLEMENTATIONS) {
    const mine = runs.filter((r) => r.impl === impl);
    if (mine.length === 0) continue;
    const wallMs = median(mine.map((r) => r.wallMs));
    out.push({ impl, reps: mine.length, wallMs, peakRssBytes: median(mine.map((r) => r.peakRssBytes)), eventsPerSecond: events / (wallMs / 1000) });
  }
  const duck = out.find((s) => s.impl === "duckdb");
  if (duck) for (const s of out) Object.assign(s, { timeVsDuckdb: s.wallMs / duck.wallMs, rssVsDuckdb: s.peakRssBytes / duck.peakRssBytes });
  return out;
}

/** Median milliseconds per stage over the sessionize runs that report timings, plus the rest of the wall time. */
export function stageMedians(runs: RunRecord[]): { stage: string; ms: number }[] {
  const timed = runs.filter((r) => r.impl === "sessionize" && r.timings);
  if (timed.length === 0) return [];
  const rows: { stage: string; ms: number }[] = STAGES.map((stage) => ({ stage, ms: median(timed.map((r) => r.timings![stage] ?? 0)) }));
  const inStages = median(timed.map((r) => STAGES.reduce((sum, s) => sum + (r.timings![s] ?? 0), 0)));
  rows.push({ stage: "outside the stages (start-up, store open, exit)", ms: Math.max(0, median(timed.map((r) => r.wallMs)) - inStages) });
  return rows;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
export const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20).toLocaleString("en-US")} MiB`;
export const ratio = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : `${x.toFixed(2)}×`);
export const count = (n: number) => Math.round(n).toLocaleString("en-US");

/** Rows (header first) of the main table. */
export function mainTableRows(summaries: ImplSummary[]): string[][] {
  return [
    ["implementation", "median wall", "median peak RSS", "events/s", "time vs DuckDB", "RSS vs DuckDB", "runs"],
    ...summaries.map((s) => [
      IMPLEMENTATION_NAMES[s.impl], seconds(s.wallMs), mib(s.peakRssBytes), count(s.eventsPerSecond),
      ratio(s.timeVsDuckdb), ratio(s.rssVsDuckdb), String(s.reps),
    ]),
  ];
}

/** The targets at one million events, checked against the medians. */
export function targetRows(summaries: ImplSummary[]): string[][] {
  const ours = summaries.find((s) => s.impl === "sessionize");
  const plain = summaries.find((s) => s.impl === "plain");
  if (!ours) return [];
  const rows = [["target", "measured", "met"]];
  if (ours.timeVsDuckdb !== undefined) rows.push(["wall time ≤ 0.25× DuckDB", ratio(ours.timeVsDuckdb), ours.timeVsDuckdb <= 0.25 ? "yes" : "no"]);
  if (ours.rssVsDuckdb !== undefined) rows.push(["peak RSS ≤ 0.5× DuckDB", ratio(ours.rssVsDuckdb), ours.rssVsDuckdb <= 0.5 ? "yes" : "no"]);
  if (plain) {
    const faster = plain.wallMs / ours.wallMs;
    rows.push(["≥ 20× faster than plain TypeScript", `${faster.toFixed(2)}×`, faster >= 20 ? "yes" : "no"]);
  }
  return rows;
}

/**
 * A fixed-width text table (first row is the header).
 *
 * @example
 * textTable([["a", "b"], ["1", "2"]]);
 */
export function textTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

/**
 * A Markdown table (first row is the header; columns after the first right-aligned).
 *
 * @example
 * markdownTable([["a", "b"], ["1", "2"]]);
 */
export function markdownTable(rows: string[][]): string {
  const line = (r: string[]) => `| ${r.join(" | ")} |`;
  return [line(rows[0]), `| ${rows[0].map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`, ...rows.slice(1).map(line)].join("\n");
}

/**
 * Replace (or append) the section `name` of a Markdown file between its markers, keeping
 * everything else in the file.
 *
 * @example
 * updateSection("bench/RESULTS.md", "main", "## One million events\n…");
 */
export function updateSection(file: string, name: string, body: string, title = "# Benchmark results\n"): void {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const text = existsSync(file) ? readFileSync(file, "utf8") : title;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next = from >= 0 && to > from ? text.slice(0, from) + block + text.slice(to + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
