import { openStore, type TableStore } from "../store/index.js";
import { DEFAULT_SNOWFLAKE_TABLES, subscribeSnowflake, type SubscribeReport } from "./snowflake/subscribe.js";
import type { SnowflakeOptions } from "./snowflake/options.js";

/**
 * Options of `publishStore`.
 *
 * @example
 * await publishStore({ store: ".sessionize", tables: ["aggregated_sessions"], snowflake: { mode: "merge" } });
 */
export interface PublishStoreOptions {
  /** Store directory, or an open store. */
  store: string | TableStore;
  /** Tables to publish. Default: `aggregated_sessions` and `sessionized_logs`. */
  tables?: readonly string[];
  /** Connection and load settings; by default read from `SNOWFLAKE_*` environment variables. */
  snowflake?: SnowflakeOptions;
}

/**
 * Publish the latest versions of tables of the store to Snowflake (the tutorial's
 * subscriber): every table named must exist in the store, or nothing is sent.
 *
 * @example
 * const report = await publishStore({ store: ".sessionize" }); // SNOWFLAKE_* from the environment
 * report.tables.map((t) => `${t.table}: ${t.rows} rows`);
 */
export async function publishStore(options: PublishStoreOptions): Promise<SubscribeReport> {
  const store = typeof options.store === "string" ? openStore(options.store) : options.store;
  const names = options.tables ?? DEFAULT_SNOWFLAKE_TABLES;
  if (names.length === 0) throw new Error("no tables to publish");
  const missing = names.filter((name) => !store.has(name));
  if (missing.length > 0) {
    const known = store.tables().map((t) => t.name);
    throw new Error(`store ${store.location} has no table ${missing.map((m) => `"${m}"`).join(", ")} (tables: ${known.join(", ") || "none"})`);
  }
  return subscribeSnowflake(Object.fromEntries(names.map((name) => [name, store.scan(name)])), options.snowflake ?? {});
}
