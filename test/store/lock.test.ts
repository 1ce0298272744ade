import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import pl from "nodejs-polars";
import { afterEach, describe, expect, it } from "vitest";
import { acquireLock, openStore, readHolder, StoreConflictError, StoreDamagedError, StoreLockedError } from "../../src/store/index.js";
import { processStartTime } from "../../src/store/holder.js";
import { finished, LOCKER, MUTEX_WORKER, spawnNode, waitForLine } from "./support/children.js";
import type { ChildProcess } from "node:child_process";

const newStore = () => {
  const dir = join(mkdtempSync(join(tmpdir(), "sessionize-lock-")), "store");
  openStore(dir, { create: true });
  return dir;
};
const children: ChildProcess[] = [];
const start = (script: string, env: Record<string, string>) => {
  const child = spawnNode(script, env);
  children.push(child);
  return child;
};
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

/** The pid of a process that has exited (so: not alive on this host). */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" }).stdout.trim());
}

describe("one writer at a time", () => {
  it("a second writer fails at once with a message naming the holder, and gets the lock once it is released", async () => {
    const dir = newStore();
    const holder = start(LOCKER, { STORE: dir });
    const pid = Number((await waitForLine(holder, /^locked /)).split(" ")[1]);

    const store = openStore(dir);
    const attempt = store.acquireWriteLock();
    await expect(attempt).rejects.toBeInstanceOf(StoreLockedError);
    await expect(attempt).rejects.toThrow(new RegExp(`^store ${dir} is locked by another writer: pid ${pid} on host ${hostname()} since \\d{4}-\\d\\d-\\d\\dT`));
    expect(() => store.commit({ t: pl.DataFrame({ a: [1] }) })).toThrow(StoreConflictError);
    expect(() => store.commit({ t: pl.DataFrame({ a: [1] }) })).toThrow(`another writer holds its lock (pid ${pid} on host ${hostname()}`);
    expect(store.version).toBe(0);

    holder.stdin!.write("release\n");
    await waitForLine(holder, /^released$/);
    const lock = await store.acquireWriteLock();
    expect(readHolder(join(dir, "write.lock"))?.pid).toBe(process.pid);
    expect(store.commit({ t: pl.DataFrame({ a: [1] }) }).version).toBe(1);
    lock.release();
    expect(existsSync(join(dir, "write.lock"))).toBe(false);
  });

  it("with wait, a writer waits for the holder (in both directions)", async () => {
    const dir = newStore();
    const store = openStore(dir);
    const mine = await store.acquireWriteLock();
    const waiter = start(LOCKER, { STORE: dir, WAIT: "1" });
    const locked = waitForLine(waiter, /^locked /);
    let waiterLocked = false;
    void locked.then(() => (waiterLocked = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(waiterLocked).toBe(false);
    mine.release();
    await locked;

    let told: number | undefined;
    const waiting = store.acquireWriteLock({ wait: true, pollMs: 5, onWait: (h) => (told = h.pid) });
    let acquired = false;
    void waiting.then(() => (acquired = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(acquired).toBe(false);
    expect(told).toBe(waiter.pid);
    waiter.stdin!.write("release\n");
    (await waiting).release();
  });

  it("withWriteLock releases the lock when the function throws, and nests", async () => {
    const dir = newStore();
    const store = openStore(dir);
    await expect(store.withWriteLock(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(existsSync(join(dir, "write.lock"))).toBe(false);
    expect(await store.withWriteLock(() => store.commit({ t: pl.DataFrame({ a: [1] }) }).version)).toBe(1);
    // Nested: the inner call runs under the outer lock, which stays held until the outer call ends.
    await store.withWriteLock(async () => {
      await store.withWriteLock(() => store.commit({ t: pl.DataFrame({ a: [2] }) }));
      expect(readHolder(join(dir, "write.lock"))?.pid).toBe(process.pid);
    });
    expect(existsSync(join(dir, "write.lock"))).toBe(false);
    await expect(openStore(dir).withWriteLock(() => "ok")).resolves.toBe("ok");
  });

  it("a lock left by a killed process is taken over", async () => {
    const dir = newStore();
    const holder = start(LOCKER, { STORE: dir });
    await waitForLine(holder, /^locked /);
    holder.kill("SIGKILL");
    await finished(holder);
    expect(readHolder(join(dir, "write.lock"))?.pid).toBe(holder.pid);
    const lock = await openStore(dir).acquireWriteLock();
    expect(readHolder(join(dir, "write.lock"))?.pid).toBe(process.pid);
    lock.release();
  });

  it.runIf(processStartTime(process.pid) !== undefined)("a lock whose pid now belongs to a younger process is taken over", async () => {
    const dir = newStore();
    const stale = { pid: process.pid, host: hostname(), since: "2020-01-01T00:00:00.000Z", token: "00aa", started: "1" };
    writeFileSync(join(dir, "write.lock"), JSON.stringify(stale));
    (await acquireLock(dir)).release();
  });

  it("a lock held on another host is never taken over; a lock file that is not ours is reported, not removed", async () => {
    const dir = newStore();
    const remote = { pid: 1, host: "elsewhere.example", since: "2020-01-01T00:00:00.000Z", token: "00bb" };
    writeFileSync(join(dir, "write.lock"), JSON.stringify(remote));
    await expect(acquireLock(dir)).rejects.toThrow("pid 1 on host elsewhere.example since 2020-01-01T00:00:00.000Z");

    writeFileSync(join(dir, "write.lock"), "garbage");
    await expect(acquireLock(dir)).rejects.toBeInstanceOf(StoreDamagedError);
    await expect(acquireLock(dir)).rejects.toThrow(`${join(dir, "write.lock")}: lock file is not a sessionize lock record`);
    expect(readFileSync(join(dir, "write.lock"), "utf8")).toBe("garbage");
  });

  it("processes racing to take over a dead holder's lock (and a dead claimer's claim) never hold it together", async () => {
    const dir = newStore();
    const log = join(dir, "..", "mutex.log");
    writeFileSync(log, "");
    const host = hostname();
    const dead = { pid: deadPid(), host, since: "2020-01-01T00:00:00.000Z", token: "0dead0" };
    const deadClaimer = { pid: deadPid(), host, since: "2020-01-01T00:00:01.000Z", token: "0dead1" };
    writeFileSync(join(dir, "write.lock"), JSON.stringify(dead));
    writeFileSync(join(dir, "write.lock.claim-0dead0"), JSON.stringify(deadClaimer));

    const workers = Array.from({ length: 4 }, () => start(MUTEX_WORKER, { STORE: dir, LOG: log, ROUNDS: "3" }));
    const results = await Promise.all(workers.map(finished));
    for (const r of results) expect(r.stderr).toBe("");
    expect(results.map((r) => r.code)).toEqual(workers.map(() => 0));

    const lines = readFileSync(log, "utf8").trim().split("\n");
    expect(lines).toHaveLength(4 * 3 * 2);
    for (let i = 0; i < lines.length; i += 2) {
      const [enter, exit] = [lines[i].split(" "), lines[i + 1].split(" ")];
      expect([enter[0], exit[0]]).toEqual(["enter", "exit"]);
      expect(exit[1]).toBe(enter[1]);
    }
    expect(existsSync(join(dir, "write.lock"))).toBe(false);
    expect(existsSync(join(dir, "write.lock.claim-0dead0"))).toBe(false);
  });
});
