import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { StoreDamagedError } from "./errors.js";

/**
 * Where everything lives in a store directory:
 *
 * ```
 * <store>/
 *   sessionize-store.json               marker: says the directory is a sessionize store
 *   write.lock                          present while a writer holds the lock (JSON: pid, host, since)
 *   manifests/00000007.json             one per committed version, never modified; the highest is current
 *   data/<table>/00000007-<id>.parquet  one Parquet file per table version, never modified
 *   … .tmp-<pid>-<id>                   leftovers of an unfinished write: never read, removed by the next writer
 * ```
 */
export const MARKER = "sessionize-store.json";
/** The `format` the marker file of a versioned store holds. */
export const MARKER_FORMAT = "sessionize-versioned-store";
/** The marker format of the first, unversioned store (one `<table>.parquet` per table). */
export const LEGACY_MARKER_FORMAT = "sessionize-parquet-dir";
/** The directory of manifests, one per version (`manifests/00000007.json`). */
export const MANIFESTS = "manifests";
/** The directory of data files, one subdirectory per table (`data/<table>/…parquet`). */
export const DATA = "data";
/** The write lock file (pid, host, since of the one writer). */
export const LOCK = "write.lock";
/** Prefix of a file that is being written and is not part of the store yet. */
export const TEMP_PREFIX = ".tmp-";
/** Table names: lower-case words with underscores, so that they are safe as directory names. */
export const TABLE_NAME = /^[a-z][a-z0-9_]*$/;

const MANIFEST_FILE = /^(\d{8,})\.json$/;
const DATA_FILE = /^(\d{8,})-[0-9a-f]{8,}\.parquet$/;
const CLAIM_FILE = new RegExp(`^${LOCK.replace(".", "\\.")}\\.claim-[0-9a-f]+$`);

/**
 * The file name of manifest `version`, zero-padded so that names sort like numbers.
 *
 * @example
 * manifestFileName(7); // "00000007.json"
 */
export function manifestFileName(version: number): string {
  return `${String(version).padStart(8, "0")}.json`;
}

/**
 * The version a manifest file name stands for, or `undefined` for any other name.
 *
 * @example
 * manifestVersionOf("00000007.json"); // 7
 * manifestVersionOf(".tmp-12-ab"); // undefined
 */
export function manifestVersionOf(name: string): number | undefined {
  const match = MANIFEST_FILE.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * The path, relative to the store, of a new data file for `table` at `version`; `id`
 * makes it unique so that a retried commit never reuses a leftover's name.
 *
 * @example
 * dataFilePath("all_joined_logs", 7, "1f2e3d4c"); // "data/all_joined_logs/00000007-1f2e3d4c.parquet"
 */
export function dataFilePath(table: string, version: number, id: string): string {
  return `${DATA}/${table}/${String(version).padStart(8, "0")}-${id}.parquet`;
}

/**
 * A temporary name in `dir` for a file being written by this process.
 *
 * @example
 * tempPath("/s/manifests"); // "/s/manifests/.tmp-4242-9f8e7d6c5b4a3928"
 */
export function tempPath(dir: string): string {
  const id = Math.floor(Math.random() * 2 ** 52).toString(16).padStart(14, "0");
  return join(dir, `${TEMP_PREFIX}${process.pid}-${id}`);
}

/**
 * The pid of the process that made temporary file `name` (see `tempPath`).
 *
 * @example
 * tempOwner(".tmp-4242-9f8e7d6c5b4a3928"); // 4242
 */
export function tempOwner(name: string): number | undefined {
  const match = /^\.tmp-(\d+)-/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** What `checkLayout` found besides the store's own files. */
export interface Leftovers {
  /** Temporary files (absolute paths) in `manifests/` and `data/<table>/`: only a writer makes them. */
  temporary: string[];
  /** Temporary files (absolute paths) in the store directory itself: lock attempts, which any process makes. */
  lockTemporary: string[];
  /** Lock claim files (absolute paths), see `lock.ts`. */
  claims: string[];
  /** Data files (paths relative to the store) by table; whether a manifest refers to them is for the caller to say. */
  dataFiles: string[];
}

/**
 * Check that every file in the store directory is one of ours, and list the data and
 * temporary files. Throws `StoreDamagedError` naming the first foreign file or missing
 * directory; changes nothing.
 *
 * @example
 * const { temporary, dataFiles } = checkLayout(".sessionize");
 */
export function checkLayout(dir: string): Leftovers {
  const foreign = (path: string, what: string) => new StoreDamagedError(path, `${what}; it is not a sessionize store file`);
  const leftovers: Leftovers = { temporary: [], lockTemporary: [], claims: [], dataFiles: [] };
  for (const name of readdirSync(dir)) {
    if (name.startsWith(TEMP_PREFIX)) leftovers.lockTemporary.push(join(dir, name));
    else if (CLAIM_FILE.test(name)) leftovers.claims.push(join(dir, name));
    else if (name !== MARKER && name !== MANIFESTS && name !== DATA && name !== LOCK) throw foreign(join(dir, name), "unexpected entry in the store directory");
  }
  const manifests = join(dir, MANIFESTS);
  for (const name of listDirectory(manifests)) {
    if (name.startsWith(TEMP_PREFIX)) leftovers.temporary.push(join(manifests, name));
    else if (manifestVersionOf(name) === undefined) throw foreign(join(manifests, name), "unexpected file among the manifests");
  }
  const data = join(dir, DATA);
  for (const table of listDirectory(data)) {
    const tableDir = join(data, table);
    if (!TABLE_NAME.test(table) || !statSync(tableDir).isDirectory()) throw foreign(tableDir, "unexpected entry in data/");
    for (const name of readdirSync(tableDir)) {
      if (name.startsWith(TEMP_PREFIX)) leftovers.temporary.push(join(tableDir, name));
      else if (DATA_FILE.test(name)) leftovers.dataFiles.push(`${DATA}/${table}/${name}`);
      else throw foreign(join(tableDir, name), "unexpected file among the data files");
    }
  }
  return leftovers;
}

function listDirectory(path: string): string[] {
  if (!existsSync(path) || !statSync(path).isDirectory()) throw new StoreDamagedError(path, "directory missing");
  return readdirSync(path);
}
