import type { ColumnType } from "./columns.js";

/**
 * One typed column of a parsed stream: `from` names the Grok capture it comes from
 * (defaults to `name`), `type` the dtype it is cast to.
 *
 * @example
 * const total: StreamColumn = { name: "total_amount", from: "total", type: "float64" }; // %{NUMBER:total} → total_amount
 */
export interface StreamColumn {
  name: string;
  from?: string;
  type: ColumnType;
}

/**
 * A log stream: which files hold it, the Grok pattern of one line, and the typed columns
 * taken from the captures. Every stream must produce `timestamp` (type "timestamp"),
 * `event_id`, `event_type` and `user_id` (see {@link REQUIRED_STREAM_COLUMNS}); the parsed table also keeps `message`, the raw line.
 *
 * @example
 * const returns: StreamDefinition = {
 *   name: "returns",
 *   pattern: "%{TIMESTAMP_ISO8601:timestamp} event_id=%{UUID:event_id} type=%{WORD:type} user_id=%{WORD:user_id} order_id=%{WORD:order_id}",
 *   columns: [
 *     { name: "timestamp", type: "timestamp" },
 *     { name: "event_id", type: "string" },
 *     { name: "event_type", from: "type", type: "string" },
 *     { name: "user_id", type: "string" },
 *     { name: "order_id", type: "string" },
 *   ],
 * };
 */
export interface StreamDefinition {
  /** Short name: files `<name>_*.log*` belong to it and its table is `new_<name>_logs`. */
  name: string;
  /** Grok pattern; matched anywhere in the line, as grok does. */
  pattern: string;
  /** Extra Grok definitions (`NAME` → regex) this stream's pattern may use. */
  definitions?: Record<string, string>;
  columns: StreamColumn[];
}

const COMMON_PATTERN =
  "%{TIMESTAMP_ISO8601:timestamp} event_id=%{UUID:event_id} type=%{WORD:type} user_id=%{WORD:user_id}";

const COMMON_COLUMNS: StreamColumn[] = [
  { name: "timestamp", type: "timestamp" },
  { name: "event_id", type: "string" },
  { name: "event_type", from: "type", type: "string" },
  { name: "user_id", type: "string" },
];

/**
 * The tutorial's cart stream: `cart_activity.log*` → `new_cart_logs`.
 *
 * @example
 * const { events, rejected } = parseLogs(cartStream, readLogLines("logs/cart_activity.log"));
 */
export const cartStream: StreamDefinition = {
  name: "cart",
  pattern: `${COMMON_PATTERN} cart_id=%{WORD:cart_id} action=%{WORD:action} product_id=%{INT:product_id} quantity=%{INT:quantity} price=%{NUMBER:price}`,
  columns: [
    ...COMMON_COLUMNS,
    { name: "cart_id", type: "string" },
    { name: "cart_action", from: "action", type: "string" },
    { name: "product_id", type: "int32" },
    { name: "quantity", type: "int32" },
    { name: "price", type: "float64" },
  ],
};

/**
 * The tutorial's purchase stream: `purchase_activity.log*` → `new_purchase_logs`.
 *
 * @example
 * compileGrok(purchaseStream.pattern).engine; // "vectorized"
 */
export const purchaseStream: StreamDefinition = {
  name: "purchase",
  pattern: `${COMMON_PATTERN} cart_id=%{WORD:cart_id} order_id=%{WORD:order_id} total=%{NUMBER:total} currency=%{WORD:currency} payment_method=%{WORD:payment_method}`,
  columns: [
    ...COMMON_COLUMNS,
    { name: "cart_id", type: "string" },
    { name: "order_id", type: "string" },
    { name: "total_amount", from: "total", type: "float64" },
    { name: "currency", type: "string" },
    { name: "payment_method", type: "string" },
  ],
};

/**
 * The tutorial's web stream: `web_activity.log*` → `new_web_logs`.
 *
 * @example
 * parseLogs(webStream, linesFrame("web.log", '2025-01-05T10:00:00Z event_id=… type=web user_id=7 path=/ referrer=/ user_agent="curl"\n'));
 */
export const webStream: StreamDefinition = {
  name: "web",
  pattern: `${COMMON_PATTERN} path=%{URIPATHPARAM:path} referrer=%{URIPATHPARAM:referrer} user_agent="%{DATA:user_agent}"`,
  columns: [
    ...COMMON_COLUMNS,
    { name: "path", type: "string" },
    { name: "referrer", type: "string" },
    { name: "user_agent", type: "string" },
  ],
};

/**
 * The tutorial's three streams, in the order their columns appear in the unified timeline.
 *
 * @example
 * runPipeline({ logs: "logs", store: ".sessionize", streams: [...tutorialStreams, returns] });
 */
export const tutorialStreams: readonly StreamDefinition[] = [cartStream, purchaseStream, webStream];

/**
 * Columns every stream must declare, with the type it must have.
 *
 * @example
 * Object.keys(REQUIRED_STREAM_COLUMNS); // ["timestamp", "event_id", "event_type", "user_id"]
 */
export const REQUIRED_STREAM_COLUMNS: Readonly<Record<string, ColumnType>> = {
  timestamp: "timestamp",
  event_id: "string",
  event_type: "string",
  user_id: "string",
};

/**
 * Check a stream definition and throw a clear error when it cannot work.
 *
 * @example
 * validateStream(cartStream); // ok
 * validateStream({ ...cartStream, columns: [] }); // throws: stream "cart" has no column "timestamp"
 */
export function validateStream(stream: StreamDefinition): void {
  if (!/^[a-z][a-z0-9]*$/.test(stream.name)) {
    throw new Error(`stream name "${stream.name}" must be lower-case letters and digits, starting with a letter`);
  }
  const seen = new Set<string>();
  for (const column of stream.columns) {
    if (seen.has(column.name)) throw new Error(`stream "${stream.name}" declares column "${column.name}" twice`);
    seen.add(column.name);
  }
  for (const [name, type] of Object.entries(REQUIRED_STREAM_COLUMNS)) {
    const column = stream.columns.find((c) => c.name === name);
    if (!column) throw new Error(`stream "${stream.name}" has no column "${name}" (every stream needs it)`);
    if (column.type !== type) {
      throw new Error(`stream "${stream.name}": column "${name}" must have type "${type}", not "${column.type}"`);
    }
  }
}
