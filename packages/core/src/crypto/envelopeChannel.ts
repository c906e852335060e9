import { equalBytes } from "../bytes/bytes.js";
import { assertLength } from "../keys/ed25519.js";
import {
  decryptFailed,
  type Envelope,
  EnvelopeError,
  envelopeAad,
  envelopeIv,
  envelopeKey,
  gcmOpen,
  gcmSeal,
  purposeBytes,
  toEnvelope,
} from "./envelope.js";
import { X25519_KEY_LENGTH, X25519Error, type X25519Keypair } from "./x25519.js";

interface DirectionKeys {
  readonly key: Uint8Array;
  readonly aad: Uint8Array;
}

/**
 * Envelopes between two fixed X25519 keys, in both directions, with the shared secret and each
 * purpose's keys derived once: the wire format and keys are exactly `sealEnvelope` with
 * `senderSecret: own` and `openEnvelope` with `expectedSender: peer`, so either side may use the
 * one-shot functions instead. For a conversation of many messages (a query session), where one
 * X25519 agreement per message would cost more than the rest of the message's crypto.
 */
export class EnvelopeChannel {
  readonly ownPublic: Uint8Array;
  readonly peerPublic: Uint8Array;
  readonly #shared: Uint8Array;
  readonly #sealing = new Map<string, DirectionKeys>();
  readonly #opening = new Map<string, DirectionKeys>();

  /** Throws EnvelopeError(ENVELOPE_DECRYPT_FAILED) when the peer key is a low-order point. */
  constructor(own: X25519Keypair, peerPublic: Uint8Array) {
    assertLength(peerPublic, X25519_KEY_LENGTH, "peer public key");
    try {
      this.#shared = own.sharedSecret(peerPublic);
    } catch (cause) {
      if (cause instanceof X25519Error) throw decryptFailed(cause);
      throw cause;
    }
    this.ownPublic = own.publicKey.slice();
    this.peerPublic = peerPublic.slice();
  }

  seal(purpose: string, plaintext: Uint8Array, iv?: Uint8Array): Envelope {
    const chosen = envelopeIv(iv);
    const { key, aad } = this.#keys(this.#sealing, purpose, this.ownPublic, this.peerPublic);
    return { senderPublic: this.ownPublic.slice(), iv: chosen, ciphertext: gcmSeal(key, chosen, aad, plaintext) };
  }

  /** The plaintext of an envelope the peer sealed to us (ENVELOPE_SENDER_MISMATCH from anyone else). */
  open(purpose: string, sealed: Envelope | Uint8Array): Uint8Array {
    const { senderPublic, iv, ciphertext } = toEnvelope(sealed);
    if (!equalBytes(senderPublic, this.peerPublic)) {
      throw new EnvelopeError("ENVELOPE_SENDER_MISMATCH", "envelope was not sealed by the expected sender");
    }
    const { key, aad } = this.#keys(this.#opening, purpose, this.peerPublic, this.ownPublic);
    return gcmOpen(key, iv, aad, ciphertext);
  }

  #keys(
    cache: Map<string, DirectionKeys>,
    purpose: string,
    senderPublic: Uint8Array,
    recipientPublic: Uint8Array,
  ): DirectionKeys {
    const cached = cache.get(purpose);
    if (cached !== undefined) return cached;
    const purposeBytesValue = purposeBytes(purpose);
    const keys = {
      key: envelopeKey(this.#shared.slice(), senderPublic, recipientPublic, purposeBytesValue),
      aad: envelopeAad(senderPublic, recipientPublic, purposeBytesValue),
    };
    cache.set(purpose, keys);
    return keys;
  }
}
