import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

/**
 * The decompressed content of a gzip file, whole or not at all: a truncated or corrupt file
 * is an error naming it (a missing or unreadable file keeps its own error code).
 *
 * @example
 * gunzipFile("logs/cart_activity.log.2.gz").toString("utf8");
 */
export function gunzipFile(path: string): Buffer {
  const compressed = readFileSync(path);
  try {
    return gunzipSync(compressed);
  } catch (error) {
    throw new Error(`gzip file ${path} is truncated or corrupt (${(error as Error).message}); nothing was read from it`);
  }
}
