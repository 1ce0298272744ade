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
 * Keep the newest `keep` versions and remove what nothing refers to any more. Call it only
 * while holding the write lock and after the newest manifest is in place. Order matters for
 * crash safety: old manifests go first (oldest first, so the survivors stay the newest), then
 * the data files that no surviving manifest refers to (which includes leftovers of commits
 * that never finished), then temporary files, and what dead processes left of lock attempts. Every surviving manifest is read first; if one
 * is damaged, nothing at all is removed.
 *
 * @example
 * prune(".sessionize", 20); // { versions: [1], files: ["data/all_joined_logs/00000001-ab12cd34.parquet", …] }
 */
export function prune(storeDir: string, keep: number): Pruned {
  const manifests = readAllManifests(storeDir);
  const leftovers = checkLayout(storeDir);
  const doomed = manifests.slice(0, Math.max(0, manifests.length - keep));
  const kept = manifests.slice(doomed.length);

  for (const manifest of doomed) rmSync(manifestPath(storeDir, manifest.version), { force: true });
  if (doomed.length > 0) fsyncPath(join(storeDir, MANIFESTS));

  const referenced = new Set(kept.flatMap((m) => Object.values(m.tables).map((entry) => entry.file)));
  const files = leftovers.dataFiles.filter((file) => !referenced.has(file));
  for (const file of files) rmSync(join(storeDir, file), { force: true });
  for (const path of leftovers.temporary) rmSync(path, { force: true });
  if (files.length + leftovers.temporary.length > 0) fsyncPath(join(storeDir, DATA));
  // Lock attempts of processes that died half-way (another process's live attempt is kept).
  const abandoned = leftovers.lockTemporary.filter((path) => !isRunning(tempOwner(basename(path))));
  for (const path of abandoned) rmSync(path, { force: true });
  clearAbandonedClaims(leftovers.claims);

  return {
    versions: doomed.map((m) => m.version),
    files: [...files, ...[...leftovers.temporary, ...abandoned].map((path) => relative(storeDir, path))],
  };
}
