import { open, readFile, rm } from "node:fs/promises";
import { DevnetError } from "./devnetError.js";
import { readTextIfExists } from "./readTextIfExists.js";

/** Whether a process with this pid exists (one we may not signal counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid in a lock file's text, or undefined when it holds none. */
export function lockPid(text: string): number | undefined {
  try {
    const pid = (JSON.parse(text) as { pid?: unknown }).pid;
    return typeof pid === "number" && Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The pid of the live process that holds the lock at `path`; undefined if none does (no file, or a stale one). */
export async function lockHolder(path: string, alive = processAlive): Promise<number | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  const pid = lockPid(text);
  return pid !== undefined && alive(pid) ? pid : undefined;
}

const lockedError = (dataDir: string, pid: number) =>
  new DevnetError(
    "DEVNET_LOCKED",
    `${dataDir} is in use by another phala devnet (pid ${pid}): stop it first (Ctrl-C where it runs, or kill ${pid}), or use another --data-dir`,
    { dataDir, pid },
  );

/** Refuses (`DEVNET_LOCKED`) when a live process holds the lock; reads only. */
export async function assertUnlocked(path: string, dataDir: string): Promise<void> {
  const pid = await lockHolder(path);
  if (pid !== undefined) throw lockedError(dataDir, pid);
}

export interface DataDirLock {
  /** Removes the lock file if it is still ours. */
  release(): Promise<void>;
}

/**
 * Takes the lock at `path` for this process: creates the file exclusively, replacing a stale one
 * (its pid is gone). Two starts racing for it cannot both win.
 */
export async function acquireLock(path: string, dataDir: string): Promise<DataDirLock> {
  const body = `${JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() })}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      const file = await open(path, "wx");
      await file.writeFile(body);
      await file.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = await lockHolder(path);
      if (holder !== undefined) throw lockedError(dataDir, holder);
      // Stale twice over: another start keeps replacing it, and wins.
      if (attempt > 0) throw lockedError(dataDir, lockPid(await readFile(path, "utf8").catch(() => "")) ?? 0);
      await rm(path, { force: true });
    }
  }
  return {
    async release() {
      const text = await readFile(path, "utf8").catch(() => "");
      if (lockPid(text) === process.pid) await rm(path, { force: true });
    },
  };
}
