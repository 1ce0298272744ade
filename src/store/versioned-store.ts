import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import pl from "nodejs-polars";
import { verifyDataFiles, writeDataFile } from "./data-files.js";
import { fsyncPath, writeFileDurably } from "./durable.js";
import { currentHost, StoreConflictError, StoreDamagedError } from "./errors.js";
import { checkLayout, DATA, LEGACY_MARKER_FORMAT, MANIFESTS, MARKER, MARKER_FORMAT, TABLE_NAME } from "./layout.js";
import { acquireLock, tryAcquireLock, type LockOptions, type WriteLock } from "./lock.js";
import { latestManifest, manifestPath, newManifest, publishManifest, readManifest, type DataPart, type Manifest, type TableEntry } from "./manifest.js";
import { prune, readAllManifests } from "./prune.js";
import type { ColumnsOf, CommitMeta, CommitResult, ScanOptions, StagedTable, TableContent, TableInfo, TableStore, TableVersion } from "./table-store.js";

/**
 * How many versions a store keeps unless told otherwise.
 *
 * @example
 * openStore(".sessionize", { create: true, keep: DEFAULT_KEEP * 2 });
 */
export const DEFAULT_KEEP = 20;

/**
 * Options of `openStore`.
 *
 * @example
 * openStore("/data/sessions", { create: true, keep: 5 } satisfies OpenStoreOptions);
 */
export interface OpenStoreOptions {
  /** Create the directory when it does not exist (what `run` does). Default false. */
  create?: boolean;
  /** How many versions each commit keeps (it included). Default 20. */
  keep?: number;
}

/**
 * Open the embedded versioned store in directory `dir` (layout in `layout.ts`). Each commit
 * writes one Parquet file per table it changes, then a manifest naming every table's file,
 * published last by an atomic link: readers see whole commits only, and a crash at any
 * moment leaves the previous or the new version. The handle reads the latest version.
 * A missing directory is an error unless `create` is set; a directory that holds anything
 * that is not a store's is refused, and a damaged store is reported, never repaired.
 *
 * @example
 * const store = openStore(".sessionize", { create: true, keep: 5 });
 * store.commit({ my_table: pl.DataFrame({ a: [1, 2] }) }, { run: "demo", state: { files: [] } });
 * store.scan("my_table").collectSync().height; // 2
 * store.versions("my_table"); // [{ version: 1, time: "2026-…Z", rows: 2, run: "demo" }]
 */
export function openStore(dir: string, options: OpenStoreOptions = {}): TableStore {
  const keep = checkKeep(options.keep ?? DEFAULT_KEEP);
  if (!existsSync(dir)) {
    if (!options.create) throw new Error(`store ${dir} does not exist (run \`sessionize run\` first, or pass --store)`);
    mkdirSync(dir, { recursive: true });
  }
  if (!statSync(dir).isDirectory()) throw new Error(`store ${dir} is not a directory`);
  const marker = join(dir, MARKER);
  if (existsSync(marker)) checkMarker(dir, marker);
  else initialize(dir, options.create ?? false);
  checkLayout(dir);
  return new VersionedStore(dir, keep);
}

function checkMarker(dir: string, marker: string): void {
  let format: unknown;
  try {
    format = JSON.parse(readFileSync(marker, "utf8")).format;
  } catch {
    throw new StoreDamagedError(marker, "store marker is not JSON");
  }
  if (format === LEGACY_MARKER_FORMAT) {
    throw new Error(`store ${dir} was written by an older sessionize (one unversioned Parquet file per table); move it aside and run again to rebuild it`);
  }
  if (format !== MARKER_FORMAT) throw new StoreDamagedError(marker, `store marker names format ${JSON.stringify(format)}, not "${MARKER_FORMAT}"`);
}

/** Make an empty directory a store: the two directories first, the marker last. */
function initialize(dir: string, create: boolean): void {
  const entries = readdirSync(dir);
  // What a creation interrupted before its marker leaves: the two empty directories.
  const unfinished = entries.every((name) => (name === MANIFESTS || name === DATA) && readdirSync(join(dir, name)).length === 0);
  if (!unfinished) throw new Error(`${dir} is not a sessionize store (no ${MARKER}) and is not empty; refusing to use it`);
  if (!create) throw new Error(`store ${dir} is empty (run \`sessionize run\` first)`);
  mkdirSync(join(dir, MANIFESTS), { recursive: true });
  mkdirSync(join(dir, DATA), { recursive: true });
  fsyncPath(dir);
  writeFileDurably(join(dir, MARKER), JSON.stringify({ format: MARKER_FORMAT, formatVersion: 1 }, null, 2) + "\n");
}

function checkKeep(keep: number): number {
  if (!Number.isSafeInteger(keep) || keep < 1) throw new Error(`keep must be a whole number of versions ≥ 1, not ${keep}`);
  return keep;
}

class VersionedStore implements TableStore {
  private snapshot: Manifest | undefined;
  private lock: WriteLock | undefined;
  /** Tables written by `stage` and not committed yet. */
  private readonly staged = new Set<StagedTable>();

  constructor(
    readonly location: string,
    private readonly keep: number,
  ) {
    this.refresh();
  }

  get version(): number {
    return this.snapshot?.version ?? 0;
  }

  refresh(): void {
    const manifest = latestManifest(this.location);
    for (const entry of Object.values(manifest?.tables ?? {})) verifyDataFiles(this.location, entry, { quick: true });
    this.snapshot = manifest;
  }

  tables(): TableInfo[] {
    return Object.entries(this.snapshot?.tables ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, entry]) => ({ name, rows: entry.rows, version: entry.version }));
  }

  has(name: string): boolean {
    return this.snapshot?.tables[name] !== undefined;
  }

  scan(name: string, options: ScanOptions = {}): pl.LazyDataFrame {
    const entry = this.entry(name, options.version);
    const scans = verifyDataFiles(this.location, entry).map((path) => pl.scanParquet(path));
    const scan = scans.length === 1 ? scans[0] : pl.concat(scans, { how: "vertical", rechunk: false });
    return entry.columns ? scan.select(...entry.columns.map((c) => pl.col(c))) : scan;
  }

  versions(name: string): TableVersion[] {
    const found = new Map<number, TableVersion>();
    for (const manifest of this.manifestsUpToSnapshot()) {
      const entry = manifest.tables[name];
      if (entry) found.set(entry.version, { version: entry.version, time: entry.time, rows: entry.rows, run: entry.run });
    }
    if (found.size === 0) throw this.unknownTable(name);
    return [...found.values()].sort((a, b) => a.version - b.version);
  }

  readState(): unknown | undefined {
    return this.snapshot?.state;
  }

  stage(name: string, frame: pl.DataFrame, before?: StagedTable): StagedTable {
    checkTableName(name);
    if (!this.lock?.held()) throw new Error(`stage("${name}") needs the write lock of store ${this.location} (use withWriteLock)`);
    const types = frame.dtypes.map((t) => String(t).replace(/^DataType\((.*)\)$/, "$1"));
    if (before) {
      this.checkStaged(name, before);
      const shape = (columns: readonly string[], types: readonly string[]) => columns.map((c, i) => `${c}: ${types[i]}`).join(", ");
      if (shape(frame.columns, types) !== shape(before.staged.columns, before.staged.types)) {
        throw new Error(`a further part of table "${name}" must have its columns (${shape(before.staged.columns, before.staged.types)}), not (${shape(frame.columns, types)})`);
      }
    }
    const version = this.version + 1;
    const part = writeDataFile(this.location, name, version, frame);
    const parts = [...(before?.staged.parts ?? []), part];
    const staged: StagedTable = { staged: { name, version, parts, rows: parts.reduce((n, p) => n + p.rows, 0), columns: frame.columns, types } };
    if (before) this.staged.delete(before); // its parts are the new one's
    this.staged.add(staged);
    return staged;
  }

  commit(tables: Record<string, TableContent>, meta: CommitMeta = {}): CommitResult {
    for (const [name, content] of Object.entries(tables)) {
      checkTableName(name);
      if (isColumnsOf(content)) {
        const of = content.columnsOf;
        if (isStaged(of)) this.checkStaged(of.staged.name, of);
        checkColumnsOf(name, isStaged(of) ? [...of.staged.columns] : of.columns, content.columns);
      }
      if (isStaged(content)) this.checkStaged(name, content);
    }
    const keep = checkKeep(meta.keep ?? this.keep);
    const own = this.lock?.held() ? undefined : this.lockForCommit();
    try {
      return this.commitLocked(tables, meta, keep);
    } finally {
      own?.release();
    }
  }

  async acquireWriteLock(options: LockOptions = {}): Promise<WriteLock> {
    if (this.lock?.held()) throw new Error(`this handle already holds the write lock of store ${this.location}`);
    const lock = await acquireLock(this.location, options);
    this.lock = lock;
    try {
      this.refresh();
    } catch (error) {
      lock.release();
      throw error;
    }
    return lock;
  }

  async withWriteLock<T>(fn: () => T | Promise<T>, options: LockOptions = {}): Promise<T> {
    if (this.lock?.held()) return await fn(); // already ours: the outer holder releases it
    const lock = await this.acquireWriteLock(options);
    try {
      return await fn();
    } finally {
      lock.release();
    }
  }

  private lockForCommit(): WriteLock {
    const attempt = tryAcquireLock(this.location);
    if ("busy" in attempt) {
      const { pid, host, since } = attempt.busy;
      throw new StoreConflictError(`cannot commit to store ${this.location}: another writer holds its lock (pid ${pid} on host ${host} since ${since})`);
    }
    return attempt.lock;
  }

  private commitLocked(tables: Record<string, TableContent>, meta: CommitMeta, keep: number): CommitResult {
    // Everything is checked before anything is written: a damaged store is reported, not built upon.
    const manifests = readAllManifests(this.location);
    checkLayout(this.location);
    const latest = manifests[manifests.length - 1];
    if ((latest?.version ?? 0) !== this.version) {
      throw new StoreConflictError(
        `store ${this.location} is at version ${latest?.version ?? 0} but this handle read version ${this.version}: ` +
          `another writer committed meanwhile (hold the write lock while reading what you commit)`,
      );
    }
    for (const entry of Object.values(latest?.tables ?? {})) verifyDataFiles(this.location, entry, { quick: true });

    const version = this.version + 1;
    const time = new Date().toISOString();
    const run = meta.run ?? `${currentHost()}:${process.pid} ${time}`;
    const written: DataPart[] = [];
    try {
      // The same frame committed under several names, whole or as some of its columns (a
      // first run's batch is its whole history; the history is the sessionized events without
      // their session columns), is written once; every table refers to that file, which
      // pruning keeps while any of them does. Whole frames go first, so that a shared file lies
      // under the directory of the table that is all of it.
      const byFrame = new Map<pl.DataFrame | StagedTable, TableEntry>();
      const committed: Record<string, TableEntry> = {};
      const contents = Object.entries(tables).sort(([, a], [, b]) => Number(isColumnsOf(a)) - Number(isColumnsOf(b)));
      // (a staged table's files are written already; they are fsynced with the others' directories)
      for (const [name, content] of contents) {
        const frame = isColumnsOf(content) ? content.columnsOf : content;
        let entry = byFrame.get(frame);
        if (!entry) {
          const { parts, rows } = isStaged(frame) ? frame.staged : { parts: [writeDataFile(this.location, name, version, frame)], rows: frame.height };
          entry = { version, time, run, rows, parts: [...parts] };
          byFrame.set(frame, entry);
          written.push(...parts);
        }
        const all: readonly string[] = isStaged(frame) ? frame.staged.columns : frame.columns;
        const some = isColumnsOf(content) && content.columns.join("\u0000") !== all.join("\u0000");
        committed[name] = some ? { ...entry, columns: [...content.columns] } : entry;
      }
      for (const content of byFrame.keys()) if (isStaged(content)) this.staged.delete(content);
      for (const dir of new Set(written.map((part) => dirname(part.file)))) fsyncPath(join(this.location, dir));
      fsyncPath(join(this.location, DATA));
      const entries = { ...latest?.tables, ...committed };
      const manifest = newManifest({ version, time, run, tables: entries, state: meta.state === undefined ? latest?.state : meta.state });
      publishManifest(this.location, manifest);
      this.snapshot = manifest;
    } catch (error) {
      // Files of a manifest that made it into place (a failure after the link) are the store's now.
      if (!existsSync(manifestPath(this.location, version))) for (const part of written) rmSync(join(this.location, part.file), { force: true });
      throw error;
    }
    prune(this.location, keep);
    return { version };
  }

  /** A staged table is committed once, by the handle that staged it, under its name, in the commit it was staged for. */
  private checkStaged(name: string, content: StagedTable): void {
    const { staged } = content;
    if (!this.staged.has(content)) throw new Error(`table "${name}" was not staged by this handle of store ${this.location}, or is committed already`);
    if (staged.name !== name) throw new Error(`table "${staged.name}" was staged, but is committed as "${name}"`);
    if (staged.version !== this.version + 1) {
      throw new Error(`table "${name}" was staged for version ${staged.version}, but the next commit of store ${this.location} is version ${this.version + 1}`);
    }
  }

  private entry(name: string, version: number | undefined): TableEntry {
    const current = this.snapshot?.tables[name];
    if (version === undefined || version === current?.version) {
      if (!current) throw this.unknownTable(name);
      return current;
    }
    const atVersion = version <= this.version ? readManifest(this.location, version)?.tables[name] : undefined;
    if (atVersion?.version === version) return atVersion;
    const known = this.versions(name).map((v) => v.version);
    throw new Error(`table "${name}" has no version ${version} in store ${this.location} (versions: ${known.join(", ")})`);
  }

  private unknownTable(name: string): Error {
    const known = this.tables().map((t) => t.name);
    return new Error(`unknown table "${name}" in store ${this.location}` + (known.length ? ` (tables: ${known.join(", ")})` : " (it has no tables)"));
  }

  private manifestsUpToSnapshot(): Manifest[] {
    return readAllManifests(this.location).filter((m) => m.version <= this.version);
  }
}

function checkTableName(name: string): void {
  if (!TABLE_NAME.test(name)) throw new Error(`invalid table name "${name}": use lower-case letters, digits and underscores, starting with a letter`);
}

function isStaged(content: TableContent): content is StagedTable {
  return typeof (content as Partial<StagedTable>).staged === "object";
}

function isColumnsOf(content: TableContent): content is ColumnsOf {
  return Array.isArray((content as Partial<ColumnsOf>).columns) && typeof (content as Partial<ColumnsOf>).columnsOf === "object";
}

/** A table given as columns of a frame must name some of the frame's columns, each once. */
function checkColumnsOf(name: string, available: string[], columns: string[]): void {
  const missing = columns.filter((c) => !available.includes(c));
  if (columns.length === 0 || missing.length > 0 || new Set(columns).size !== columns.length) {
    const problem = columns.length === 0 ? "no columns" : missing.length > 0 ? `columns the frame does not have (${missing.join(", ")})` : "a column twice";
    throw new Error(`table "${name}" is given as columns of a frame, but names ${problem}`);
  }
}
