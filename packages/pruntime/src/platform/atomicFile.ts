import { randomBytes } from "node:crypto";
import { type FileHandle, link, open, readFile, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { errnoCode } from "./platformError.js";

export interface WriteFileAtomicOptions {
  /** Mode of the new file (before the umask, which can only remove bits): 0o600 unless given. */
  readonly mode?: number;
  /**
   * Never replace an existing file: fails with the `EEXIST` error of link(2) instead, so of two
   * concurrent writers exactly one wins. Needs hard links (not available under Gramine).
   */
  readonly exclusive?: boolean;
}

// Some file systems, Gramine's among them, cannot fsync a directory; the rename itself is still atomic.
const DIRECTORY_SYNC_UNSUPPORTED = new Set(["EINVAL", "ENOTSUP", "EOPNOTSUPP", "EISDIR", "EBADF"]);

/** Makes a rename, link or unlink in `dir` durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch (error) {
    if (!DIRECTORY_SYNC_UNSUPPORTED.has(errnoCode(error) ?? "")) throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Writes `bytes` to `path` so that a reader, or a restart after a crash, sees the old content or
 * the new, never a mix: write `path.tmp-<random>`, fsync it, rename (or link, when exclusive) it
 * over `path`, fsync the directory. On failure the temporary file is removed.
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const temp = `${path}.tmp-${randomBytes(8).toString("hex")}`;
  let handle: FileHandle | undefined;
  let tempCreated = false;
  try {
    handle = await open(temp, "wx", options.mode ?? 0o600);
    tempCreated = true;
    await handle.writeFile(bytes);
    await handle.sync();
    const closing = handle;
    handle = undefined;
    await closing.close();
    if (options.exclusive) {
      await link(temp, path);
      tempCreated = false;
      await unlink(temp).catch(() => undefined);
    } else {
      await rename(temp, path);
      tempCreated = false;
    }
    await fsyncDirectory(dirname(path));
  } catch (error) {
    await handle?.close().catch(() => undefined);
    if (tempCreated) await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** The file's content, or undefined when it does not exist; other failures propagate. */
export async function readFileIfExists(path: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return undefined;
    throw error;
  }
}
