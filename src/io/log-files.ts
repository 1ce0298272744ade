import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * A log file of one stream, with its position in the rotation (0 = the live file).
 *
 * @example
 * findLogFiles("logs", "cart").map((f: LogFile) => f.name); // ["cart_activity.log.2", "cart_activity.log.1", "cart_activity.log"]
 */
export interface LogFile {
  path: string;
  name: string;
  rotation: number;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The files of stream `stream` under `dir` (those named `<stream>_*.log*`), oldest first:
 * `x.log.2` (or `x.log.2.gz`) before `x.log.1` before `x.log`, as rotation numbers them. Throws a clear
 * error when `dir` is missing or not a directory.
 *
 * @example
 * findLogFiles("logs", "cart").map((f) => f.name);
 * // ["cart_activity.log.2", "cart_activity.log.1", "cart_activity.log"]
 */
export function findLogFiles(dir: string, stream: string): LogFile[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error(`logs path ${dir} is not a directory`);
    names = readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new Error(`logs directory ${dir} does not exist`);
    if (code === "EACCES") throw new Error(`logs directory ${dir} cannot be read (permission denied)`);
    throw error;
  }
  const shape = new RegExp(`^${escapeRegex(stream)}_.*\\.log(?:\\.(\\d+)(?=\\.|$))?.*$`);
  const files: LogFile[] = [];
  for (const name of names) {
    const match = shape.exec(name);
    if (!match) continue;
    const path = join(dir, name);
    try {
      if (!statSync(path).isFile()) continue;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue; // gone since the directory was read (rotation)
      throw error;
    }
    files.push({ path, name, rotation: match[1] === undefined ? 0 : Number(match[1]) });
  }
  return files.sort((a, b) => b.rotation - a.rotation || a.name.localeCompare(b.name));
}
