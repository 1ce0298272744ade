import type { PipelineSummary } from "../pipeline.js";

/**
 * The run summary as a few lines of plain text: a row per stream (files, lines, parsed,
 * rejected, blank), then duplicates, events and sessions.
 *
 * @example
 * process.stdout.write(formatSummary(await runPipeline({ logs, store })));
 */
export function formatSummary(summary: PipelineSummary): string {
  const header = ["stream", "files", "lines", "parsed", "rejected", "blank"];
  const rows = Object.entries(summary.streams).map(([name, s]) => [name, s.files, s.lines, s.parsed, s.rejected, s.blank].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [
    line(header),
    ...rows.map(line),
    "",
    `rejected lines: ${summary.rejected}`,
    `duplicates: ${summary.duplicates}`,
    `events: ${summary.events} (${summary.newEvents} new)`,
    `sessions: ${summary.sessions}`,
    "",
  ].join("\n");
}
