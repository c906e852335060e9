import type { SealedStore } from "../platform/enclavePlatform.js";

const PREFIX = "checkpoint-";

/** The sealed file name of the checkpoint at `height`; zero-padded so names sort by height. */
export function checkpointName(height: number): string {
  return `${PREFIX}${height.toString().padStart(10, "0")}`;
}

/**
 * Checkpoints as sealed files, newest kept. Each write is atomic (the store writes a temporary
 * file and renames it), so a crash leaves the previous checkpoints intact.
 */
export class CheckpointStore {
  readonly #sealed: SealedStore;
  readonly #keep: number;

  constructor(sealed: SealedStore, keep = 2) {
    this.#sealed = sealed;
    this.#keep = Math.max(1, keep);
  }

  async write(height: number, bytes: Uint8Array): Promise<void> {
    await this.#sealed.write(checkpointName(height), bytes);
    const names = await this.#sealed.list(PREFIX);
    for (const old of names.slice(0, Math.max(0, names.length - this.#keep))) await this.#sealed.remove(old);
  }

  /**
   * The newest checkpoint that unseals and that `accept` takes, falling back to older ones;
   * `onRejected` hears why each newer one was passed over.
   */
  async loadNewest<T>(
    accept: (bytes: Uint8Array) => T,
    onRejected: (name: string, error: unknown) => void,
  ): Promise<T | undefined> {
    const names = await this.#sealed.list(PREFIX);
    for (const name of names.reverse()) {
      try {
        const bytes = await this.#sealed.read(name);
        if (bytes !== undefined) return accept(bytes);
      } catch (error) {
        onRejected(name, error);
      }
    }
    return undefined;
  }
}
