/**
 * Shared pieces of the Snowflake sink tests: a server with one user, options
 * pointing at it, hand-built frames with the issue-2 schemas, and a row-for-row
 * comparison of a loaded table with its Polars frame (types included).
 */
import { expect } from "vitest";
import pl, { type DataType } from "nodejs-polars";
import type { SnowflakeOptions } from "../../src/sinks/snowflake/index.js";
import { startSnowflakeServer, type SnowflakeTestServer } from "../support/snowflake-server/index.js";

/** The token the tests log in with; it must never show up in any output. */
export const TOKEN = "pat-Zq81xTOKENvalue-4d2c9e";
export const USER = "LOADER";

export async function startServer(extraUsers: { name: string; password?: string; publicKeyPem?: string }[] = []): Promise<SnowflakeTestServer> {
  return startSnowflakeServer({ users: [{ name: USER, password: TOKEN }, ...extraUsers] });
}

/** Options that reach `server` with the token, reading nothing from the environment. */
export function optionsFor(server: SnowflakeTestServer, extra: SnowflakeOptions = {}): SnowflakeOptions {
  return {
    account: server.account,
    user: USER.toLowerCase(),
    token: TOKEN,
    database: server.database,
    schema: "PUBLIC",
    warehouse: "LOAD_WH",
    role: "LOADER_ROLE",
    accessUrl: server.url,
    env: false,
    retryDelayMs: 10,
    maxRetryDelayMs: 50,
    ...extra,
  };
}

const UTC_US = pl.Datetime("us", "UTC");

function ts(iso: string): number {
  return Date.parse(iso) * 1000;
}

/** `aggregated_sessions` as issue 2 (section 3, point 8) defines it, `n` sessions. */
export function aggregatedSessions(n = 5, offset = 0): pl.DataFrame {
  const rows = Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    const start = ts("2025-03-01T10:00:00Z") + i * 3_600_000_000 + (i % 7) * 123_457; // microsecond parts
    const total = 60_000_000 * (i % 90) + 3_000_000 + (i % 3);
    const purchased = i % 3 === 0;
    const ttp = purchased ? Math.floor(total / 2) : null;
    return {
      session: BigInt(i + 1),
      session_id: `user${i % 4}:${i.toString(16).padStart(8, "0")}-evt`,
      user_id: String(i % 4),
      session_start: start,
      session_end: start + total,
      count_of_web_activities: BigInt(i % 5),
      count_of_total_activities: BigInt((i % 5) + 2 + (purchased ? 1 : 0)),
      count_of_cart_activities: 2n,
      count_of_purchase_activities: purchased ? 1n : 0n,
      time_to_purchase: ttp === null ? null : `${Math.floor(ttp / 60_000_000)}m ${Math.floor((ttp % 60_000_000) / 1_000_000)}s`,
      total_session_time: `${Math.floor(total / 60_000_000)}m ${Math.floor((total % 60_000_000) / 1_000_000)}s`,
      time_to_purchase_seconds: ttp === null ? null : ttp / 1e6,
      total_session_time_seconds: total / 1e6,
      revenue: purchased ? 19.99 * (i + 1) + 0.1 : 0,
    };
  });
  return pl
    .DataFrame({
      session: rows.map((r) => r.session),
      session_id: rows.map((r) => r.session_id),
      user_id: rows.map((r) => r.user_id),
      session_start: rows.map((r) => r.session_start),
      session_end: rows.map((r) => r.session_end),
      count_of_web_activities: rows.map((r) => r.count_of_web_activities),
      count_of_total_activities: rows.map((r) => r.count_of_total_activities),
      count_of_cart_activities: rows.map((r) => r.count_of_cart_activities),
      count_of_purchase_activities: rows.map((r) => r.count_of_purchase_activities),
      time_to_purchase: rows.map((r) => r.time_to_purchase),
      total_session_time: rows.map((r) => r.total_session_time),
      time_to_purchase_seconds: rows.map((r) => r.time_to_purchase_seconds),
      total_session_time_seconds: rows.map((r) => r.total_session_time_seconds),
      revenue: rows.map((r) => r.revenue),
    })
    .withColumns(
      pl.col("session").cast(pl.Int64),
      pl.col("session_start").cast(pl.Int64).cast(UTC_US),
      pl.col("session_end").cast(pl.Int64).cast(UTC_US),
      pl.col("count_of_web_activities").cast(pl.Int64),
      pl.col("count_of_total_activities").cast(pl.Int64),
      pl.col("count_of_cart_activities").cast(pl.Int64),
      pl.col("count_of_purchase_activities").cast(pl.Int64),
      pl.col("time_to_purchase_seconds").cast(pl.Float64),
    );
}

/** The Snowflake types `aggregated_sessions` must get (issue 5's mapping). */
export const AGGREGATED_TYPES: Record<string, string> = {
  SESSION: "NUMBER(38,0)",
  SESSION_ID: "VARCHAR",
  USER_ID: "VARCHAR",
  SESSION_START: "TIMESTAMP_NTZ(6)",
  SESSION_END: "TIMESTAMP_NTZ(6)",
  COUNT_OF_WEB_ACTIVITIES: "NUMBER(38,0)",
  COUNT_OF_TOTAL_ACTIVITIES: "NUMBER(38,0)",
  COUNT_OF_CART_ACTIVITIES: "NUMBER(38,0)",
  COUNT_OF_PURCHASE_ACTIVITIES: "NUMBER(38,0)",
  TIME_TO_PURCHASE: "VARCHAR",
  TOTAL_SESSION_TIME: "VARCHAR",
  TIME_TO_PURCHASE_SECONDS: "FLOAT",
  TOTAL_SESSION_TIME_SECONDS: "FLOAT",
  REVENUE: "FLOAT",
};

const ACTIONS = ["web", "cart_add", "cart_remove", "purchase"] as const;

/** `sessionized_logs` as issue 2 (points 5 and 7) defines it: the timeline columns plus `session`, `session_id`. */
export function sessionizedLogs(n = 12, offset = 0): pl.DataFrame {
  const rows = Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    const action = ACTIONS[i % 4];
    const t = ts("2025-03-01T10:00:00Z") + i * 61_000_000 + (i % 5) * 1_001;
    const iso = new Date(Math.floor(t / 1000)).toISOString();
    const eventId = `0000${i.toString(16).padStart(4, "0")}-1111-2222-3333-444455556666`;
    const user = String(i % 3);
    const cart = action.startsWith("cart") || action === "purchase";
    const eventType = action.startsWith("cart") ? "cart" : action;
    const tail =
      action === "web"
        ? `path=/p/${i} referrer=/home user_agent="Mozilla/5.0 (X11; \\"quoted\\" ü)"`
        : action === "purchase"
          ? `cart_id=c${i} order_id=o${i} total=${(10.5 * i).toFixed(2)} currency=EUR payment_method=card`
          : `cart_id=c${i} action=${action.slice(5)} product_id=${100 + i} quantity=${i % 4} price=${(2.25 * i).toFixed(2)}`;
    return {
      message: `${iso} event_id=${eventId} type=${eventType} user_id=${user} ${tail}`,
      timestamp: t,
      event_id: eventId,
      user_id: user,
      user_action: action,
      time_pretty: iso.slice(0, 16).replace("T", " "),
      event_type: eventType,
      cart_id: cart ? `c${i}` : null,
      cart_action: action.startsWith("cart") ? action.slice(5) : null,
      product_id: action.startsWith("cart") ? 100 + i : null,
      quantity: action.startsWith("cart") ? i % 4 : null,
      price: action.startsWith("cart") ? 2.25 * i : null,
      order_id: action === "purchase" ? `o${i}` : null,
      total_amount: action === "purchase" ? 10.5 * i : null,
      currency: action === "purchase" ? "EUR" : null,
      payment_method: action === "purchase" ? "card" : null,
      path: action === "web" ? `/p/${i}` : null,
      referrer: action === "web" ? "/home" : null,
      user_agent: action === "web" ? 'Mozilla/5.0 (X11; "quoted" ü)' : null,
      session: BigInt(1 + Math.floor(i / 4)),
      session_id: `${user}:${eventId}`,
    };
  });
  const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  return pl
    .DataFrame({
      message: col("message"),
      timestamp: col("timestamp"),
      event_id: col("event_id"),
      user_id: col("user_id"),
      user_action: col("user_action"),
      time_pretty: col("time_pretty"),
      event_type: col("event_type"),
      cart_id: col("cart_id"),
      cart_action: col("cart_action"),
      product_id: col("product_id"),
      quantity: col("quantity"),
      price: col("price"),
      order_id: col("order_id"),
      total_amount: col("total_amount"),
      currency: col("currency"),
      payment_method: col("payment_method"),
      path: col("path"),
      referrer: col("referrer"),
      user_agent: col("user_agent"),
      session: col("session"),
      session_id: col("session_id"),
    })
    .withColumns(
      pl.col("timestamp").cast(pl.Int64).cast(UTC_US),
      pl.col("product_id").cast(pl.Int32),
      pl.col("quantity").cast(pl.Int32),
      pl.col("price").cast(pl.Float64),
      pl.col("total_amount").cast(pl.Float64),
      pl.col("cart_id").cast(pl.Utf8),
      pl.col("cart_action").cast(pl.Utf8),
      pl.col("order_id").cast(pl.Utf8),
      pl.col("currency").cast(pl.Utf8),
      pl.col("payment_method").cast(pl.Utf8),
      pl.col("path").cast(pl.Utf8),
      pl.col("referrer").cast(pl.Utf8),
      pl.col("user_agent").cast(pl.Utf8),
      pl.col("session").cast(pl.Int64),
    );
}

/** The Snowflake type issue 5 asks for, from a Polars dtype (written independently of the sink's own mapping). */
export function expectedSnowflakeType(dtype: DataType): string {
  const text = String(dtype);
  if (/String|Utf8|Categorical/.test(text)) return "VARCHAR";
  if (/U?Int(8|16|32|64)/.test(text)) return "NUMBER(38,0)";
  if (/Float(32|64)/.test(text)) return "FLOAT";
  if (/Bool/.test(text)) return "BOOLEAN";
  if (/Datetime\(ms/.test(text)) return "TIMESTAMP_NTZ(3)";
  if (/Datetime\(us/.test(text)) return "TIMESTAMP_NTZ(6)";
  if (/Datetime\(ns/.test(text)) return "TIMESTAMP_NTZ(9)";
  if (/Duration\(ms/.test(text)) return "NUMBER(38,3)";
  if (/Duration\(us/.test(text)) return "NUMBER(38,6)";
  if (/Duration\(ns/.test(text)) return "NUMBER(38,9)";
  if (/Date/.test(text)) return "DATE";
  throw new Error(`no expectation for ${text}`);
}

/**
 * A frame's values in the shape `server.readTable` returns: integers and epoch
 * ticks as bigint, floats as numbers, durations as exact decimal seconds.
 */
export function frameValues(frame: pl.DataFrame): unknown[][] {
  const columns = frame.columns.map((name) => {
    const s = frame.getColumn(name);
    const text = String(s.dtype);
    if (/Int(8|16|32|64)|Datetime/.test(text)) {
      return (frame.select(pl.col(name).cast(pl.Int64).cast(pl.Utf8)).getColumn(name).toArray() as (string | null)[]).map((v) =>
        v === null ? null : BigInt(v),
      );
    }
    if (/Duration/.test(text)) {
      const scale = /\(ms/.test(text) ? 3 : /\(ns/.test(text) ? 9 : 6;
      return (frame.select(pl.col(name).cast(pl.Int64).cast(pl.Utf8)).getColumn(name).toArray() as (string | null)[]).map((v) => {
        if (v === null) return null;
        const n = BigInt(v);
        const unit = 10n ** BigInt(scale);
        const abs = n < 0n ? -n : n;
        return `${n < 0n ? "-" : ""}${abs / unit}.${(abs % unit).toString().padStart(scale, "0")}`;
      });
    }
    if (/^DataType\(Date\)$/.test(text)) {
      return (frame.select(pl.col(name).cast(pl.Int32)).getColumn(name).toArray() as (number | null)[]);
    }
    return s.toArray() as unknown[];
  });
  return Array.from({ length: frame.height }, (_, r) => columns.map((c) => c[r]));
}

/**
 * Reads `table` back from the server's DuckDB and compares it with `frame` row for
 * row (both sorted by `keys`), column names and Snowflake types included.
 */
export async function expectTableMatchesFrame(
  server: SnowflakeTestServer,
  table: string,
  frame: pl.DataFrame,
  keys: string[],
  options: { upper?: boolean; types?: Record<string, string> } = {},
): Promise<void> {
  const upper = options.upper ?? true;
  const name = (c: string) => (upper ? c.toUpperCase() : c);
  const loaded = await server.readTable(table, { orderBy: keys.map(name) });
  expect(loaded.columns).toEqual(frame.columns.map((c) => ({ name: name(c), type: expectedSnowflakeType(frame.getColumn(c).dtype) })));
  if (options.types) {
    expect(Object.fromEntries(loaded.columns.map((c) => [c.name, c.type]))).toEqual(options.types);
  }
  const expected = frameValues(frame.sort(keys));
  expect(loaded.rows.length).toBe(expected.length);
  for (let r = 0; r < expected.length; r++) {
    expect(loaded.rows[r], `row ${r} of ${table}`).toStrictEqual(expected[r]);
  }
}
