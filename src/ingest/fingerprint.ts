import { createHash } from "node:crypto";
import type { ContentSource } from "../io/content-source.js";

/** How many leading bytes of a file identify it across renames and compression. */
export const FINGERPRINT_BYTES = 1024;
/** How many bytes before a recorded offset are hashed to check that the content up to it is unchanged. */
export const TAIL_BYTES = 1024;

/**
 * SHA-256 (hex) of `bytes`.
 *
 * @example
 * sha256(Buffer.from("")); // "e3b0c442…"
 */
export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * SHA-256 of the first `length` content bytes of `source` (decompressed for gzip, without
 * decompressing more than needed), or undefined when the content is shorter.
 *
 * @example
 * headHash(openContent("logs/web_activity.log.2.gz"), 1024);
 */
export function headHash(source: ContentSource, length: number): string | undefined {
  const head = source.head(length);
  return head.length < length ? undefined : sha256(head);
}

/**
 * SHA-256 of the `TAIL_BYTES` content bytes just before `offset` (fewer when `offset` is
 * smaller), or undefined when the content is shorter than `offset`. With the fingerprint of
 * the first bytes it tells whether content up to `offset` is what was read before.
 *
 * @example
 * tailHash(openContent("logs/web_activity.log"), 18_000);
 */
export function tailHash(source: ContentSource, offset: number): string | undefined {
  const tail = source.bytes(offset - TAIL_BYTES, offset);
  return tail.length < Math.min(offset, TAIL_BYTES) ? undefined : sha256(tail);
}
