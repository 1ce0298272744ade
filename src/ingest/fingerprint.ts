import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { gunzipFile } from "../io/gunzip-file.js";

/** How many leading bytes of a file identify it across renames and compression. */
export const FINGERPRINT_BYTES = 1024;

/** The content of a log file as sessionize sees it: its (decompressed) size and a way to hash its first bytes. */
export interface FileContent {
  size: number;
  /** SHA-256 (hex) of the first `length` bytes of the content. */
  prefixHash(length: number): string;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * Open the content of a log file for fingerprinting: a plain file is read only as far as
 * asked; a `.gz` file is decompressed (a truncated or corrupt one throws, naming it), so
 * that an old file compressed by rotation hashes like the original.
 *
 * @example
 * const content = fileContent("logs/cart_activity.log", 18_000);
 * content.prefixHash(Math.min(content.size, FINGERPRINT_BYTES));
 */
export function fileContent(path: string, size: number): FileContent {
  if (path.endsWith(".gz")) {
    const bytes = gunzipFile(path);
    return { size: bytes.length, prefixHash: (length) => sha256(bytes.subarray(0, length)) };
  }
  return {
    size,
    prefixHash(length) {
      const buffer = Buffer.alloc(length);
      const fd = openSync(path, "r");
      try {
        let read = 0;
        while (read < length) {
          const n = readSync(fd, buffer, read, length - read, read);
          if (n === 0) break;
          read += n;
        }
        return sha256(buffer.subarray(0, read));
      } finally {
        closeSync(fd);
      }
    },
  };
}
