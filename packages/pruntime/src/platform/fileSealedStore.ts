import { mkdir, readdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { fsyncDirectory, readFileIfExists, writeFileAtomic } from "./atomicFile.js";
import type { SealedStore } from "./enclavePlatform.js";
import { errnoCode, SealError } from "./platformError.js";

export const SEALED_FILE_SUFFIX = ".sealed";
export const MAX_SEALED_NAME_LENGTH = 128;
const NAME_PATTERN = /^[A-Za-z0-9._-]+$/;
const TEMP_FILE_PATTERN = /\.tmp-[0-9a-f]+$/;

/** Throws SealError("SEAL_BAD_NAME") unless `name` is 1..128 of `[A-Za-z0-9._-]` and not only dots. */
export function assertSealedName(name: string): void {
  if (
    typeof name !== "string" ||
    name.length > MAX_SEALED_NAME_LENGTH ||
    !NAME_PATTERN.test(name) ||
    /^\.+$/.test(name)
  ) {
    throw new SealError(
      "SEAL_BAD_NAME",
      `sealed file names are 1..${MAX_SEALED_NAME_LENGTH} characters of [A-Za-z0-9._-], not only dots`,
      { name: typeof name === "string" ? name.slice(0, MAX_SEALED_NAME_LENGTH + 1) : String(name) },
    );
  }
}

/** How file contents relate to the data: encryption for `sim`, nothing for Gramine's encrypted mount. */
export interface SealCodec {
  seal(name: string, data: Uint8Array): Uint8Array;
  /** Throws SealError("SEAL_CORRUPT") for content that was not sealed under `name` by this codec. */
  unseal(name: string, content: Uint8Array): Uint8Array;
}

/** A SealedStore of one file per name, `<dir>/<name>.sealed`, each written atomically. */
export class FileSealedStore implements SealedStore {
  readonly dir: string;
  readonly #codec: SealCodec;

  private constructor(dir: string, codec: SealCodec) {
    this.dir = dir;
    this.#codec = codec;
  }

  /** Creates `dir` (0700) if needed and removes temporary files a crash left behind. */
  static async open(dir: string, codec: SealCodec): Promise<FileSealedStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (const entry of await readdir(dir)) {
      if (TEMP_FILE_PATTERN.test(entry)) await unlink(join(dir, entry)).catch(() => undefined);
    }
    return new FileSealedStore(dir, codec);
  }

  #path(name: string): string {
    assertSealedName(name);
    return join(this.dir, name + SEALED_FILE_SUFFIX);
  }

  async write(name: string, data: Uint8Array): Promise<void> {
    const path = this.#path(name);
    if (!(data instanceof Uint8Array)) throw new SealError("SEAL_BAD_DATA", "sealed data must be bytes", { name });
    await writeFileAtomic(path, this.#codec.seal(name, data));
  }

  async read(name: string): Promise<Uint8Array | undefined> {
    const path = this.#path(name);
    const content = await readFileIfExists(path);
    return content === undefined ? undefined : this.#codec.unseal(name, content);
  }

  async list(prefix: string): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.dir);
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return [];
      throw error;
    }
    const names: string[] = [];
    for (const entry of entries) {
      if (!entry.endsWith(SEALED_FILE_SUFFIX)) continue;
      const name = entry.slice(0, -SEALED_FILE_SUFFIX.length);
      try {
        assertSealedName(name);
      } catch {
        continue;
      }
      if (name.startsWith(prefix)) names.push(name);
    }
    return names.sort();
  }

  async remove(name: string): Promise<void> {
    const path = this.#path(name);
    try {
      await unlink(path);
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return;
      throw error;
    }
    await fsyncDirectory(this.dir);
  }
}
