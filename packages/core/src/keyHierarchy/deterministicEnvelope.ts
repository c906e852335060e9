import { ENVELOPE_IV_LENGTH, type Envelope, sealEnvelope } from "../crypto/envelope.js";
import { deriveKey, type KdfPathSegment } from "../crypto/kdf.js";
import { blake2_256 } from "../hashing/hashes.js";

export interface DeterministicSealOptions {
  /** A secret every honest sender of this message shares (the master key for gatekeepers). */
  readonly derivationSecret: Uint8Array;
  /** What makes this message unique for its sender: e.g. [block number, sequence, index]. */
  readonly context: readonly KdfPathSegment[];
  readonly recipientPublic: Uint8Array;
  readonly purpose: string;
  readonly plaintext: Uint8Array;
}

/**
 * An envelope whose ephemeral key and IV are derived instead of drawn, so that every gatekeeper
 * seals byte-identical messages. The plaintext's hash and the recipient are part of the
 * derivation (as in SIV): two different plaintexts never share an ephemeral key and IV, even if
 * a caller repeats a context, so AES-GCM's (key, IV) pair never repeats for different data.
 */
export function sealDeterministicEnvelope(options: DeterministicSealOptions): Envelope {
  const { derivationSecret, context, recipientPublic, purpose, plaintext } = options;
  const path = ["deterministic_envelope", purpose, ...context, recipientPublic, blake2_256(plaintext)];
  const senderSecret = deriveKey(derivationSecret, ["ephemeral_key", ...path]);
  const iv = deriveKey(derivationSecret, ["iv", ...path]).subarray(0, ENVELOPE_IV_LENGTH);
  try {
    return sealEnvelope({ recipientPublic, purpose, plaintext, senderSecret, iv });
  } finally {
    senderSecret.fill(0);
  }
}
