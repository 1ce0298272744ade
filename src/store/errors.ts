import { hostname } from "node:os";
import { dirname } from "node:path";

/**
 * The errors a store throws, as classes so that callers can tell them apart
 * (`error instanceof StoreLockedError`) while the message stays one clear line.
 */

/**
 * The store on disk is not what a sessionize store should be: a manifest cut short,
 * a data file missing or replaced, a file that is not ours. `file` names the culprit.
 * Nothing is repaired, overwritten or deleted when this is thrown.
 *
 * @example
 * try { openStore(".sessionize"); } catch (e) { if (e instanceof StoreDamagedError) console.error(e.file); }
 */
export class StoreDamagedError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`store damaged: ${file}: ${problem} (nothing was changed; move the store aside or restore the file)`);
    this.name = "StoreDamagedError";
  }
}

/**
 * Who holds a store's write lock, as recorded in its lock file.
 *
 * @example
 * const holder: LockHolder | undefined = lockHolder(".sessionize");
 * if (holder) console.error(`busy: pid ${holder.pid} on ${holder.host} since ${holder.since}`);
 */
export interface LockHolder {
  pid: number;
  host: string;
  /** When the lock was taken (ISO 8601). */
  since: string;
  /** Unique per acquisition: tells one holder from the next with the same pid. */
  token: string;
  /** Kernel start time of the process (Linux), to tell a reused pid from the holder. */
  started?: string;
}

/**
 * Another writer holds the store's write lock; `holder` says who.
 *
 * @example
 * try { await store.acquireWriteLock(); } catch (e) { if (e instanceof StoreLockedError) console.error(e.holder.pid); }
 */
export class StoreLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly holder: LockHolder,
  ) {
    const self = holder.pid === process.pid && holder.host === currentHost() ? " (this process)" : "";
    super(
      `store ${dirname(lockFile)} is locked by another writer: pid ${holder.pid}${self} on host ${holder.host} since ${holder.since} (lock file ${lockFile}); ` +
        `wait for it to finish (--wait), or remove the lock file if that process is gone`,
    );
    this.name = "StoreLockedError";
  }
}

/**
 * The store changed under a handle that did not hold the write lock: another writer
 * committed a newer version since this handle read it.
 *
 * @example
 * const store = openStore(dir); await store.acquireWriteLock(); // read and commit under the lock to avoid it
 */
export class StoreConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreConflictError";
  }
}

/**
 * The host name recorded in lock files: a lock is judged stale only on the host that took it.
 *
 * @example
 * currentHost(); // "build-7"
 */
export function currentHost(): string {
  return hostname();
}
