import {
  blake2_256,
  byteKey,
  ed25519Verify,
  equalBytes,
  type SignedMessage,
  signedMessagePayload,
} from "@phala-ts/core";

/**
 * Offchain messages whose signature this node found valid: the pool checks a relayed message when
 * it takes the batch, and the block that includes the batch checks it again; the workers of one
 * cluster relay the same messages. An entry is the key and signature, with the blake2-256 of the
 * payload they verified: a hit is the same key, signature and signed bytes, so the same
 * verification again, and a miss costs only that hash beyond the verification itself (no second
 * encoding of the message, no copy of it kept). Bounded; the oldest entries go first.
 */
export class VerifiedMessages {
  readonly #seen = new Map<string, Uint8Array>();

  constructor(readonly capacity = 16_384) {}

  /** Signatures remembered. */
  get size(): number {
    return this.#seen.size;
  }

  /** `verifySignedMessage`, remembered when true. */
  verify(signed: SignedMessage, publicKey: Uint8Array): boolean {
    // Every signing key is 32 bytes and every signature 64 (no other verifies): `key ++ signature`
    // is unambiguous.
    const { signature } = signed;
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
    if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
    const payload = signedMessagePayload(signed);
    if (payload === undefined) return false;
    const id = byteKey(publicKey) + byteKey(signature);
    const digest = blake2_256(payload);
    const seen = this.#seen.get(id);
    if (seen !== undefined && equalBytes(seen, digest)) return true;
    if (!ed25519Verify(signature, payload, publicKey)) return false;
    this.#seen.delete(id);
    this.#seen.set(id, digest);
    if (this.#seen.size > this.capacity) this.#seen.delete(this.#seen.keys().next().value!);
    return true;
  }
}
