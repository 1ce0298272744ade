/**
 * Test support: a local server speaking Snowflake's HTTP protocol (as snowflake-sdk uses it), backed by DuckDB.
 *
 * @example
 * import { startSnowflakeServer } from "../support/snowflake-server/index.js";
 * const server = await startSnowflakeServer({ users: [{ name: "LOADER", password: "pat" }] });
 */
export * from "./server.js";
export { publicKeyFingerprint } from "./auth.js";
export { translateType, snowflakeTypeOf } from "./translate.js";
