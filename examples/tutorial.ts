/**
 * The tutorial, stage by stage, through the library's typed functions.
 * Run it with `npx tsx examples/tutorial.ts [logs-dir]` (default: the bundled fixtures).
 *
 * Each stage takes lazy frames and returns a lazy frame; nothing is computed until
 * `collectSync()`. `runPipeline` does the same in one call and writes the tables to a store.
 */
import pl from "nodejs-polars";
import {
  aggregateSessions,
  appendLogs,
  emptyFrame,
  findLogFiles,
  parseLogs,
  readLogLines,
  sessionizeLogs,
  timelineColumns,
  tutorialStreams,
  unifyLogs,
} from "sessionize";

const logs = process.argv[2] ?? "fixtures/logs";

// 1. Publish: read each stream's rotated files (oldest first) and parse every line with
//    its Grok pattern. Lines that do not parse are kept, with the reason, not dropped.
const parsed: Record<string, pl.LazyDataFrame> = {};
for (const stream of tutorialStreams) {
  const files = findLogFiles(logs, stream.name);
  const lines = pl.concat(files.map((f) => readLogLines(f.path, f.name)));
  const { events, rejected } = parseLogs(stream, lines);
  parsed[stream.name] = events.collectSync().lazy(); // new_<stream>_logs
  console.log(`${stream.name}: ${files.length} files, ${rejected.collectSync().height} rejected lines`);
}

// 2. Unify: one timeline with user_action and time_pretty, sorted by user and time.
const newLogsJoined = unifyLogs(parsed);

// 3. Append: the batch onto the history (empty on a first run); repeated event ids are dropped.
const history = emptyFrame(timelineColumns());
const allJoinedLogs = appendLogs(newLogsJoined, history).collectSync();

// 4. Sessionize: a new session after 30 minutes of inactivity; a purchase never opens one.
const sessionized = sessionizeLogs(allJoinedLogs.lazy(), { inactivity: "30m" });

// 5. Aggregate: counts, time to purchase, duration and revenue per session.
const aggregated = aggregateSessions(sessionized).collectSync();

console.log(`${allJoinedLogs.height} events, ${aggregated.height} sessions`);
console.log(aggregated.sort("revenue", true).head(5).toString());
