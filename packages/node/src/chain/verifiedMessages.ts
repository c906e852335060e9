import {
  blake2_256,
  byteKey,
  ed25519Verify,
  equalBytes,
  type SignedMessage,
  signedMessagePayload,
} from "@phala-ts/core";
import type { DeferredChecks } from "./deferredChecks.js";

/**
 * Offchain messages whose signature this node found valid: the pool checks a relayed message when
 * it takes the batch, and the block that includes the batch checks it again; the workers of one
 * cluster relay the same messages. An entry is the key and signature, with the blake2-256 of the
 * payload they verified: a hit is the same key, signature and signed bytes, so the same
 * verification again, and a miss costs only that hash beyond the verification itself (no second
 * encoding of the message, no copy of it kept). Bounded; the oldest entries go first.
 */
export class VerifiedMessages {
  readonly #seen: Map<string, Uint8Array>;
  readonly #deferred: DeferredChecks | undefined;

  constructor(
    readonly capacity = 16_384,
    shared?: { readonly seen: Map<string, Uint8Array>; readonly deferred: DeferredChecks },
  ) {
    this.#seen = shared?.seen ?? new Map();
    this.#deferred = shared?.deferred;
  }

  /** Signatures remembered. */
  get size(): number {
    return this.#seen.size;
  }

  /**
   * The same memory, but a signature it does not hold is set aside on `deferred` (and remembered
   * once that check passes) and answered as valid, for a validation run ahead of the verifiers.
   */
  deferringTo(deferred: DeferredChecks): VerifiedMessages {
    return new VerifiedMessages(this.capacity, { seen: this.#seen, deferred });
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
    if (this.#deferred !== undefined) {
      const check = { signature: { type: "Ed25519", value: signature } as const, message: payload, signer: publicKey };
      this.#deferred.defer(check, () => this.#remember(id, digest));
      return true;
    }
    if (!ed25519Verify(signature, payload, publicKey)) return false;
    this.#remember(id, digest);
    return true;
  }

  #remember(id: string, digest: Uint8Array): void {
    this.#seen.delete(id);
    this.#seen.set(id, digest);
    if (this.#seen.size > this.capacity) this.#seen.delete(this.#seen.keys().next().value!);
  }
}
