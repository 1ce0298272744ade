/**
 * Benchmark peer 3: the whole job in plain TypeScript, as a script a user would write
 * without the library: grok-js `parseSync` line by line, exact ISO 8601 timestamps in
 * integer microseconds (no `Date` rounding: fractions, offsets and zone-less UTC are
 * handled by hand), one JavaScript sort, loops to sessionize and aggregate, and the two
 * result tables written to Parquet through nodejs-polars.
 *
 * @example
 * // node peer-plain.mjs --logs /tmp/logs --out /tmp/out
 * // → /tmp/out/sessionized_logs.parquet, /tmp/out/aggregated_sessions.parquet
 * // stdout: {"events":1000000,"rejected":0,"sessions":139022}
 */
import { createReadStream, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { createInterface } from "node:readline";
import pl from "nodejs-polars";
import { GROK_PATTERNS, INACTIVITY_US, logFiles, peerArgs, PEER_STREAMS, type PeerSummary } from "./peer-common.js";

/** One parsed event; every stream fills the same shape (null where a field does not apply). */
interface Event {
  message: string;
  ts: number; // UTC microseconds since the epoch (exact: below 2^53)
  event_id: string;
  user_id: string;
  user_action: string;
  event_type: string;
  cart_id: string | null;
  cart_action: string | null;
  product_id: number | null;
  quantity: number | null;
  price: number | null;
  order_id: string | null;
  total_amount: number | null;
  currency: string | null;
  payment_method: string | null;
  path: string | null;
  referrer: string | null;
  user_agent: string | null;
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):?(\d{2})(?::?([0-5]?\d)(?:[.,:](\d+))?)?(?:(Z)|([+-])(\d{1,2}):?(\d{2}))?$/;

/** Grok's ISO 8601 text → UTC microseconds, or null when it is not a real instant (2025-02-30, hour 24). */
function isoMicros(text: string): number | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || date.getUTCHours() !== h || date.getUTCMinutes() !== mi) return null;
  const fraction = m[7] ? Number(m[7].slice(0, 6).padEnd(6, "0")) : 0;
  const offsetMinutes = m[9] ? (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
  return date.getTime() * 1000 + fraction - offsetMinutes * 60_000_000;
}

/** `%Y-%m-%d %H:%M` of a UTC microsecond instant. */
function timePretty(micros: number): string {
  const iso = new Date(Math.floor(micros / 1000)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** Whole minutes and seconds of a duration: 5_703_000_000 µs → "95m 3s". */
function minutesSeconds(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

const { logs, out } = peerArgs(process.argv.slice(2));
mkdirSync(out, { recursive: true });
const grok = createRequire(import.meta.url)("grok-js").loadDefaultSync();

// Parse every line of every file, stream by stream, oldest file first.
const events: Event[] = [];
let rejected = 0;
for (const stream of PEER_STREAMS) {
  const pattern = grok.createPattern(GROK_PATTERNS[stream]);
  for (const file of logFiles(logs, stream)) {
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      if (line.trim() === "") continue;
      const f = pattern.parseSync(line) as Record<string, string> | null;
      const ts = f === null ? null : isoMicros(f.timestamp);
      if (f === null || ts === null) {
        rejected++;
        continue;
      }
      const cartAction = stream === "cart" ? f.action : null;
      events.push({
        message: line,
        ts,
        event_id: f.event_id,
        user_id: f.user_id,
        user_action: cartAction === null ? f.type : `${f.type}_${cartAction}`,
        event_type: f.type,
        cart_id: f.cart_id ?? null,
        cart_action: cartAction,
        product_id: stream === "cart" ? parseInt(f.product_id, 10) : null,
        quantity: stream === "cart" ? parseInt(f.quantity, 10) : null,
        price: stream === "cart" ? parseFloat(f.price) : null,
        order_id: f.order_id ?? null,
        total_amount: stream === "purchase" ? parseFloat(f.total) : null,
        currency: f.currency ?? null,
        payment_method: f.payment_method ?? null,
        path: f.path ?? null,
        referrer: f.referrer ?? null,
        user_agent: f.user_agent ?? null,
      });
    }
  }
}

// One stable sort by (user_id as a string, time, event_id); then the first occurrence of an event id wins.
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
events.sort((a, b) => cmp(a.user_id, b.user_id) || a.ts - b.ts || cmp(a.event_id, b.event_id));
const seen = new Set<string>();
const timeline = events.filter((e) => !seen.has(e.event_id) && seen.add(e.event_id) !== undefined);
seen.clear();

// Sessionize: a new session on a new user, or after a gap over the threshold unless the event is a purchase.
const sessionOf = new Float64Array(timeline.length);
const sessionIds: string[] = [];
let session = 0;
for (let i = 0; i < timeline.length; i++) {
  const e = timeline[i];
  const prev = i > 0 ? timeline[i - 1] : undefined;
  const opens = prev === undefined || prev.user_id !== e.user_id || (e.ts - prev.ts > INACTIVITY_US && e.user_action !== "purchase");
  if (opens) {
    session++;
    sessionIds.push(`${e.user_id}:${e.event_id}`);
  }
  sessionOf[i] = session;
}

// Aggregate: one pass, sessions are contiguous in the timeline.
interface Agg {
  start: number; end: number; web: number; total: number; cart: number; purchase: number;
  firstPurchase: number | null; revenue: number; user: string;
}
const aggs: Agg[] = [];
for (let i = 0; i < timeline.length; i++) {
  const e = timeline[i];
  const s = sessionOf[i] - 1;
  let a = aggs[s];
  if (a === undefined) {
    a = { start: e.ts, end: e.ts, web: 0, total: 0, cart: 0, purchase: 0, firstPurchase: null, revenue: 0, user: e.user_id };
    aggs.push(a);
  }
  a.start = Math.min(a.start, e.ts);
  a.end = Math.max(a.end, e.ts);
  a.total++;
  if (e.user_action === "web") a.web++;
  if (e.user_action.startsWith("cart")) a.cart++;
  if (e.user_action.startsWith("purchase")) {
    a.purchase++;
    a.firstPurchase = a.firstPurchase === null ? e.ts : Math.min(a.firstPurchase, e.ts);
    a.revenue += e.total_amount ?? 0;
  }
}

// Write both tables through nodejs-polars.
const column = <T>(pick: (e: Event) => T) => timeline.map(pick);
const micros = (name: string, values: number[]) => pl.Series(name, values, pl.Int64).cast(pl.Datetime("us", "UTC"));
const sessionized = pl.DataFrame([
  pl.Series("message", column((e) => e.message), pl.Utf8),
  micros("timestamp", column((e) => e.ts)),
  pl.Series("event_id", column((e) => e.event_id), pl.Utf8),
  pl.Series("user_id", column((e) => e.user_id), pl.Utf8),
  pl.Series("user_action", column((e) => e.user_action), pl.Utf8),
  pl.Series("time_pretty", column((e) => timePretty(e.ts)), pl.Utf8),
  pl.Series("event_type", column((e) => e.event_type), pl.Utf8),
  pl.Series("cart_id", column((e) => e.cart_id), pl.Utf8),
  pl.Series("cart_action", column((e) => e.cart_action), pl.Utf8),
  pl.Series("product_id", column((e) => e.product_id), pl.Int32),
  pl.Series("quantity", column((e) => e.quantity), pl.Int32),
  pl.Series("price", column((e) => e.price), pl.Float64),
  pl.Series("order_id", column((e) => e.order_id), pl.Utf8),
  pl.Series("total_amount", column((e) => e.total_amount), pl.Float64),
  pl.Series("currency", column((e) => e.currency), pl.Utf8),
  pl.Series("payment_method", column((e) => e.payment_method), pl.Utf8),
  pl.Series("path", column((e) => e.path), pl.Utf8),
  pl.Series("referrer", column((e) => e.referrer), pl.Utf8),
  pl.Series("user_agent", column((e) => e.user_agent), pl.Utf8),
  pl.Series("session", Array.from(sessionOf), pl.Int64),
  pl.Series("session_id", Array.from(sessionOf, (s) => sessionIds[s - 1]), pl.Utf8),
]);
sessionized.writeParquet(join(out, "sessionized_logs.parquet"));

const toPurchase = aggs.map((a) => (a.firstPurchase === null ? null : a.firstPurchase - a.start));
const aggregated = pl.DataFrame([
  pl.Series("session", aggs.map((_, i) => i + 1), pl.Int64),
  pl.Series("session_id", sessionIds, pl.Utf8),
  pl.Series("user_id", aggs.map((a) => a.user), pl.Utf8),
  micros("session_start", aggs.map((a) => a.start)),
  micros("session_end", aggs.map((a) => a.end)),
  pl.Series("count_of_web_activities", aggs.map((a) => a.web), pl.Int64),
  pl.Series("count_of_total_activities", aggs.map((a) => a.total), pl.Int64),
  pl.Series("count_of_cart_activities", aggs.map((a) => a.cart), pl.Int64),
  pl.Series("count_of_purchase_activities", aggs.map((a) => a.purchase), pl.Int64),
  pl.Series("time_to_purchase", toPurchase.map((us) => (us === null ? null : minutesSeconds(us))), pl.Utf8),
  pl.Series("total_session_time", aggs.map((a) => minutesSeconds(a.end - a.start)), pl.Utf8),
  pl.Series("time_to_purchase_seconds", toPurchase.map((us) => (us === null ? null : us / 1e6)), pl.Float64),
  pl.Series("total_session_time_seconds", aggs.map((a) => (a.end - a.start) / 1e6), pl.Float64),
  pl.Series("revenue", aggs.map((a) => a.revenue), pl.Float64),
]);
aggregated.writeParquet(join(out, "aggregated_sessions.parquet"));

const summary: PeerSummary = { events: timeline.length, rejected, sessions: aggs.length };
process.stdout.write(JSON.stringify(summary) + "\n");
