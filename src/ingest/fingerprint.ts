import { createHash } from "node:crypto";
import type { ContentSource } from "../io/content-source.js";
import { crc32 } from "../io/crc32.js";

/**
 * How many leading bytes of a file identify it across renames and compression.
 *
 * @example
 * readSync(fd, Buffer.alloc(FINGERPRINT_BYTES), 0, FINGERPRINT_BYTES, 0); // the bytes the first-KiB hash covers
 */
export const FINGERPRINT_BYTES = 1024;
/**
 * How many bytes before a recorded offset are hashed to check that the content up to it is unchanged.
 *
 * @example
 * tailHash(source, entry.offset) === entry.tail; // the TAIL_BYTES before the offset are as read
 */
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

const PIECE = 16 * 1024 * 1024;

/**
 * Visit content bytes [start, end) of `source` in pieces of bounded size.
 *
 * @example
 * eachPiece(source, 0, 100, (bytes) => console.log(bytes.length));
 */
export function eachPiece(source: ContentSource, start: number, end: number, visit: (bytes: Buffer) => void): void {
  for (let at = start; at < end; at += PIECE) {
    const bytes = source.bytes(at, Math.min(end, at + PIECE));
    if (bytes.length === 0) break;
    visit(bytes);
  }
}

/**
 * CRC-32 of content [0, end): known without reading (a gzip file decompressed to its end),
 * else continuing `crc` (that of [0, start)) over [start, end) when it is known, else over
 * all of [0, end).
 *
 * @example
 * crcTo(source, 0, source.size(), undefined); // as in a gzip trailer
 */
export function crcTo(source: ContentSource, start: number, end: number, crc: number | undefined): number {
  const known = source.knownCrc(end);
  if (known !== undefined) return known;
  let value = crc === undefined ? 0 : crc;
  eachPiece(source, crc === undefined ? 0 : start, end, (bytes) => {
    value = crc32(bytes, value);
  });
  return value;
}

