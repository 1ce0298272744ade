/**
 * Run by gzip-memory.test.ts in a process of its own: ingest the logs directory given as
 * argument (planReads, then readPlan, as a run does) and print, as JSON, the peak resident
 * memory before and after, and the lines read.
 */
import { emptyRegistry } from "../../src/ingest/file-registry.js";
import { planReads } from "../../src/ingest/plan-reads.js";
import { readPlan } from "../../src/ingest/read-plan.js";
import { webStream } from "../../src/streams.js";

const [warmup, logs] = process.argv.slice(2);
const peak = () => process.resourceUsage().maxRSS * 1024;
const ingest = (dir: string) => readPlan(planReads(dir, [webStream], emptyRegistry())).files;
ingest(warmup); // loads Polars and every code path once
const before = peak();
const files = ingest(logs);
const after = peak();
const lines = files.flatMap((f) =>
  (f.lines.toRecords() as { line_number: number; message: string; defect: string | null }[]).map((r) => ({
    line: Number(r.line_number),
    length: r.message.length,
    defect: r.defect,
  })),
);
process.stdout.write(JSON.stringify({ before, after, lines }));
