import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireLock, assertUnlocked, lockHolder, lockPid, processAlive } from "./dataDirLock.js";

/** The pid of a process that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ["-e", "0"]).pid!;

describe("the data directory lock", () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "devnet-lock-"));
    path = join(dir, "devnet.lock");
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("reads the pid of a lock file, and nothing from a damaged one", () => {
    expect(lockPid('{"pid":42,"startedAt":"x"}')).toBe(42);
    for (const text of ["", "{", '{"pid":"42"}', '{"pid":-1}', '{"pid":1.5}', "[]"])
      expect(lockPid(text)).toBeUndefined();
  });

  it("tells live processes from gone ones", () => {
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(deadPid())).toBe(false);
  });

  it("is taken once: a second taker is refused with the holder's pid, and the lock is free again after release", async () => {
    await assertUnlocked(path, dir);
    const lock = await acquireLock(path, dir);
    expect(await lockHolder(path)).toBe(process.pid);
    const refusal = { code: "DEVNET_LOCKED", details: { dataDir: dir, pid: process.pid } };
    await expect(acquireLock(path, dir)).rejects.toMatchObject(refusal);
    await expect(assertUnlocked(path, dir)).rejects.toMatchObject(refusal);
    await expect(assertUnlocked(path, dir)).rejects.toThrow(`kill ${process.pid}`);
    await lock.release();
    expect(await lockHolder(path)).toBeUndefined();
    await (await acquireLock(path, dir)).release();
  });

  it("replaces a stale lock (its process is gone) and a damaged one", async () => {
    await writeFile(path, JSON.stringify({ pid: deadPid() }));
    expect(await lockHolder(path)).toBeUndefined();
    await assertUnlocked(path, dir);
    const lock = await acquireLock(path, dir);
    expect(lockPid(await readFile(path, "utf8"))).toBe(process.pid);
    await lock.release();
    await writeFile(path, "garbage");
    await (await acquireLock(path, dir)).release();
  });

  it("does not remove a lock another process took over", async () => {
    const lock = await acquireLock(path, dir);
    await writeFile(path, JSON.stringify({ pid: 1 }));
    await lock.release();
    expect(lockPid(await readFile(path, "utf8"))).toBe(1);
  });
});
