import { closeSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { fsyncPath, isCode } from "./durable.js";
import { StoreDamagedError, StoreLockedError, type LockHolder } from "./errors.js";
import { holderStatus, thisProcess } from "./holder.js";
import { LOCK, tempPath } from "./layout.js";

/**
 * Options of acquiring the write lock.
 *
 * @example
 * acquireLock(".sessionize", { wait: true, pollMs: 250, onWait: (h) => console.error(`waiting for pid ${h.pid}`) });
 */
export interface LockOptions {
  /** Wait for the holder to finish instead of failing at once. Default false. */
  wait?: boolean;
  /** How often to look again while waiting, in milliseconds. Default 100. */
  pollMs?: number;
  /** Called once when the lock is busy and `wait` is set, e.g. to say whom we wait for. */
  onWait?: (holder: LockHolder) => void;
}

/**
 * A held write lock. `release()` is idempotent.
 *
 * @example
 * const lock: WriteLock = acquireLock(".sessionize");
 * try { store.commit(tables); } finally { lock.release(); }
 */
export interface WriteLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Whether this lock is still held: released neither by `release()` nor taken over. */
  held(): boolean;
  release(): void;
}

/**
 * Take the write lock of the store in `storeDir`, or fail at once with `StoreLockedError`
 * naming the holder (pid, host, since), or wait for it with `wait`.
 *
 * How: the lock file `write.lock` is created whole (written to a temporary file, fsynced,
 * then `link`ed into place, which fails if the name exists), so it is never seen half
 * written and only one process can create it. A lock whose holder is dead (its pid gone
 * from this host) is taken over through a claim file named after the dead holder's token,
 * also created by `link`: only the one process that creates the claim may remove that
 * lock, so two processes cannot both take it over, and a fresh lock that replaced it is
 * never removed by a latecomer (its token differs). A claim whose claimer died is broken
 * the same way, one level up.
 *
 * @example
 * const lock = await acquireLock(".sessionize", { wait: true });
 * try { … } finally { lock.release(); }
 */
export async function acquireLock(storeDir: string, options: LockOptions = {}): Promise<WriteLock> {
  let told = false;
  for (;;) {
    const attempt = tryAcquireLock(storeDir);
    if ("lock" in attempt) return attempt.lock;
    if (!options.wait) throw new StoreLockedError(join(storeDir, LOCK), attempt.busy);
    if (!told) options.onWait?.(attempt.busy);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}

/**
 * One attempt at the write lock: the lock, or who holds it. Dead holders are taken over.
 *
 * @example
 * const attempt = tryAcquireLock(".sessionize");
 * if ("busy" in attempt) console.log(attempt.busy.pid);
 */
export function tryAcquireLock(storeDir: string): { lock: WriteLock } | { busy: LockHolder } {
  const file = join(storeDir, LOCK);
  for (;;) {
    // Look before trying: a busy lock costs a read, not a written and fsynced attempt.
    const holder = readHolder(file);
    if (!holder) {
      const me = thisProcess();
      if (createExclusively(file, me)) return { lock: heldLock(file, me) };
      continue; // someone else created it meanwhile: look again
    }
    if (holderStatus(holder) !== "dead") return { busy: holder };
    if (!removeStale(file, holder, 0)) return { busy: holder }; // someone else is taking it over
  }
}

/**
 * Remove the lock (or claim) file `file` known to be held by the dead `holder`, unless
 * someone else is already doing so. Returns false when another live process holds the claim.
 */
function removeStale(file: string, holder: LockHolder, depth: number): boolean {
  if (depth > 4) throw new StoreDamagedError(file, "too many abandoned lock claims; remove the write.lock* files if no sessionize run is active");
  const claim = join(join(file, ".."), `${LOCK}.claim-${holder.token}`);
  for (;;) {
    const me = thisProcess();
    if (createExclusively(claim, me)) {
      // Only the creator of this claim may remove a lock carrying holder.token; tokens are
      // never reused, so if the file now carries another token it is a live lock: keep it.
      if (readHolder(file)?.token === holder.token) rmSync(file, { force: true });
      rmSync(claim, { force: true });
      fsyncPath(join(file, ".."));
      return true;
    }
    const claimer = readHolder(claim);
    if (!claimer) continue; // finished meanwhile
    if (holderStatus(claimer) !== "dead") return false;
    removeStale(claim, claimer, depth + 1);
  }
}

/**
 * Who holds the write lock of the store in `storeDir` now, or `undefined` when nobody does
 * (a dead holder counts as nobody: the next writer takes its lock over). For messages only:
 * the answer may be out of date as soon as it is returned.
 *
 * @example
 * const holder = lockHolder(".sessionize");
 * if (holder) console.error(`waiting for pid ${holder.pid}`);
 */
export function lockHolder(storeDir: string): LockHolder | undefined {
  const holder = readHolder(join(storeDir, LOCK));
  return holder && holderStatus(holder) !== "dead" ? holder : undefined;
}

/**
 * Remove the claim files of claimers that died before finishing a takeover, through the same
 * protocol (so that a claim that is live meanwhile is never removed). Cosmetic: an abandoned
 * claim is also broken by the next takeover that meets it.
 *
 * @example
 * clearAbandonedClaims(checkLayout(".sessionize").claims);
 */
export function clearAbandonedClaims(claims: string[]): void {
  for (const claim of claims) {
    const claimer = readHolder(claim);
    if (claimer && holderStatus(claimer) === "dead") removeStale(claim, claimer, 1);
  }
}

/** Create `file` with `holder` as its whole content, only if it does not exist. */
function createExclusively(file: string, holder: LockHolder): boolean {
  const temporary = tempPath(join(file, ".."));
  const fd = openSync(temporary, "wx");
  try {
    writeSync(fd, JSON.stringify(holder) + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, file);
    fsyncPath(join(file, ".."));
    return true;
  } catch (error) {
    if (isCode(error, "EEXIST")) return false;
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * The holder recorded in a lock (or claim) file, or `undefined` if there is none.
 * A file that is not a lock record is a `StoreDamagedError`: it is never removed silently.
 *
 * @example
 * readHolder(".sessionize/write.lock")?.pid; // 4242
 */
export function readHolder(file: string): LockHolder | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (isCode(error, "ENOENT")) return undefined;
    throw error;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    if (Number.isSafeInteger(holder.pid) && typeof holder.host === "string" && typeof holder.since === "string" && typeof holder.token === "string") return holder;
  } catch {
    // fall through
  }
  throw new StoreDamagedError(file, "lock file is not a sessionize lock record; remove it if no sessionize run is active");
}

function heldLock(file: string, holder: LockHolder): WriteLock {
  let released = false;
  const onExit = () => release();
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener("exit", onExit);
    try {
      if (readHolder(file)?.token === holder.token) rmSync(file, { force: true });
    } catch {
      // A damaged lock file is left for the next writer to report.
    }
  };
  process.on("exit", onExit);
  return {
    file,
    holder,
    held: () => {
      if (released) return false;
      try {
        return readHolder(file)?.token === holder.token;
      } catch {
        return false;
      }
    },
    release,
  };
}
