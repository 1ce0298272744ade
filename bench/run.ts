/**
 * npm run bench — sessionize against its peers on the same work, in the same run.
 *
 * Generates tutorial-shaped logs with the project's fixture generator (cached under a temp
 * directory by event count, seed and file count), then runs, each in its own process,
 * alternating, `--reps` times: (1) `sessionize run` from the logs to every table of a fresh
 * store, (2) the same job in DuckDB SQL (`bench/peer-duckdb.ts`), (3) in plain TypeScript
 * with grok-js (`bench/peer-plain.ts`). Every run's aggregated table and per-event sessions
 * are checked against the first sessionize run; any disagreement stops the benchmark
 * without reporting a figure. Reports median wall time, median peak RSS of the whole
 * process (from the OS), events/s and ratios to DuckDB, on the terminal and in
 * `bench/RESULTS.md`, with where sessionize's time goes stage by stage.
 *
 * @example
 * // npm run bench                                   1M events, 3 repetitions
 * // npm run bench -- --events 10000000 --reps 3
 * // npm run bench -- --no-main --scaling            1, 2, 5, 10M events
 * // npm run bench -- --no-main --incremental        a store of 10M events + a 1% rotated file
 * // npm run bench -- --events 10000 --reps 1 --no-write --no-build   (what the smoke test runs)
 */
import { Command, InvalidArgumentError } from "commander";
import { execFileSync } from "node:child_process";
import { closeSync, cpSync, existsSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { generateLogs } from "../fixtures/generate.js";
import { compareResults, type ResultFiles } from "./compare.js";
import { measure, rssSource, type Measurement } from "./measure.js";
import {
  count, gib, IMPLEMENTATION_NAMES, IMPLEMENTATIONS, mainTableRows, markdownTable, median, mib, ratio, seconds, stageMedians,
  summarize, targetRows, textTable, updateSection, type Implementation, type RunRecord,
} from "./report.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "dist", "cli.js");
/** Compiled peers live inside node_modules so that their bare imports resolve. */
const PEER_DIR = join(ROOT, "node_modules", ".cache", "sessionize-bench");
/** The plain TypeScript peer holds every event as an object: give V8 room beyond its default ~4 GiB heap. */
const PLAIN_HEAP_MB = 16_384;

// ---------------------------------------------------------------------------------------
// Options

const positive = (name: string) => (value: string) => {
  const n = Number(value.replaceAll("_", ""));
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

const implList = (value: string): Implementation[] => {
  const names = value.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !(IMPLEMENTATIONS as readonly string[]).includes(n));
  if (bad.length > 0 || names.length === 0) throw new InvalidArgumentError(`expected a comma-separated list of ${IMPLEMENTATIONS.join(", ")}`);
  return IMPLEMENTATIONS.filter((i) => names.includes(i));
};

const program = new Command("bench")
  .description("benchmark sessionize against DuckDB SQL and plain TypeScript on generated tutorial-shaped logs")
  .option("--events <n>", "events of the main case", positive("--events"), 1_000_000)
  .option("--seed <s>", "seed of the fixture generator", "7")
  .option("--reps <n>", "repetitions of every implementation (alternating)", positive("--reps"), 3)
  .option("--impls <list>", "implementations of the main case (sessionize,duckdb,plain)", implList, [...IMPLEMENTATIONS])
  .option("--no-main", "skip the main case")
  .option("--scaling", "also the scaling case (--scaling-events)")
  .option("--scaling-events <list>", "event counts of the scaling case", "1000000,2000000,5000000,10000000")
  .option("--scaling-impls <list>", "implementations of the scaling case (plain TypeScript is left out by default: minutes per size)", implList, ["sessionize", "duckdb"])
  .option("--incremental", "also the incremental case: a store of --incremental-events receives a 1% batch in a new rotated file")
  .option("--incremental-events <n>", "events already in the store for the incremental case", positive("--incremental-events"), 10_000_000)
  .option("--results <file>", "Markdown file to update", join(ROOT, "bench", "RESULTS.md"))
  .option("--no-write", "print only; do not update the results file")
  .option("--no-build", "do not rebuild dist/ with tsup first")
  .option("--cache <dir>", "where generated logs and run outputs go", join(tmpdir(), "sessionize-bench"))
  .option("--rss-limit <GiB>", "kill a run whose resident memory passes this (the machine is shared)", Number, 16)
  .parse();

interface Options {
  events: number; seed: string; reps: number; impls: Implementation[]; scalingImpls: Implementation[]; main: boolean; scaling?: boolean; scalingEvents: string;
  incremental?: boolean; incrementalEvents: number; results: string; write: boolean; build: boolean; cache: string; rssLimit: number;
}
const opts = program.opts<Options>();
const rssLimitBytes = opts.rssLimit * 2 ** 30;
const workRoot = join(opts.cache, "work");

// ---------------------------------------------------------------------------------------
// Preparation: build, compile the peers, generate (or reuse) the logs

/** What the figures are of: the commit dist/ was built from, said when the build ran (src/ may change while a long bench runs). */
let builtFrom = "";

function gitIn(args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
}

function prepare(): void {
  const dirty = gitIn(["status", "--porcelain", "--", "src"]) !== "" ? " with uncommitted changes in src/" : "";
  const head = gitIn(["rev-parse", "--short", "HEAD"]);
  builtFrom = opts.build ? `commit ${head}${dirty} (dist/ built from it as the bench started)` : `dist/ as it was (not rebuilt; HEAD ${head}${dirty})`;
  if (opts.build) {
    console.log("building dist/ (npx tsup) …");
    execFileSync("npx", ["tsup", "--silent"], { cwd: ROOT, stdio: "inherit" });
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build it with npx tsup (or drop --no-build)`);
}

async function compilePeers(): Promise<void> {
  mkdirSync(PEER_DIR, { recursive: true });
  await build({
    entryPoints: [join(ROOT, "bench", "peer-duckdb.ts"), join(ROOT, "bench", "peer-plain.ts")],
    outdir: PEER_DIR,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
}

/** Generated logs, cached by events, seed and files; `sessions` is the generator's ground truth. */
interface Logs {
  dir: string;
  events: number;
  bytes: number;
  sessions: number;
}

async function ensureLogs(events: number, files = 3): Promise<Logs> {
  const dir = join(opts.cache, `logs-${events}-seed${opts.seed}-files${files}`);
  const marker = join(dir, ".generated.json");
  if (!existsSync(marker)) {
    rmSync(dir, { recursive: true, force: true });
    console.log(`generating ${count(events)} events (seed ${opts.seed}, ${files} files per stream) into ${dir} …`);
    const seed = /^\d+$/.test(opts.seed) ? Number(opts.seed) : opts.seed;
    const result = await generateLogs({ events, seed, out: dir, files });
    writeFileSync(marker, JSON.stringify({ events: result.events, sessions: result.sessions }));
  }
  const { sessions } = JSON.parse(readFileSync(marker, "utf8")) as { sessions: number };
  const bytes = readdirSync(dir).filter((f) => f.includes(".log")).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  return { dir, events, bytes, sessions };
}

/** Read every log file once so that no implementation pays for a cold page cache. */
function warmCache(dir: string): void {
  const buffer = Buffer.allocUnsafe(16 * 2 ** 20);
  for (const name of readdirSync(dir)) {
    const fd = openSync(join(dir, name), "r");
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------
// Running the implementations

/** The command line of one implementation over `logs`, writing into `work`. */
function commandOf(impl: Implementation, logs: string, work: string): string[] {
  switch (impl) {
    case "sessionize":
      return [CLI, "run", "--logs", logs, "--store", join(work, "store"), "--json"];
    case "duckdb":
      return [join(PEER_DIR, "peer-duckdb.mjs"), "--logs", logs, "--out", join(work, "out")];
    case "plain":
      return [`--max-old-space-size=${PLAIN_HEAP_MB}`, join(PEER_DIR, "peer-plain.mjs"), "--logs", logs, "--out", join(work, "out")];
  }
}

/** The last line of a process's stdout, as JSON. */
function lastJson(m: Measurement): Record<string, unknown> {
  const line = m.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`expected a JSON summary on stdout, got: ${line.slice(0, 300)}`);
  }
}

/** Export a sessionize store's two result tables to Parquet (untimed). */
function exportStore(store: string, into: string): ResultFiles {
  const files = { label: "sessionize", aggregated: join(into, "aggregated_sessions.parquet"), sessionized: join(into, "sessionized_logs.parquet") };
  for (const [table, out] of [["aggregated_sessions", files.aggregated], ["sessionized_logs", files.sessionized]]) {
    execFileSync(process.execPath, [CLI, "export", table, "--out", out, "--store", store], { stdio: ["ignore", "ignore", "pipe"] });
  }
  return files;
}

/** A run that failed: the process's status and the end of its stderr. */
function failure(what: string, m: Measurement): Error {
  const why = m.killedForRss !== undefined ? `killed: resident memory passed ${gib(m.killedForRss)} (--rss-limit ${opts.rssLimit} GiB)` : `exit status ${m.status}`;
  return new Error(`${what}: ${why}\n${m.stderr.trim().split("\n").slice(-15).join("\n")}`);
}

/** Run one implementation once, measured; returns its record and where its results are. */
async function runOnce(impl: Implementation, logs: Logs, rep: number, work: string): Promise<{ record: RunRecord; files: ResultFiles }> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const m = await measure(process.execPath, commandOf(impl, logs.dir, work), { rssLimitBytes });
  if (m.status !== 0 || m.killedForRss !== undefined) throw failure(`${IMPLEMENTATION_NAMES[impl]} over ${count(logs.events)} events`, m);
  const summary = lastJson(m);
  const record: RunRecord = {
    impl, rep, wallMs: m.wallMs, peakRssBytes: m.peakRssBytes,
    events: Number(summary.events), sessions: Number(summary.sessions),
    timings: impl === "sessionize" ? (summary.timings as Record<string, number>) : undefined,
  };
  const files = impl === "sessionize"
    ? exportStore(join(work, "store"), work)
    : { label: impl, aggregated: join(work, "out", "aggregated_sessions.parquet"), sessionized: join(work, "out", "sessionized_logs.parquet") };
  return { record, files: { ...files, label: `${IMPLEMENTATION_NAMES[impl]} (run ${rep + 1})` } };
}

/** The results of one case: the runs, and the generator's truth it was checked against. */
interface CaseResult {
  logs: Logs;
  runs: RunRecord[];
  sessions: number;
}

/**
 * All implementations over `logs`, alternating, `reps` times (the order rotates each
 * round); every run is checked against the first sessionize run. Throws on disagreement.
 */
async function runCase(name: string, logs: Logs, impls: readonly Implementation[] = IMPLEMENTATIONS): Promise<CaseResult> {
  console.log(`\n== ${name}: ${count(logs.events)} events, ${mib(logs.bytes)} of logs, ${opts.reps} round(s) ==`);
  warmCache(logs.dir);
  const caseDir = join(workRoot, name.replace(/\W+/g, "-"));
  const referenceDir = join(caseDir, "reference");
  let reference: ResultFiles | undefined;
  const runs: RunRecord[] = [];
  for (let rep = 0; rep < opts.reps; rep++) {
    const order = impls.map((_, i) => impls[(i + rep) % impls.length]);
    // The reference is a sessionize run: make it the first run of the first round.
    if (rep === 0 && order.includes("sessionize")) order.sort((a, b) => Number(b === "sessionize") - Number(a === "sessionize"));
    for (const impl of order) {
      const work = join(caseDir, `${impl}-${rep + 1}`);
      const { record, files } = await runOnce(impl, logs, rep, work);
      if (!reference) {
        rmSync(referenceDir, { recursive: true, force: true });
        mkdirSync(referenceDir, { recursive: true });
        cpSync(files.aggregated, join(referenceDir, "aggregated_sessions.parquet"));
        cpSync(files.sessionized, join(referenceDir, "sessionized_logs.parquet"));
        reference = { label: files.label, aggregated: join(referenceDir, "aggregated_sessions.parquet"), sessionized: join(referenceDir, "sessionized_logs.parquet") };
      } else {
        const problems = compareResults(reference, files);
        if (problems.length > 0) throw new Error(`the implementations disagree; no figure is reported:\n  ${problems.join("\n  ")}`);
      }
      if (record.events !== runs[0]?.events && runs.length > 0) throw new Error(`${files.label}: ${record.events} events, expected ${runs[0].events}`);
      runs.push(record);
      rmSync(work, { recursive: true, force: true });
      console.log(`  round ${rep + 1}  ${IMPLEMENTATION_NAMES[impl].padEnd(22)} ${seconds(record.wallMs).padStart(9)}  ${mib(record.peakRssBytes).padStart(10)}  ${count(record.sessions)} sessions  ✓ agrees`);
    }
  }
  rmSync(caseDir, { recursive: true, force: true });
  const sessions = runs[0].sessions;
  if (sessions !== logs.sessions) console.log(`  note: the generator's ground truth says ${count(logs.sessions)} sessions; all implementations found ${count(sessions)}`);
  return { logs, runs, sessions };
}

// ---------------------------------------------------------------------------------------
// Cases

function stageRows(runs: RunRecord[]): string[][] {
  const stages = stageMedians(runs);
  const wall = median(runs.filter((r) => r.impl === "sessionize").map((r) => r.wallMs));
  return [["stage", "median", "share of wall"], ...stages.map((s) => [s.stage, seconds(s.ms), `${((100 * s.ms) / wall).toFixed(0)} %`])];
}

async function mainCase(): Promise<string[]> {
  const logs = await ensureLogs(opts.events);
  const result = await runCase("main", logs, opts.impls);
  const summaries = summarize(result.runs, result.runs[0].events);
  console.log(`\n${count(result.runs[0].events)} events, ${count(result.sessions)} sessions; medians of ${opts.reps} run(s) each:\n`);
  console.log(textTable(mainTableRows(summaries)));
  const targets = targetRows(summaries);
  if (targets.length > 1) console.log(`\n${textTable(targets)}`);
  console.log(`\nwhere sessionize's time goes (median per stage, from run --json):\n\n${textTable(stageRows(result.runs))}`);
  return [
    "main",
    [
      `## ${count(result.runs[0].events)} events`,
      "",
      `${mib(logs.bytes)} of logs (seed ${opts.seed}, 3 rotated files per stream), ${count(result.sessions)} sessions, all three implementations agree`,
      `(aggregated table column by column, floats to 1e-9; session of every event). Medians of ${opts.reps} alternating run(s) each.`,
      "",
      markdownTable(mainTableRows(summaries)),
      "",
      targets.length > 1 ? `Targets of issue 6 at this size:\n\n${markdownTable(targets)}` : "",
      "",
      "### Where sessionize's time goes",
      "",
      "Median per stage over the sessionize runs above (`run --json` timings); the last row is wall time outside the stages.",
      "",
      markdownTable(stageRows(result.runs)),
    ].join("\n"),
  ];
}

async function scalingCase(): Promise<string[]> {
  const sizes = opts.scalingEvents.split(",").map((s) => positive("--scaling-events")(s.trim()));
  const rows = [["events", "implementation", "median wall", "median peak RSS", "events/s", "time vs smallest", "time vs DuckDB"]];
  const stageTable = [["events", ...stageMedians([]).map((s) => s.stage)]];
  let smallest: Partial<Record<Implementation, number>> = {};
  let active: Implementation[] = [...opts.scalingImpls];
  const notes: string[] = [];
  for (const events of sizes) {
    const logs = await ensureLogs(events);
    let result: CaseResult;
    try {
      result = await runCase(`scaling ${events}`, logs, active);
    } catch (error) {
      const message = (error as Error).message;
      if (!/killed: resident memory/.test(message)) throw error;
      const impl = IMPLEMENTATIONS.find((i) => message.startsWith(IMPLEMENTATION_NAMES[i]));
      notes.push(`At ${count(events)} events ${impl ? IMPLEMENTATION_NAMES[impl] : "a run"} passed the ${opts.rssLimit} GiB RSS limit and was stopped; it is left out from there on.`);
      console.log(`  ${notes[notes.length - 1]}`);
      if (!impl) break;
      active = active.filter((i) => i !== impl);
      if (active.length === 0) break;
      result = await runCase(`scaling ${events}`, logs, active);
    }
    const summaries = summarize(result.runs, result.runs[0].events);
    for (const s of summaries) {
      smallest = { [s.impl]: s.wallMs, ...smallest };
      rows.push([count(events), IMPLEMENTATION_NAMES[s.impl], seconds(s.wallMs), mib(s.peakRssBytes), count(s.eventsPerSecond), ratio(s.wallMs / smallest[s.impl]!), ratio(s.timeVsDuckdb)]);
    }
    const stages = stageMedians(result.runs);
    if (stages.length > 0) {
      if (stageTable[0].length === 1) stageTable[0].push(...stages.map((s) => s.stage));
      stageTable.push([count(events), ...stages.map((s) => seconds(s.ms))]);
    }
  }
  console.log(`\nscaling (medians of ${opts.reps} run(s) each):\n\n${textTable(rows)}`);
  return [
    "scaling",
    [
      "## Scaling",
      "",
      `Seed ${opts.seed}, 3 rotated files per stream; medians of ${opts.reps} alternating run(s) per size; every run checked against sessionize's.`,
      "",
      markdownTable(rows),
      "",
      ...(notes.length > 0 ? [notes.join("\n"), ""] : []),
      "sessionize's stages (median) per size:",
      "",
      stageTable.length > 1 ? markdownTable(stageTable) : "(no sessionize runs)",
    ].join("\n"),
  ];
}

/**
 * The incremental case: logs of `base + 1%` events in 101 rotated files per stream. The
 * store first ingests the 100 oldest files (named as they were before the last rotation),
 * then each round times (a) a run on a copy of that store after the rotation (the newest
 * file is the 1% batch; the others were renamed by rotation) and (b) a full run over
 * everything into a fresh store; both must give the same aggregated table.
 */
async function incrementalCase(): Promise<string[]> {
  const base = opts.incrementalEvents;
  const files = 101;
  const logs = await ensureLogs(base + Math.round(base / 100), files);
  const root = join(workRoot, "incremental");
  rmSync(root, { recursive: true, force: true });
  const before = join(root, "logs-before");
  const after = join(root, "logs-after");
  mkdirSync(before, { recursive: true });
  mkdirSync(after, { recursive: true });
  for (const name of readdirSync(logs.dir).filter((n) => /\.log(\.\d+)?$/.test(n))) {
    linkSync(join(logs.dir, name), join(after, name));
    const rotation = Number(/\.log\.(\d+)$/.exec(name)?.[1] ?? 0);
    if (rotation > 0) linkSync(join(logs.dir, name), join(before, rotation === 1 ? name.replace(/\.1$/, "") : name.replace(/\.\d+$/, `.${rotation - 1}`)));
  }
  console.log(`\n== incremental: a store of ${count(base)} events receives ${count(logs.events - base)} new events in a new rotated file ==`);
  warmCache(logs.dir);
  const baseStore = join(root, "base-store");
  const initial = await measure(process.execPath, [CLI, "run", "--logs", before, "--store", baseStore, "--json"], { rssLimitBytes });
  if (initial.status !== 0 || initial.killedForRss !== undefined) throw failure("initial sessionize run", initial);
  const initialEvents = Number(lastJson(initial).events);
  console.log(`  initial run over ${count(initialEvents)} events: ${seconds(initial.wallMs)}, ${mib(initial.peakRssBytes)}`);

  const incremental: RunRecord[] = [];
  const full: RunRecord[] = [];
  for (let rep = 0; rep < opts.reps; rep++) {
    for (const kind of rep % 2 === 0 ? ["incremental", "full"] : ["full", "incremental"]) {
      const work = join(root, `${kind}-${rep + 1}`);
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work, { recursive: true });
      const store = join(work, "store");
      if (kind === "incremental") cpSync(baseStore, store, { recursive: true });
      const m = await measure(process.execPath, [CLI, "run", "--logs", after, "--store", store, "--json"], { rssLimitBytes });
      if (m.status !== 0 || m.killedForRss !== undefined) throw failure(`${kind} sessionize run`, m);
      const summary = lastJson(m);
      const record: RunRecord = {
        impl: "sessionize", rep, wallMs: m.wallMs, peakRssBytes: m.peakRssBytes, events: Number(summary.events),
        sessions: Number(summary.sessions), timings: summary.timings as Record<string, number>,
      };
      if (record.events !== logs.events) throw new Error(`${kind} run: ${record.events} events in the store, expected ${logs.events}`);
      (kind === "incremental" ? incremental : full).push(record);
      if (rep === 0) exportStore(store, work);
      rmSync(store, { recursive: true, force: true });
      console.log(`  round ${rep + 1}  ${kind.padEnd(12)} ${seconds(m.wallMs).padStart(9)}  ${mib(m.peakRssBytes).padStart(10)}  new events ${count(Number(summary.newEvents))}`);
    }
    if (rep === 0) {
      const of = (kind: string) => ({ label: kind, aggregated: join(root, `${kind}-1`, "aggregated_sessions.parquet"), sessionized: join(root, `${kind}-1`, "sessionized_logs.parquet") });
      const problems = compareResults(of("full"), of("incremental"));
      if (problems.length > 0) throw new Error(`the incremental run disagrees with the full run; no figure is reported:\n  ${problems.join("\n  ")}`);
      console.log("  ✓ the incremental run's aggregated table and sessions equal the full run's");
    }
    for (const kind of ["incremental", "full"]) rmSync(join(root, `${kind}-${rep + 1}`), { recursive: true, force: true });
  }
  rmSync(root, { recursive: true, force: true });
  const inc = median(incremental.map((r) => r.wallMs));
  const all = median(full.map((r) => r.wallMs));
  const rows = [
    ["run", "median wall", "median peak RSS"],
    [`incremental (+${count(logs.events - base)} events)`, seconds(inc), mib(median(incremental.map((r) => r.peakRssBytes)))],
    [`full (${count(logs.events)} events, fresh store)`, seconds(all), mib(median(full.map((r) => r.peakRssBytes)))],
  ];
  const stages = [["stage", "incremental", "full"], ...stageMedians(incremental).map((s, i) => [s.stage, seconds(s.ms), seconds(stageMedians(full)[i].ms)])];
  console.log(`\n${textTable(rows)}\n\nincremental / full: ${ratio(inc / all)} (target ≤ 0.10×)\n\n${textTable(stages)}`);
  return [
    "incremental",
    [
      "## Incremental",
      "",
      `A store holding ${count(initialEvents)} events (101 rotated files per stream, the 100 oldest ingested; initial run ${seconds(initial.wallMs)}, ${mib(initial.peakRssBytes)})`,
      `receives ${count(logs.events - base)} new events (1%) in a new rotated file \`.log\`; the older files were renamed by the rotation.`,
      `Medians of ${opts.reps} alternating round(s); the incremental run's aggregated table and sessions equal the full run's.`,
      "",
      markdownTable(rows),
      "",
      `Incremental / full: **${ratio(inc / all)}** (target ≤ 0.10×).`,
      "",
      markdownTable(stages),
    ].join("\n"),
  ];
}

// ---------------------------------------------------------------------------------------
// Report

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

function machineLines(): string[] {
  return [
    `- Machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), ${gib(totalmem())} memory; shared, so compare ratios from one run rather than absolute times.`,
    `- Node ${process.versions.node}; nodejs-polars ${versionOf("nodejs-polars")}, @duckdb/node-api ${versionOf("@duckdb/node-api")}, grok-js ${versionOf("grok-js")}.`,
    `- sessionize at ${builtFrom}; run on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC.`,
    `- Peak RSS: ${rssSource() === "gnu-time" ? "`/usr/bin/time -f %M` (the kernel's maxrss of the process)" : "`VmHWM` of /proc/<pid>/status, polled"}. Wall time: spawn to exit.`,
    `- Commands: \`node dist/cli.js run --logs L --store <fresh> --json\`; \`node bench/peer-duckdb.mjs\`; \`node --max-old-space-size=${PLAIN_HEAP_MB} bench/peer-plain.mjs\` (peers compiled with esbuild).`,
  ];
}

async function main(): Promise<void> {
  prepare();
  await compilePeers();
  console.log(`bench: ${availableParallelism()} cores, ${gib(totalmem())}; peak RSS from ${rssSource()}; cache ${opts.cache}`);
  // Each case's section is written as soon as it is measured: a later case that fails
  // (a run killed for its memory, say) does not throw away the figures already taken.
  const title = "# Benchmark results\n\nWritten by `npm run bench` (issue 6). Each section is replaced by the run that produced it.\n";
  const record = ([name, body]: string[]) => {
    if (!opts.write) return;
    updateSection(opts.results, name, `${body}\n\n${machineLines().join("\n")}`, title);
    console.log(`\nupdated the ${name} section of ${opts.results}`);
  };
  if (opts.main) record(await mainCase());
  if (opts.scaling) record(await scalingCase());
  if (opts.incremental) record(await incrementalCase());
}

main().catch((error: unknown) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exitCode = 1;
});
