import pl from "nodejs-polars";
import type { CompiledGrok } from "../../src/grok/index.js";

export const TUTORIAL = {
  cart: "%{TIMESTAMP_ISO8601:timestamp} event_id=%{UUID:event_id} type=%{WORD:type} user_id=%{WORD:user_id} cart_id=%{WORD:cart_id} action=%{WORD:action} product_id=%{INT:product_id} quantity=%{INT:quantity} price=%{NUMBER:price}",
  purchase: "%{TIMESTAMP_ISO8601:timestamp} event_id=%{UUID:event_id} type=%{WORD:type} user_id=%{WORD:user_id} cart_id=%{WORD:cart_id} order_id=%{WORD:order_id} total=%{NUMBER:total} currency=%{WORD:currency} payment_method=%{WORD:payment_method}",
  web: "%{TIMESTAMP_ISO8601:timestamp} event_id=%{UUID:event_id} type=%{WORD:type} user_id=%{WORD:user_id} path=%{URIPATHPARAM:path} referrer=%{URIPATHPARAM:referrer} user_agent=\"%{DATA:user_agent}\"",
} as const;

/** Runs `apply` on plain strings; one record per line (null when the line did not match). */
export function run(g: CompiledGrok, lines: string[]): (Record<string, string | number | null> | null)[] {
  const df = g.apply(pl.DataFrame({ line: pl.Series("line", lines, pl.Utf8) }).lazy(), "line").collectSync();
  const rows = df.toRecords() as Record<string, unknown>[];
  return rows.map((r) => {
    if (!r.__grok_matched) return null;
    const out: Record<string, string | number | null> = {};
    for (const f of g.fields) out[f.name] = (r[f.name] ?? null) as string | number | null;
    return out;
  });
}
