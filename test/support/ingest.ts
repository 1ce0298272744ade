import type { FileRegistry } from "../../src/ingest/file-registry.js";
import { planReads, type PlanOptions } from "../../src/ingest/plan-reads.js";
import { readPlan } from "../../src/ingest/read-plan.js";
import { webStream } from "../../src/streams.js";

/**
 * One run's reading of the web stream in `dir`, as the pipeline does it: plan against
 * `registry`, read what is new, and return the lines read per file (`"<name> (<kind>)"`,
 * files with nothing new left out), the next registry, every file's kind as planned
 * (`kinds`) and as read (`done`), and the warnings.
 */
export function ingest(dir: string, registry: FileRegistry, options: PlanOptions = {}) {
  const plan = planReads(dir, [webStream], registry, options);
  const kinds = plan.reads.map((r) => `${r.file.name}:${r.kind}`);
  const { files, registry: next } = readPlan(plan);
  const read: Record<string, string[]> = {};
  for (const f of files) {
    if (f.kind !== "unchanged") read[`${f.read.file.name} (${f.kind})`] = f.lines.getColumn("message").toArray() as string[];
  }
  return { read, registry: next, kinds, done: files.map((f) => `${f.read.file.name}:${f.kind}`), warnings: plan.warnings };
}
