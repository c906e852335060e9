import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign, verify } from "node:crypto";
import { PhalaError } from "../errors/phalaError.js";

// RFC 8410 DER prefixes: PKCS#8 for a 32-byte Ed25519 seed, SPKI for a 32-byte public key.
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

export class InvalidKeyError extends PhalaError<"INVALID_KEY"> {
  override readonly name = "InvalidKeyError";
  constructor(what: string, expected: number, actual: number) {
    super("INVALID_KEY", `${what} must be ${expected} bytes, got ${actual}`, { what, expected, actual });
  }
}

export function assertLength(bytes: Uint8Array, expected: number, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== expected) {
    throw new InvalidKeyError(what, expected, bytes instanceof Uint8Array ? bytes.length : -1);
  }
}

function der(prefix: Uint8Array, key: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(prefix.length + key.length);
  out.set(prefix, 0);
  out.set(key, prefix.length);
  return out;
}

export interface Ed25519Keypair {
  readonly type: "ed25519";
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

class NodeEd25519Keypair implements Ed25519Keypair {
  readonly type = "ed25519" as const;
  readonly publicKey: Uint8Array;
  readonly #privateKey: KeyObject;

  constructor(seed: Uint8Array) {
    assertLength(seed, 32, "ed25519 seed");
    this.#privateKey = createPrivateKey({ key: der(PKCS8_PREFIX, seed), format: "der", type: "pkcs8" });
    const spki = createPublicKey(this.#privateKey).export({ format: "der", type: "spki" });
    this.publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX.length));
  }

  sign(message: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, message, this.#privateKey));
  }

  signAsync(message: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve, reject) =>
      sign(null, message, this.#privateKey, (error, signature) =>
        error === null ? resolve(new Uint8Array(signature)) : reject(error),
      ),
    );
  }
}

/**
 * `keypair.sign(message)` computed on libuv's thread pool, so that the event loop runs on
 * meanwhile; a keypair of another implementation than this module's signs synchronously.
 */
export function ed25519SignAsync(keypair: Ed25519Keypair, message: Uint8Array): Promise<Uint8Array> {
  return keypair instanceof NodeEd25519Keypair ? keypair.signAsync(message) : Promise.resolve(keypair.sign(message));
}

/** The secret seed stays inside a non-extractable-by-accident KeyObject. */
export function ed25519FromSeed(seed: Uint8Array): Ed25519Keypair {
  return new NodeEd25519Keypair(seed);
}

export function ed25519Generate(): { seed: Uint8Array; keypair: Ed25519Keypair } {
  const seed = new Uint8Array(randomBytes(32));
  return { seed, keypair: new NodeEd25519Keypair(seed) };
}

const publicKeyCache = new Map<string, KeyObject>();
const PUBLIC_KEY_CACHE_LIMIT = 4096;

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString("latin1");
  let key = publicKeyCache.get(id);
  if (key === undefined) {
    // JWK rather than SPKI DER: the same raw key, without OpenSSL 3's decoder chain (7 µs, not 75).
    const x = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString("base64url");
    key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
    if (publicKeyCache.size >= PUBLIC_KEY_CACHE_LIMIT) publicKeyCache.clear();
    publicKeyCache.set(id, key);
  }
  return key;
}

/** False for a wrong signature, a malformed signature or a public key that is not a curve point. */
export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return verify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}

/** `ed25519Verify` on libuv's thread pool, for callers that keep the event loop free meanwhile. */
export function ed25519VerifyAsync(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): Promise<boolean> {
  return new Promise((resolve) => {
    if (signature.length !== 64 || publicKey.length !== 32) return resolve(false);
    try {
      verify(null, message, publicKeyObject(publicKey), signature, (error, valid) => resolve(error === null && valid));
    } catch {
      resolve(false);
    }
  });
}
