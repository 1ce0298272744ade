/**
 * Benchmark peer 2: the whole job in DuckDB SQL through `@duckdb/node-api`, as a competent
 * DuckDB user would write it: read the log lines with `read_csv`, parse each stream with
 * one `regexp_extract` (grok's patterns spelled out in RE2), turn the ISO 8601 text into an
 * exact UTC microsecond timestamp (fractions, `Z`, `+02:00`, `-0530`, no zone = UTC, a date
 * that does not exist is rejected), unify, drop repeated event ids (first wins), sessionize
 * with window functions, aggregate, and write both result tables to Parquet.
 *
 * @example
 * // node peer-duckdb.mjs --logs /tmp/logs --out /tmp/out
 * // → /tmp/out/sessionized_logs.parquet, /tmp/out/aggregated_sessions.parquet
 * // stdout: {"events":1000000,"rejected":0,"sessions":139022}
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { INACTIVITY_US, logFiles, peerArgs, PEER_STREAMS, type PeerStream, type PeerSummary } from "./peer-common.js";

// Grok's definitions (grok-patterns of grok-js), in RE2 syntax: no atomic groups or look-behind,
// which changes nothing on these fields.
const HOUR = "(?:2[0123]|[01]?[0-9])";
const MINUTE = "(?:[0-5][0-9])";
const TIMESTAMP_ISO8601 =
  `(?:\\d\\d){1,2}-(?:0?[1-9]|1[0-2])-(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9])[T ]${HOUR}:?${MINUTE}` +
  `(?::?(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?))?(?:Z|[+-]${HOUR}(?::?${MINUTE}))?`;
const UUID = "[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}";
const WORD = "\\b\\w+\\b";
const INT = "[+-]?[0-9]+";
const NUMBER = "[+-]?(?:[0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)";
const URIPATH = "(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%_\\-]*)+";
const URIPARAM = "\\?[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\\-\\[\\]]*";
const URIPATHPARAM = `${URIPATH}(?:${URIPARAM})?`;
const DATA = ".*?";

const COMMON = `(${TIMESTAMP_ISO8601}) event_id=(${UUID}) type=(${WORD}) user_id=(${WORD})`;
const COMMON_FIELDS = ["ts_text", "event_id", "event_type", "user_id"];

/** Per stream: the regex, its capture names, and the typed columns selected from the captures. */
const STREAMS: Record<PeerStream, { regex: string; fields: string[]; select: string }> = {
  cart: {
    regex: `${COMMON} cart_id=(${WORD}) action=(${WORD}) product_id=(${INT}) quantity=(${INT}) price=(${NUMBER})`,
    fields: [...COMMON_FIELDS, "cart_id", "cart_action", "product_id", "quantity", "price"],
    select: `f.cart_id, f.cart_action, CAST(nullif(f.product_id, '') AS INTEGER) AS product_id,
             CAST(nullif(f.quantity, '') AS INTEGER) AS quantity, CAST(nullif(f.price, '') AS DOUBLE) AS price`,
  },
  purchase: {
    regex: `${COMMON} cart_id=(${WORD}) order_id=(${WORD}) total=(${NUMBER}) currency=(${WORD}) payment_method=(${WORD})`,
    fields: [...COMMON_FIELDS, "cart_id", "order_id", "total_amount", "currency", "payment_method"],
    select: `f.cart_id, f.order_id, CAST(nullif(f.total_amount, '') AS DOUBLE) AS total_amount, f.currency, f.payment_method`,
  },
  web: {
    regex: `${COMMON} path=(${URIPATHPARAM}) referrer=(${URIPATHPARAM}) user_agent="(${DATA})"`,
    fields: [...COMMON_FIELDS, "path", "referrer", "user_agent"],
    select: `f.path, f.referrer, f.user_agent`,
  },
};

/** The pieces of an ISO 8601 timestamp as grok captures it (4-digit year, optional seconds, fraction, zone). */
const ISO_PIECES =
  "^(\\d{4})-(\\d{1,2})-(\\d{1,2})[T ](\\d{1,2}):?(\\d{2})(?::?([0-5]?\\d)(?:[.,:](\\d+))?)?(?:(Z)|([+-])(\\d{1,2}):?(\\d{2}))?$";

const sql = (s: string) => `'${s.replaceAll("'", "''")}'`;
const list = (items: string[]) => `[${items.map(sql).join(", ")}]`;

const { logs, out } = peerArgs(process.argv.slice(2));
mkdirSync(out, { recursive: true });
const db = await (await DuckDBInstance.create(":memory:")).connect();

/** The captured timestamp text's pieces `p` → exact UTC TIMESTAMP (microseconds), NULL when it is not a real instant. */
const UTC_FROM_PIECES = `
  try_strptime(
    p.y || '-' || lpad(p.mo, 2, '0') || '-' || lpad(p.d, 2, '0') || ' ' || lpad(p.h, 2, '0') || ':' || p.mi || ':' ||
      CASE WHEN p.s = '' THEN '00' ELSE lpad(p.s, 2, '0') END,
    '%Y-%m-%d %H:%M:%S')
  + to_microseconds(CASE WHEN p.f = '' THEN 0 ELSE CAST(nullif(rpad(left(p.f, 6), 6, '0'), '') AS BIGINT) END)
  - to_minutes(CASE WHEN p.sign = '' THEN 0
                    ELSE (CASE p.sign WHEN '-' THEN -1 ELSE 1 END) * (CAST(nullif(p.oh, '') AS INTEGER) * 60 + CAST(nullif(p.om, '') AS INTEGER)) END)`;

// Read and parse each stream: one row per non-blank line with its captures and timestamp
// (NULL for a rejected line: no match, or not a real instant).
for (const [order, stream] of PEER_STREAMS.entries()) {
  const files = logFiles(logs, stream).map((f) => resolve(f));
  const { regex, fields, select } = STREAMS[stream];
  const source = files.length === 0
    ? `(SELECT NULL::VARCHAR AS line, NULL::VARCHAR AS filename WHERE false)`
    : `read_csv(${list(files)}, columns = {'line': 'VARCHAR'}, delim = '\x01', quote = '', escape = '', header = false,
                auto_detect = false, filename = true)`;
  await db.run(`
    CREATE TABLE ${stream}_parsed AS
    WITH lines AS (
      SELECT line, regexp_extract(line, ${sql(regex)}, ${list(fields)}) AS f, list_position(${list(files)}, filename) AS file_order
      FROM ${source}
      WHERE line IS NOT NULL AND trim(line) <> ''
    ), pieces AS (
      SELECT *, regexp_extract(f.ts_text, ${sql(ISO_PIECES)}, ['y','mo','d','h','mi','s','f','z','sign','oh','om']) AS p
      FROM lines
    )
    SELECT line AS message, CASE WHEN f.ts_text = '' THEN NULL ELSE ${UTC_FROM_PIECES} END AS ts,
           f.event_id, f.event_type, f.user_id, ${select}, ${order} AS stream_order, file_order
    FROM pieces`);
}
const rejected = Number((await db.runAndReadAll(
  `SELECT count(*) FROM (${PEER_STREAMS.map((s) => `SELECT ts FROM ${s}_parsed`).join(" UNION ALL ")}) WHERE ts IS NULL`,
)).getRows()[0][0]);

// Unify, keep the first occurrence of each event id, sessionize.
await db.run(`
  CREATE TABLE events AS
  SELECT message, ts, event_id, user_id,
         CASE WHEN cart_action IS NOT NULL THEN event_type || '_' || cart_action ELSE event_type END AS user_action,
         strftime(ts, '%Y-%m-%d %H:%M') AS time_pretty,
         event_type, cart_id, cart_action, product_id, quantity, price, order_id, total_amount, currency, payment_method,
         path, referrer, user_agent
  FROM (${PEER_STREAMS.map((s) => `SELECT * FROM ${s}_parsed WHERE ts IS NOT NULL`).join(" UNION ALL BY NAME ")})
  QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY user_id, ts, stream_order, file_order) = 1`);

await db.run(`
  CREATE TABLE sessionized AS
  WITH flagged AS (
    SELECT *,
           CASE WHEN lag(ts) OVER by_user IS NULL THEN 1
                WHEN epoch_us(ts) - epoch_us(lag(ts) OVER by_user) > ${INACTIVITY_US} AND user_action <> 'purchase' THEN 1
                ELSE 0 END AS opens
    FROM events
    WINDOW by_user AS (PARTITION BY user_id ORDER BY ts, event_id)
  ), numbered AS (
    SELECT *, sum(opens) OVER (PARTITION BY user_id ORDER BY ts, event_id ROWS UNBOUNDED PRECEDING) AS user_session
    FROM flagged
  ), heads AS (
    SELECT user_id, user_session, event_id AS head, row_number() OVER (ORDER BY user_id, user_session) AS session
    FROM numbered WHERE opens = 1
  )
  SELECT n.* EXCLUDE (opens, user_session), h.session, n.user_id || ':' || h.head AS session_id
  FROM numbered n JOIN heads h ON n.user_id = h.user_id AND n.user_session = h.user_session`);

await db.run(`
  CREATE TABLE aggregated AS
  WITH g AS (
    SELECT session, any_value(session_id) AS session_id, any_value(user_id) AS user_id,
           min(ts) AS session_start, max(ts) AS session_end,
           count(*) FILTER (WHERE user_action = 'web') AS count_of_web_activities,
           count(*) AS count_of_total_activities,
           count(*) FILTER (WHERE starts_with(user_action, 'cart')) AS count_of_cart_activities,
           count(*) FILTER (WHERE starts_with(user_action, 'purchase')) AS count_of_purchase_activities,
           epoch_us(min(ts) FILTER (WHERE starts_with(user_action, 'purchase'))) - epoch_us(min(ts)) AS to_purchase_us,
           epoch_us(max(ts)) - epoch_us(min(ts)) AS total_us,
           coalesce(sum(total_amount) FILTER (WHERE starts_with(user_action, 'purchase')), 0)::DOUBLE AS revenue
    FROM sessionized GROUP BY session
  )
  SELECT session, session_id, user_id, session_start, session_end,
         count_of_web_activities, count_of_total_activities, count_of_cart_activities, count_of_purchase_activities,
         (to_purchase_us // 1000000 // 60) || 'm ' || (to_purchase_us // 1000000 % 60) || 's' AS time_to_purchase,
         (total_us // 1000000 // 60) || 'm ' || (total_us // 1000000 % 60) || 's' AS total_session_time,
         to_purchase_us / 1e6 AS time_to_purchase_seconds, total_us / 1e6 AS total_session_time_seconds, revenue
  FROM g`);

await db.run(`
  COPY (SELECT message, ts AS "timestamp", event_id, user_id, user_action, time_pretty, event_type, cart_id, cart_action,
               product_id, quantity, price, order_id, total_amount, currency, payment_method, path, referrer, user_agent,
               session, session_id
        FROM sessionized ORDER BY user_id, ts, event_id)
  TO ${sql(join(out, "sessionized_logs.parquet"))} (FORMAT parquet)`);
await db.run(`COPY (SELECT * FROM aggregated ORDER BY session) TO ${sql(join(out, "aggregated_sessions.parquet"))} (FORMAT parquet)`);

const [events, sessions] = (await db.runAndReadAll(`SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM aggregated)`)).getRows()[0].map(Number);
const summary: PeerSummary = { events, rejected, sessions };
process.stdout.write(JSON.stringify(summary) + "\n");
