/**
 * What the two peer implementations of the benchmark (DuckDB SQL, plain TypeScript) share:
 * the tutorial's three grok patterns, the log files of a stream, the column order of the
 * two result tables, and their tiny command line. The peers deliberately import nothing
 * from `src/`: they are what a user would write instead of using the library.
 *
 * @example
 * const { logs, out } = peerArgs(process.argv.slice(2)); // --logs DIR --out DIR
 * logFiles(logs, "cart"); // ["…/cart_activity.log.2", "…/cart_activity.log.1", "…/cart_activity.log"]
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const COMMON = "%{TIMESTAMP_ISO8601:timestamp} event_id=%{UUID:event_id} type=%{WORD:type} user_id=%{WORD:user_id}";

/** The tutorial's grok patterns, in stream order (cart, purchase, web). */
export const GROK_PATTERNS = {
  cart: `${COMMON} cart_id=%{WORD:cart_id} action=%{WORD:action} product_id=%{INT:product_id} quantity=%{INT:quantity} price=%{NUMBER:price}`,
  purchase: `${COMMON} cart_id=%{WORD:cart_id} order_id=%{WORD:order_id} total=%{NUMBER:total} currency=%{WORD:currency} payment_method=%{WORD:payment_method}`,
  web: `${COMMON} path=%{URIPATHPARAM:path} referrer=%{URIPATHPARAM:referrer} user_agent="%{DATA:user_agent}"`,
} as const;

export type PeerStream = keyof typeof GROK_PATTERNS;
export const PEER_STREAMS = Object.keys(GROK_PATTERNS) as PeerStream[];

/** Columns of the sessionized table, in order (the unified timeline, then the session). */
export const SESSIONIZED_COLUMNS = [
  "message", "timestamp", "event_id", "user_id", "user_action", "time_pretty",
  "event_type", "cart_id", "cart_action", "product_id", "quantity", "price",
  "order_id", "total_amount", "currency", "payment_method", "path", "referrer", "user_agent",
  "session", "session_id",
] as const;

/** Columns of the aggregated table, in order. */
export const AGGREGATED_COLUMNS = [
  "session", "session_id", "user_id", "session_start", "session_end",
  "count_of_web_activities", "count_of_total_activities", "count_of_cart_activities", "count_of_purchase_activities",
  "time_to_purchase", "total_session_time", "time_to_purchase_seconds", "total_session_time_seconds", "revenue",
] as const;

/** Inactivity that opens a session, in microseconds (30 minutes). */
export const INACTIVITY_US = 30 * 60 * 1_000_000;

/**
 * The plain log files of `stream` in `dir` (`<stream>_*.log`, `.log.1`, …), oldest first:
 * the highest rotation number first, the live `.log` last.
 *
 * @example
 * logFiles("/tmp/logs", "web").map((f) => f.split("/").pop()); // ["web_activity.log.2", "web_activity.log.1", "web_activity.log"]
 */
export function logFiles(dir: string, stream: string): string[] {
  const shape = new RegExp(`^${stream}_.*\\.log(?:\\.(\\d+))?$`);
  return readdirSync(dir)
    .map((name) => ({ name, match: shape.exec(name) }))
    .filter((f) => f.match !== null && statSync(join(dir, f.name)).isFile())
    .map((f) => ({ path: join(dir, f.name), rotation: Number(f.match![1] ?? 0), name: f.name }))
    .sort((a, b) => b.rotation - a.rotation || a.name.localeCompare(b.name))
    .map((f) => f.path);
}

/** What a peer prints on stdout as one JSON line when it is done. */
export interface PeerSummary {
  events: number;
  rejected: number;
  sessions: number;
}

/**
 * The peers' command line: `--logs DIR --out DIR`.
 *
 * @example
 * peerArgs(["--logs", "/tmp/logs", "--out", "/tmp/out"]); // { logs: "/tmp/logs", out: "/tmp/out" }
 */
export function peerArgs(argv: string[]): { logs: string; out: string } {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    if (i < 0 || i + 1 >= argv.length) throw new Error(`missing ${flag} <dir>`);
    return argv[i + 1];
  };
  return { logs: value("--logs"), out: value("--out") };
}
