import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from "node:crypto";
import { PhalaError } from "../errors/phalaError.js";
import { assertLength } from "../keys/ed25519.js";

// RFC 8410 DER prefixes: PKCS#8 for a raw 32-byte X25519 secret, SPKI for a 32-byte public key.
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00]);

export const X25519_KEY_LENGTH = 32;

export class X25519Error extends PhalaError<"X25519_LOW_ORDER_POINT"> {
  override readonly name = "X25519Error";
  constructor(options?: { cause?: unknown }) {
    super(
      "X25519_LOW_ORDER_POINT",
      "x25519 shared secret is all zero: the peer public key is a low-order point",
      {},
      options,
    );
  }
}

export interface X25519Keypair {
  readonly type: "x25519";
  readonly publicKey: Uint8Array;
  /** Raw X25519 output (32 bytes); throws X25519Error for a low-order peer point. */
  sharedSecret(peerPublic: Uint8Array): Uint8Array;
}

function der(prefix: Uint8Array, key: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(prefix.length + key.length);
  out.set(prefix, 0);
  out.set(key, prefix.length);
  return out;
}

/**
 * The peer's key as a KeyObject. JWK, not DER: OpenSSL 3 decodes an SPKI through its generic
 * decoder chain, about 75 µs, where a JWK becomes a raw key in about 7 µs (same key, same checks).
 */
function x25519PublicKeyObject(publicKey: Uint8Array): KeyObject {
  const x = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString("base64url");
  return createPublicKey({ key: { kty: "OKP", crv: "X25519", x }, format: "jwk" });
}

function rawPublicKey(publicKey: KeyObject): Uint8Array {
  return new Uint8Array(publicKey.export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX.length));
}

class NodeX25519Keypair implements X25519Keypair {
  readonly type = "x25519" as const;
  readonly publicKey: Uint8Array;
  readonly #privateKey: KeyObject;

  constructor(privateKey: KeyObject, publicKey: KeyObject) {
    this.#privateKey = privateKey;
    this.publicKey = rawPublicKey(publicKey);
  }

  sharedSecret(peerPublic: Uint8Array): Uint8Array {
    assertLength(peerPublic, X25519_KEY_LENGTH, "x25519 peer public key");
    const publicKey = x25519PublicKeyObject(peerPublic);
    let raw: Buffer;
    try {
      raw = diffieHellman({ privateKey: this.#privateKey, publicKey });
    } catch (cause) {
      // OpenSSL refuses to derive when the result is all zero (RFC 7748 §6.1 check).
      throw new X25519Error({ cause });
    }
    let acc = 0;
    for (let i = 0; i < raw.length; i++) acc |= raw[i] as number;
    const out = new Uint8Array(raw);
    raw.fill(0);
    if (acc === 0) throw new X25519Error();
    return out;
  }
}

/** The secret is raw (unclamped); the X25519 primitive clamps it as RFC 7748 requires. */
export function x25519FromSecret(secret: Uint8Array): X25519Keypair {
  assertLength(secret, X25519_KEY_LENGTH, "x25519 secret");
  const privateKey = createPrivateKey({ key: der(PKCS8_PREFIX, secret), format: "der", type: "pkcs8" });
  return new NodeX25519Keypair(privateKey, createPublicKey(privateKey));
}

/** A fresh keypair whose secret never leaves its KeyObject (ephemeral senders). */
export function x25519Ephemeral(): X25519Keypair {
  const { privateKey, publicKey } = generateKeyPairSync("x25519");
  return new NodeX25519Keypair(privateKey, publicKey);
}

/** A fresh keypair together with its raw secret, for callers that must seal the secret. */
export function x25519Generate(): { secret: Uint8Array; keypair: X25519Keypair } {
  const { privateKey, publicKey } = generateKeyPairSync("x25519");
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
  const secret = new Uint8Array(pkcs8.subarray(PKCS8_PREFIX.length));
  pkcs8.fill(0);
  return { secret, keypair: new NodeX25519Keypair(privateKey, publicKey) };
}

export function x25519PublicKey(secret: Uint8Array): Uint8Array {
  return x25519FromSecret(secret).publicKey;
}

export function x25519SharedSecret(secret: Uint8Array, peerPublic: Uint8Array): Uint8Array {
  return x25519FromSecret(secret).sharedSecret(peerPublic);
}
