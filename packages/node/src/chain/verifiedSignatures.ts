import { byteKey } from "@phala-ts/core";

/**
 * Extrinsics (by hash) whose signature this node has already verified against this chain's
 * genesis hash and runtime version: the block producer then skips verifying them a second
 * time. Only this node's own producer consults it; importing a block verifies everything.
 * Bounded; the oldest entries go first.
 */
export class VerifiedSignatures {
  readonly #seen = new Set<string>();

  constructor(readonly capacity = 100_000) {}

  add(hash: Uint8Array): void {
    const key = byteKey(hash);
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    if (this.#seen.size > this.capacity) this.#seen.delete(this.#seen.values().next().value!);
  }

  has(hash: Uint8Array): boolean {
    return this.#seen.has(byteKey(hash));
  }
}
