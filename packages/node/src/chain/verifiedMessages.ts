import { byteKey, encodeSignedMessage, type SignedMessage, verifySignedMessage } from "@phala-ts/core";

/**
 * Offchain messages whose signature this node found valid, each by its whole content (message,
 * sequence, signature) and the key it verified under, so a hit is the same verification again:
 * the pool checks a relayed message when it takes the batch, and the block that includes the batch
 * checks it again; the workers of one cluster relay the same messages. Bounded; the oldest
 * entries go first.
 */
export class VerifiedMessages {
  readonly #seen = new Set<string>();

  constructor(readonly capacity = 16_384) {}

  /** `verifySignedMessage`, remembered when true. */
  verify(signed: SignedMessage, publicKey: Uint8Array): boolean {
    // Every signing key is 32 bytes (no other verifies), which keeps `key ++ content` unambiguous.
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
    let id: string;
    try {
      id = byteKey(publicKey) + byteKey(encodeSignedMessage(signed));
    } catch {
      return verifySignedMessage(signed, publicKey);
    }
    if (this.#seen.has(id)) return true;
    if (!verifySignedMessage(signed, publicKey)) return false;
    this.#seen.add(id);
    if (this.#seen.size > this.capacity) this.#seen.delete(this.#seen.values().next().value!);
    return true;
  }
}
