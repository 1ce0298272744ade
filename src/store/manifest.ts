import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isCode, writeFileDurably } from "./durable.js";
import { StoreConflictError, StoreDamagedError } from "./errors.js";
import { MANIFESTS, TABLE_NAME, manifestFileName, manifestVersionOf } from "./layout.js";

const FORMAT = "sessionize-store-manifest";
/** Version 2 records each table as a list of Parquet parts; version 1 (one file per table) is still read. */
const FORMAT_VERSION = 2;
const FORMAT_VERSIONS: readonly number[] = [1, FORMAT_VERSION];

/** One Parquet file of a table version: the table is its parts' rows, one part after the other. */
export interface DataPart {
  /** The Parquet file, relative to the store directory. */
  file: string;
  /** Its size, to tell a cut-short or replaced file from the one written. */
  bytes: number;
  rows: number;
}

/** One version of one table, as a manifest records it. */
export interface TableEntry {
  /** The store version (commit) that wrote this table version. */
  version: number;
  /** When that commit was made (ISO 8601, UTC). */
  time: string;
  /** The run that made it. */
  run: string;
  /** The rows of all its parts. */
  rows: number;
  /** Its Parquet files, in row order (one for most tables). */
  parts: DataPart[];
  /** The table's columns when it is some columns of parts shared with other tables (absent: all of the files'). */
  columns?: string[];
}

/**
 * A committed version of the whole store: every table as of that commit (those the commit
 * wrote and those carried over from before) and the state the pipeline stored with it.
 */
export interface Manifest {
  format: typeof FORMAT;
  formatVersion: number;
  version: number;
  time: string;
  run: string;
  tables: Record<string, TableEntry>;
  /** Opaque JSON stored with the commit (absent when there is none). */
  state?: unknown;
}

/**
 * A new manifest for `version`, ready to publish.
 *
 * @example
 * const m = newManifest({ version: 1, time: new Date().toISOString(), run: "r1", tables: {} });
 */
export function newManifest(fields: Omit<Manifest, "format" | "formatVersion">): Manifest {
  const manifest: Manifest = { format: FORMAT, formatVersion: FORMAT_VERSION, ...fields };
  if (manifest.state === undefined) delete manifest.state;
  return manifest;
}

/**
 * The committed versions, ascending, from the manifest file names (nothing is read).
 *
 * @example
 * manifestVersions(".sessionize"); // [5, 6, 7]
 */
export function manifestVersions(storeDir: string): number[] {
  const versions: number[] = [];
  for (const name of readdirSync(join(storeDir, MANIFESTS))) {
    const version = manifestVersionOf(name);
    if (version !== undefined) versions.push(version);
  }
  return versions.sort((a, b) => a - b);
}

/**
 * The path of manifest `version`.
 *
 * @example
 * manifestPath(".sessionize", 7); // ".sessionize/manifests/00000007.json"
 */
export function manifestPath(storeDir: string, version: number): string {
  return join(storeDir, MANIFESTS, manifestFileName(version));
}

/**
 * Read and check manifest `version`; `undefined` if it does not exist (pruned meanwhile).
 * Anything else that is wrong with it is a `StoreDamagedError` naming the file.
 *
 * @example
 * const manifest = readManifest(".sessionize", 7);
 * Object.keys(manifest?.tables ?? {}); // ["aggregated_sessions", …]
 */
export function readManifest(storeDir: string, version: number): Manifest | undefined {
  const path = manifestPath(storeDir, version);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (isCode(error, "ENOENT")) return undefined;
    throw error;
  }
  return parseManifest(text, path, version);
}

/**
 * The newest committed manifest, or `undefined` for a store with no commit yet.
 * Retries when the newest one vanishes between listing and reading (a writer pruning with `keep: 1`).
 *
 * @example
 * latestManifest(".sessionize")?.version; // 7
 */
export function latestManifest(storeDir: string): Manifest | undefined {
  for (let attempt = 0; ; attempt++) {
    const versions = manifestVersions(storeDir);
    if (versions.length === 0) return undefined;
    const manifest = readManifest(storeDir, versions[versions.length - 1]);
    if (manifest || attempt >= 10) {
      if (!manifest) throw new StoreDamagedError(manifestPath(storeDir, versions[versions.length - 1]), "manifest vanished while being read");
      return manifest;
    }
  }
}

/**
 * Make `manifest` the store's current version: written to a temporary file, fsynced and
 * linked into place, so that it appears whole or not at all. A manifest of the same
 * version already there means another writer got there first: `StoreConflictError`.
 *
 * @example
 * publishManifest(".sessionize", newManifest({ version: 8, time, run, tables }));
 */
export function publishManifest(storeDir: string, manifest: Manifest): void {
  const path = manifestPath(storeDir, manifest.version);
  try {
    writeFileDurably(path, JSON.stringify(manifest, null, 1) + "\n", { exclusive: true });
  } catch (error) {
    if (isCode(error, "EEXIST")) throw new StoreConflictError(`another writer committed version ${manifest.version} of store ${storeDir} first (${path})`);
    throw error;
  }
}

/**
 * Parse and check the text of manifest `version` read from `path`.
 *
 * @example
 * parseManifest(readFileSync(p, "utf8"), p, 7);
 */
export function parseManifest(text: string, path: string, version: number): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const cut = text.trimStart().startsWith("{") && !text.trimEnd().endsWith("}");
    const what = text.length === 0 ? "empty" : cut ? "cut short (not complete JSON)" : "not valid JSON";
    throw new StoreDamagedError(path, `manifest is ${what}`);
  }
  const bad = (problem: string) => new StoreDamagedError(path, `not a valid sessionize manifest: ${problem}`);
  if (!isObject(value) || value.format !== FORMAT) throw bad(`"format" is not "${FORMAT}"`);
  if (!FORMAT_VERSIONS.includes(value.formatVersion as number)) throw bad(`unsupported formatVersion ${JSON.stringify(value.formatVersion)}`);
  if (value.version !== version) throw bad(`it says version ${JSON.stringify(value.version)}, its name says ${version}`);
  if (typeof value.time !== "string" || typeof value.run !== "string") throw bad(`"time" and "run" must be strings`);
  if (!isObject(value.tables)) throw bad(`"tables" must be an object`);
  const tables: Record<string, TableEntry> = {};
  for (const [name, entry] of Object.entries(value.tables)) {
    if (!TABLE_NAME.test(name)) throw bad(`invalid table name ${JSON.stringify(name)}`);
    // (a version 1 entry names its one file itself: read as a table of one part)
    const read = value.formatVersion === 1 && isObject(entry) ? firstFormatEntry(entry) : entry;
    if (!isTableEntry(read, version)) throw bad(`bad entry for table ${name}`);
    tables[name] = read;
  }
  return { ...(value as unknown as Manifest), tables };
}

/** A version 1 entry (`file`, `bytes`) as a table of one part. */
function firstFormatEntry({ file, bytes, ...rest }: Record<string, unknown>): Record<string, unknown> {
  return { ...rest, parts: [{ file, bytes, rows: rest.rows }] };
}

function isTableEntry(entry: unknown, manifestVersion: number): entry is TableEntry {
  return (
    isObject(entry) &&
    Number.isSafeInteger(entry.version) &&
    (entry.version as number) >= 1 &&
    (entry.version as number) <= manifestVersion &&
    typeof entry.time === "string" &&
    typeof entry.run === "string" &&
    Number.isSafeInteger(entry.rows) &&
    Array.isArray(entry.parts) &&
    entry.parts.length > 0 &&
    entry.parts.every(isDataPart) &&
    (entry.parts as DataPart[]).reduce((n, part) => n + part.rows, 0) === entry.rows &&
    (entry.columns === undefined || (Array.isArray(entry.columns) && entry.columns.length > 0 && entry.columns.every((c) => typeof c === "string")))
  );
}

function isDataPart(part: unknown): part is DataPart {
  return (
    isObject(part) &&
    Number.isSafeInteger(part.bytes) &&
    Number.isSafeInteger(part.rows) &&
    typeof part.file === "string" &&
    // A table's file lives under data/<table>/ — its own, or another table's of the same
    // commit when both held the same frame.
    /^data\/[a-z][a-z0-9_]*\/[^/]+\.parquet$/.test(part.file) &&
    !part.file.includes("..")
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
