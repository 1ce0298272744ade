import type { PipelineSummary } from "../pipeline.js";

/**
 * The run summary as a few lines of plain text: a row per stream (files new, grown,
 * replaced and skipped as already read; lines, parsed, rejected, blank, duplicates), then
 * the totals and the stage timings (warnings go to stderr, from the command).
 *
 * @example
 * process.stdout.write(formatSummary(await runPipeline({ logs, store })));
 */
export function formatSummary(summary: PipelineSummary): string {
  const header = ["stream", "new", "grown", "replaced", "skipped", "lines", "parsed", "rejected", "blank", "duplicates"];
  const rows = Object.entries(summary.streams).map(([name, s]) =>
    [name, s.files.new, s.files.grown, s.files.replaced, s.files.unchanged, s.lines, s.parsed, s.rejected, s.blank, s.duplicates].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const timings = Object.entries(summary.timings).map(([stage, ms]) => `${stage} ${ms} ms`).join(", ");
  return [
    "files: new, grown, replaced, and skipped as already read",
    line(header),
    ...rows.map(line),
    "",
    `rejected lines: ${summary.rejected}`,
    `duplicates: ${summary.duplicates}`,
    `events: ${summary.events} (${summary.newEvents} new)`,
    `sessions: ${summary.sessions}`,
    `store version: ${summary.version}`,
    `time: ${timings}`,
    "",
  ].join("\n");
}
