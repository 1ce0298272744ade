import { rmSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fsyncPath } from "./durable.js";
import { checkLayout, DATA, MANIFESTS, tempOwner } from "./layout.js";
import { clearAbandonedClaims } from "./lock.js";
import { isRunning } from "./holder.js";
import { manifestPath, manifestVersions, readManifest, type Manifest } from "./manifest.js";

/** What `prune` removed. */
export interface Pruned {
  /** Versions whose manifests were removed. */
  versions: number[];
  /** Files removed (paths relative to the store): data files no manifest refers to, and temporary leftovers. */
  files: string[];
}

/**
 * Read every manifest of the store, oldest first. A damaged one is a `StoreDamagedError`
 * naming it, so that nothing is removed on the strength of a manifest that cannot be read.
 *
 * @example
 * readAllManifests(".sessionize").map((m) => m.version); // [5, 6, 7]
 */
export function readAllManifests(storeDir: string): Manifest[] {
  return manifestVersions(storeDir)
    .map((version) => readManifest(storeDir, version))
    .filter((m): m is Manifest => m !== undefined);
}

/**
 * Options of `prune`.
 *
 * @example
 * prune(".sessionize", 20, { log: (message) => logger.warn(message) });
 */
export interface PruneOptions {
  /**
   * Told of every leftover removed (a data file no version refers to, a temporary file, a
   * dead process's lock attempt), one line each. Data files of versions dropped by `keep`
   * are routine and not told. Default: a warning on stderr.
   */
  log?: (message: string) => void;
}

const stderrLog = (message: string) => {
  process.stderr.write(`sessionize: ${message}\n`);
};

/**
 * Keep the newest `keep` versions and remove what nothing refers to any more. Call it only
 * while holding the write lock and after the newest manifest is in place. Order matters for
 * crash safety: old manifests go first (oldest first, so the survivors stay the newest), then
 * the data files that no surviving manifest refers to (which includes leftovers of commits
 * that never finished), then temporary files, and what dead processes left of lock attempts. Every surviving manifest is read first; if one
 * is damaged, nothing at all is removed.
 *
 * Removing leftovers is safe: only a writer makes data and temporary files, and this runs
 * under the write lock, so a data file no manifest refers to, or a temporary file in
 * `manifests/` or `data/`, belongs to a commit that was interrupted (its manifest never
 * published) and nothing can ever refer to it; a lock attempt is removed only when the
 * process named in it is no longer running. Each such removal is logged, naming the file
 * and why.
 *
 * @example
 * prune(".sessionize", 20); // { versions: [1], files: ["data/all_joined_logs/00000001-ab12cd34.parquet", …] }
 */
export function prune(storeDir: string, keep: number, options: PruneOptions = {}): Pruned {
  const log = options.log ?? stderrLog;
  const manifests = readAllManifests(storeDir);
  const leftovers = checkLayout(storeDir);
  const doomed = manifests.slice(0, Math.max(0, manifests.length - keep));
  const kept = manifests.slice(doomed.length);

  for (const manifest of doomed) rmSync(manifestPath(storeDir, manifest.version), { force: true });
  if (doomed.length > 0) fsyncPath(join(storeDir, MANIFESTS));

  const filesOf = (list: Manifest[]) => new Set(list.flatMap((m) => Object.values(m.tables).flatMap((entry) => entry.parts.map((part) => part.file))));
  const referenced = filesOf(kept);
  const dropped = filesOf(doomed);
  const files = leftovers.dataFiles.filter((file) => !referenced.has(file));
  for (const file of files) {
    rmSync(join(storeDir, file), { force: true });
    if (!dropped.has(file)) log(`store ${storeDir}: removed ${file}: no version refers to it (left by a commit that did not finish)`);
  }
  for (const path of leftovers.temporary) {
    rmSync(path, { force: true });
    log(`store ${storeDir}: removed ${relative(storeDir, path)}: a temporary file of a commit that did not finish`);
  }
  if (files.length + leftovers.temporary.length > 0) fsyncPath(join(storeDir, DATA));
  // Lock attempts of processes that died half-way (another process's live attempt is kept).
  const abandoned = leftovers.lockTemporary.filter((path) => !isRunning(tempOwner(basename(path))));
  for (const path of abandoned) {
    rmSync(path, { force: true });
    log(`store ${storeDir}: removed ${relative(storeDir, path)}: a lock attempt of process ${tempOwner(basename(path))}, which is not running`);
  }
  clearAbandonedClaims(leftovers.claims);

  return {
    versions: doomed.map((m) => m.version),
    files: [...files, ...[...leftovers.temporary, ...abandoned].map((path) => relative(storeDir, path))],
  };
}
