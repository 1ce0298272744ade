/**
 * Adding a stream of your own: product returns, with a custom Grok definition (SKU).
 * Run it with `npx tsx examples/custom-stream.ts`: it writes a few lines to a temporary
 * logs directory next to the tutorial's fixtures and runs the whole pipeline on both.
 */
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, runPipeline, tutorialStreams, type StreamDefinition } from "sessionize";

const returns: StreamDefinition = {
  name: "returns",
  pattern:
    "%{TIMESTAMP_ISO8601:timestamp} event_id=%{UUID:event_id} type=%{WORD:type} user_id=%{WORD:user_id} order_id=%{WORD:order_id} sku=%{SKU:sku} refund=%{NUMBER:refund}",
  definitions: { SKU: "[A-Z]{3}-\\d{4}" },
  columns: [
    { name: "timestamp", type: "timestamp" },
    { name: "event_id", type: "string" },
    { name: "event_type", from: "type", type: "string" },
    { name: "user_id", type: "string" },
    { name: "order_id", type: "string" },
    { name: "sku", type: "string" },
    { name: "refund", type: "float64" },
  ],
};

const logs = mkdtempSync(join(tmpdir(), "sessionize-example-"));
for (const name of readdirSync("fixtures/logs")) copyFileSync(join("fixtures/logs", name), join(logs, name));
writeFileSync(
  join(logs, "returns_activity.log"),
  [
    "2025-01-06T09:00:00Z event_id=6f1c7f0e-1111-4a2b-9c3d-000000000001 type=return user_id=5 order_id=859782 sku=ABC-1234 refund=19.99",
    "2025-01-06T09:05:00Z event_id=6f1c7f0e-1111-4a2b-9c3d-000000000002 type=return user_id=24 order_id=103402 sku=bad-sku refund=5",
  ].join("\n") + "\n",
);

const store = join(logs, ".store");
const summary = await runPipeline({ logs, store, streams: [...tutorialStreams, returns] });
console.log(summary.streams.returns); // { files: 1, lines: 2, parsed: 1, rejected: 1, blank: 0 }
console.log(openStore(store).scan("new_returns_logs").collectSync().toString());
console.log(openStore(store).scan("rejected_lines").collectSync().select("stream", "line_number", "reason").toString());
