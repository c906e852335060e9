import { createCipheriv, createDecipheriv } from "node:crypto";
import { Bytes, Struct } from "@polkadot-api/substrate-bindings";
import { equalBytes, utf8 } from "../bytes/bytes.js";
import { PhalaError } from "../errors/phalaError.js";
import { assertLength } from "../keys/ed25519.js";
import { decodeExact } from "../scale/decodeExact.js";
import { scaleBytes } from "../scale/scaleBytes.js";
import { hkdfSha256 } from "./hkdf.js";
import { publicRandomBytes } from "./randomPool.js";
import { X25519_KEY_LENGTH, X25519Error, type X25519Keypair, x25519Ephemeral, x25519FromSecret } from "./x25519.js";

export const ENVELOPE_DOMAIN = "phala/envelope/v1";
export const ENVELOPE_IV_LENGTH = 12;
export const ENVELOPE_TAG_LENGTH = 16;
export const ENVELOPE_MAX_PURPOSE_LENGTH = 255;

export type EnvelopeErrorCode =
  | "ENVELOPE_DECRYPT_FAILED"
  | "ENVELOPE_MALFORMED"
  | "ENVELOPE_SENDER_MISMATCH"
  | "ENVELOPE_INVALID_ARGUMENT";

export class EnvelopeError extends PhalaError<EnvelopeErrorCode> {
  override readonly name = "EnvelopeError";
}

/** `ciphertext` is the AES-256-GCM ciphertext followed by its 16-byte tag. */
export interface Envelope {
  readonly senderPublic: Uint8Array;
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
}

export const envelopeCodec = Struct({
  senderPublic: Bytes(X25519_KEY_LENGTH),
  iv: Bytes(ENVELOPE_IV_LENGTH),
  ciphertext: Bytes(),
});

const DOMAIN_BYTES = utf8(ENVELOPE_DOMAIN);

function malformed(reason: string, details: Record<string, unknown> = {}, cause?: unknown): EnvelopeError {
  return new EnvelopeError("ENVELOPE_MALFORMED", `malformed envelope: ${reason}`, details, { cause });
}

export function decryptFailed(cause?: unknown): EnvelopeError {
  return new EnvelopeError("ENVELOPE_DECRYPT_FAILED", "envelope decryption failed", {}, { cause });
}

function checkShape(envelope: Envelope): Envelope {
  const { senderPublic, iv, ciphertext } = envelope;
  if (!(senderPublic instanceof Uint8Array) || senderPublic.length !== X25519_KEY_LENGTH) {
    throw malformed("sender public key must be 32 bytes");
  }
  if (!(iv instanceof Uint8Array) || iv.length !== ENVELOPE_IV_LENGTH) throw malformed("iv must be 12 bytes");
  if (!(ciphertext instanceof Uint8Array) || ciphertext.length < ENVELOPE_TAG_LENGTH) {
    throw malformed("ciphertext is shorter than the 16-byte tag");
  }
  return envelope;
}

/** `envelopeCodec.enc`, written directly (the shape is checked, so the fixed fields are whole). */
export function encodeEnvelope(envelope: Envelope): Uint8Array {
  const { senderPublic, iv, ciphertext } = checkShape(envelope);
  return scaleBytes([senderPublic, iv, ciphertext.length, ciphertext]);
}

/** Truncated, over-long or malformed SCALE → ScaleDecodeError; a ciphertext shorter than the tag → EnvelopeError. */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  return checkShape(readEnvelope(bytes) ?? decodeExact(envelopeCodec.dec, bytes, "Envelope"));
}

const HEAD_LENGTH = X25519_KEY_LENGTH + ENVELOPE_IV_LENGTH;

/**
 * `envelopeCodec.dec` for input it decodes exactly (each field a plain copy, as the codec makes),
 * without its per-call machinery; undefined for anything else, which the codec then decodes or
 * refuses with its own error.
 */
function readEnvelope(bytes: Uint8Array): Envelope | undefined {
  if (!(bytes instanceof Uint8Array) || bytes.length <= HEAD_LENGTH) return undefined;
  const at = (i: number) => bytes[HEAD_LENGTH + i] ?? 0;
  const mode = at(0) & 3;
  if (mode === 3) return undefined;
  // SCALE compact: the low two bits say 1, 2 or 4 bytes, little-endian; the value is the rest.
  const prefix = 1 << mode;
  const word =
    mode === 0 ? at(0) : mode === 1 ? at(0) | (at(1) << 8) : at(0) | (at(1) << 8) | (at(2) << 16) | (at(3) << 24);
  const start = HEAD_LENGTH + prefix;
  if (start + (word >>> 2) !== bytes.length) return undefined;
  const copy = (from: number, to?: number) => new Uint8Array(bytes.subarray(from, to));
  return {
    senderPublic: copy(0, X25519_KEY_LENGTH),
    iv: copy(X25519_KEY_LENGTH, HEAD_LENGTH),
    ciphertext: copy(start),
  };
}

export function purposeBytes(purpose: string): Uint8Array {
  const bytes = typeof purpose === "string" ? utf8(purpose) : undefined;
  if (bytes === undefined || bytes.length === 0 || bytes.length > ENVELOPE_MAX_PURPOSE_LENGTH) {
    throw new EnvelopeError(
      "ENVELOPE_INVALID_ARGUMENT",
      `envelope purpose must be 1..${ENVELOPE_MAX_PURPOSE_LENGTH} UTF-8 bytes`,
      { length: bytes?.length ?? -1 },
    );
  }
  return bytes;
}

function toKeypair(secret: Uint8Array | X25519Keypair): X25519Keypair {
  return secret instanceof Uint8Array ? x25519FromSecret(secret) : secret;
}

/**
 * key = HKDF-SHA256(ikm = X25519(sender, recipient), salt = senderPublic ++ recipientPublic,
 * info = SCALE((domain, purpose)), L = 32). The raw public-key bytes go into the salt (and the AAD)
 * because X25519 ignores the top bit of the u-coordinate: two encodings share one shared secret.
 */
export function envelopeKey(
  shared: Uint8Array,
  senderPublic: Uint8Array,
  recipientPublic: Uint8Array,
  purpose: Uint8Array,
): Uint8Array {
  const salt = new Uint8Array(2 * X25519_KEY_LENGTH);
  salt.set(senderPublic, 0);
  salt.set(recipientPublic, X25519_KEY_LENGTH);
  // SCALE((domain: Vec<u8>, purpose: Vec<u8>))
  const info = scaleBytes([DOMAIN_BYTES.length, DOMAIN_BYTES, purpose.length, purpose]);
  const key = hkdfSha256(shared, salt, info, 32);
  shared.fill(0);
  return key;
}

/** SCALE((domain: Vec<u8>, senderPublic: [u8; 32], recipientPublic: [u8; 32], purpose: Vec<u8>)). */
export function envelopeAad(senderPublic: Uint8Array, recipientPublic: Uint8Array, purpose: Uint8Array): Uint8Array {
  return scaleBytes([
    DOMAIN_BYTES.length,
    DOMAIN_BYTES,
    senderPublic.subarray(0, X25519_KEY_LENGTH),
    recipientPublic.subarray(0, X25519_KEY_LENGTH),
    purpose.length,
    purpose,
  ]);
}

export interface SealEnvelopeOptions {
  readonly recipientPublic: Uint8Array;
  readonly purpose: string;
  readonly plaintext: Uint8Array;
  /** Omit for a fresh ephemeral sender key. */
  readonly senderSecret?: Uint8Array | X25519Keypair;
  /**
   * Omit for 12 random bytes. A caller-chosen iv must never repeat for the same sender, recipient
   * and purpose: under AES-GCM a repeated (key, iv) pair leaks plaintext and the authentication key.
   */
  readonly iv?: Uint8Array;
}

/** A copy of the caller's iv (checked), or 12 random bytes. */
export function envelopeIv(iv: Uint8Array | undefined): Uint8Array {
  if (iv === undefined) return publicRandomBytes(ENVELOPE_IV_LENGTH);
  if (!(iv instanceof Uint8Array && iv.length === ENVELOPE_IV_LENGTH)) {
    throw new EnvelopeError("ENVELOPE_INVALID_ARGUMENT", "envelope iv must be 12 bytes", {
      length: iv instanceof Uint8Array ? iv.length : -1,
    });
  }
  return iv.slice();
}

/** AES-256-GCM: the ciphertext followed by its 16-byte tag. */
export function gcmSeal(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: ENVELOPE_TAG_LENGTH });
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const tail = cipher.final();
  const ciphertext = new Uint8Array(body.length + tail.length + ENVELOPE_TAG_LENGTH);
  ciphertext.set(body, 0);
  ciphertext.set(tail, body.length);
  ciphertext.set(cipher.getAuthTag(), body.length + tail.length);
  return ciphertext;
}

/** The plaintext of `gcmSeal`'s output, or ENVELOPE_DECRYPT_FAILED; never partial plaintext. */
export function gcmOpen(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: ENVELOPE_TAG_LENGTH });
  const bodyLength = ciphertext.length - ENVELOPE_TAG_LENGTH;
  decipher.setAAD(aad);
  decipher.setAuthTag(ciphertext.subarray(bodyLength));
  const body = decipher.update(ciphertext.subarray(0, bodyLength));
  try {
    decipher.final();
  } catch (cause) {
    body.fill(0);
    throw decryptFailed(cause);
  }
  // Hand out the whole backing buffer only when the plaintext owns it; otherwise copy.
  if (body.byteOffset === 0 && body.byteLength === body.buffer.byteLength) return new Uint8Array(body.buffer);
  const plaintext = new Uint8Array(body);
  body.fill(0);
  return plaintext;
}

export function sealEnvelope(options: SealEnvelopeOptions): Envelope {
  const { recipientPublic, plaintext } = options;
  assertLength(recipientPublic, X25519_KEY_LENGTH, "recipient public key");
  const purpose = purposeBytes(options.purpose);
  const iv = envelopeIv(options.iv);
  const sender = options.senderSecret === undefined ? x25519Ephemeral() : toKeypair(options.senderSecret);
  const senderPublic = sender.publicKey;

  const key = envelopeKey(sender.sharedSecret(recipientPublic), senderPublic, recipientPublic, purpose);
  const ciphertext = gcmSeal(key, iv, envelopeAad(senderPublic, recipientPublic, purpose), plaintext);
  key.fill(0);
  return { senderPublic: senderPublic.slice(), iv, ciphertext };
}

export interface OpenEnvelopeOptions {
  readonly recipientSecret: Uint8Array | X25519Keypair;
  readonly envelope: Envelope | Uint8Array;
  readonly purpose: string;
  /** When given, an envelope from any other sender key is rejected before decryption. */
  readonly expectedSender?: Uint8Array;
}

/**
 * Returns the plaintext, or throws an EnvelopeError; never returns partial plaintext.
 * A wrong-length recipient secret or expected sender is a caller bug and throws InvalidKeyError.
 */
export function openEnvelope(options: OpenEnvelopeOptions): Uint8Array {
  const recipient = toKeypair(options.recipientSecret);
  const purpose = purposeBytes(options.purpose);
  const { expectedSender } = options;
  if (expectedSender !== undefined) assertLength(expectedSender, X25519_KEY_LENGTH, "expected sender public key");

  const envelope = toEnvelope(options.envelope);
  const { senderPublic, iv, ciphertext } = envelope;
  if (expectedSender !== undefined && !equalBytes(senderPublic, expectedSender)) {
    throw new EnvelopeError("ENVELOPE_SENDER_MISMATCH", "envelope was not sealed by the expected sender");
  }

  let shared: Uint8Array;
  try {
    shared = recipient.sharedSecret(senderPublic);
  } catch (cause) {
    if (cause instanceof X25519Error) throw decryptFailed(cause);
    throw cause;
  }
  const recipientPublic = recipient.publicKey;
  const key = envelopeKey(shared, senderPublic, recipientPublic, purpose);
  try {
    return gcmOpen(key, iv, envelopeAad(senderPublic, recipientPublic, purpose), ciphertext);
  } finally {
    key.fill(0);
  }
}

/** An envelope as given, shape-checked, or decoded from bytes (ENVELOPE_MALFORMED when it cannot be). */
export function toEnvelope(envelope: Envelope | Uint8Array): Envelope {
  if (!(envelope instanceof Uint8Array)) return checkShape(envelope);
  try {
    return decodeEnvelope(envelope);
  } catch (cause) {
    if (cause instanceof EnvelopeError) throw cause;
    throw malformed("cannot decode", { length: envelope.length }, cause);
  }
}
