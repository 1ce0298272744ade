import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

/**
 * Decompressed gzip bytes, whole or not at all: a truncated or corrupt stream is an error
 * naming `path`.
 *
 * @example
 * gunzipBytes(readFileSync("logs/cart_activity.log.2.gz"), "logs/cart_activity.log.2.gz");
 */
export function gunzipBytes(compressed: Uint8Array, path: string): Buffer {
  try {
    return gunzipSync(compressed);
  } catch (error) {
    throw new Error(`gzip file ${path} is truncated or corrupt (${(error as Error).message}); nothing was read from it`);
  }
}

/**
 * The decompressed content of a gzip file, whole or not at all: a truncated or corrupt file
 * is an error naming it (a missing or unreadable file keeps its own error code).
 *
 * @example
 * gunzipFile("logs/cart_activity.log.2.gz").toString("utf8");
 */
export function gunzipFile(path: string): Buffer {
  return gunzipBytes(readFileSync(path), path);
}
