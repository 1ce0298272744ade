import { closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { tempPath } from "./layout.js";

/**
 * Flush a file or directory to disk (a directory's fsync makes the names created or
 * renamed in it durable). Platforms that cannot fsync a directory are tolerated.
 *
 * @example
 * fsyncPath("/s/data/t/00000001-ab12cd34.parquet");
 */
export function fsyncPath(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    if (isCode(error, "EISDIR", "EPERM", "EACCES")) return; // Windows directories
    throw error;
  }
  try {
    fsyncSync(fd);
  } catch (error) {
    if (!isCode(error, "EINVAL", "EPERM", "EBADF")) throw error;
  } finally {
    closeSync(fd);
  }
}

/**
 * Write `content` to `path` so that a crash leaves either no file at `path` or the whole
 * content: write a temporary file beside it, fsync it, then put it in place and fsync
 * the directory. With `exclusive`, an existing `path` is never replaced: the call fails
 * with `EEXIST` instead (placed by `link`, which is atomic and does not overwrite).
 *
 * @example
 * writeFileDurably("/s/manifests/00000008.json", JSON.stringify(manifest), { exclusive: true });
 */
export function writeFileDurably(path: string, content: string, options: { exclusive?: boolean } = {}): void {
  const temporary = tempPath(dirname(path));
  const fd = openSync(temporary, "wx");
  try {
    const bytes = Buffer.from(content, "utf8");
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    if (options.exclusive) linkSync(temporary, path);
    else renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  if (options.exclusive) rmSync(temporary, { force: true });
  fsyncPath(dirname(path));
}

/**
 * Whether `error` is a Node system error with one of `codes`.
 *
 * @example
 * try { readFileSync(p); } catch (e) { if (isCode(e, "ENOENT")) return undefined; throw e; }
 */
export function isCode(error: unknown, ...codes: string[]): boolean {
  return typeof error === "object" && error !== null && codes.includes((error as NodeJS.ErrnoException).code ?? "");
}
