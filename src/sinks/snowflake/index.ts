/**
 * The Snowflake subscriber: publishes tables (Polars frames) to Snowflake with snowflake-sdk.
 *
 * @example
 * import { subscribeSnowflake, snowflakeOptionsFromEnv } from "sessionize";
 * await subscribeSnowflake({ aggregated_sessions: frame }, snowflakeOptionsFromEnv());
 */
export { subscribeSnowflake, DEFAULT_SNOWFLAKE_TABLES, DEFAULT_MERGE_KEYS, type SubscribeReport, type TableReport } from "./subscribe.js";
export {
  snowflakeOptionsFromEnv,
  SNOWFLAKE_ENV,
  type SnowflakeOptions,
  type SnowflakeConnectionSettings,
  type SnowflakeMode,
  type SnowflakeDriverLogLevel,
} from "./options.js";
export { SnowflakeSinkError, type SnowflakeErrorKind, type SnowflakeSinkErrorDetails } from "./errors.js";
