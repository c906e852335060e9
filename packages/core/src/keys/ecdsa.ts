import { secp256k1 } from "@noble/curves/secp256k1.js";
import { concatBytes, equalBytes } from "../bytes/bytes.js";
import { blake2_256 } from "../hashing/hashes.js";
import { assertLength } from "./ed25519.js";
import { InvalidKeyMaterialError } from "./keyErrors.js";

/** Substrate's `ecdsa::Pair`: secp256k1, 33-byte compressed public key, 65-byte r || s || v signatures. */
export interface EcdsaKeypair {
  readonly type: "ecdsa";
  /** 33-byte compressed public key. */
  readonly publicKey: Uint8Array;
  /** blake2_256(compressed public key), as Substrate's `MultiSigner::Ecdsa` maps it into an AccountId32. */
  readonly accountId: Uint8Array;
  /** Signs blake2_256(message); deterministic (RFC 6979, low-s), like libsecp256k1. */
  sign(message: Uint8Array): Uint8Array;
  /** Signs a 32-byte digest as is. */
  signPrehashed(hash: Uint8Array): Uint8Array;
}

class NobleEcdsaKeypair implements EcdsaKeypair {
  readonly type = "ecdsa" as const;
  readonly publicKey: Uint8Array;
  readonly accountId: Uint8Array;
  readonly #secretKey: Uint8Array;

  constructor(secretKey: Uint8Array) {
    this.#secretKey = secretKey;
    this.publicKey = secp256k1.getPublicKey(secretKey, true);
    this.accountId = blake2_256(this.publicKey);
  }

  sign(message: Uint8Array): Uint8Array {
    return this.signPrehashed(blake2_256(message));
  }

  signPrehashed(hash: Uint8Array): Uint8Array {
    assertLength(hash, 32, "ecdsa message hash");
    // noble's "recovered" layout is v || r || s; Substrate's is r || s || v.
    const vrs = secp256k1.sign(hash, this.#secretKey, { prehash: false, format: "recovered" });
    return concatBytes(vrs.subarray(1), vrs.subarray(0, 1));
  }
}

/** The seed is the secp256k1 secret key itself (sp_core `ecdsa::Pair::from_seed`). */
export function ecdsaFromSeed(seed: Uint8Array): EcdsaKeypair {
  assertLength(seed, 32, "ecdsa seed");
  if (!secp256k1.utils.isValidSecretKey(seed)) {
    throw new InvalidKeyMaterialError("ecdsa seed", "not a secp256k1 scalar in [1, n-1]");
  }
  return new NobleEcdsaKeypair(Uint8Array.from(seed));
}

export function ecdsaAccountId(publicKey: Uint8Array): Uint8Array {
  assertLength(publicKey, 33, "ecdsa public key");
  return blake2_256(publicKey);
}

function recoverCompressed(signature: Uint8Array, hash: Uint8Array, recovery: number): Uint8Array | undefined {
  try {
    return secp256k1.Signature.fromBytes(signature.subarray(0, 64), "compact")
      .addRecoveryBit(recovery)
      .recoverPublicKey(hash)
      .toBytes(true);
  } catch {
    return undefined;
  }
}

function isSignatureAndHash(signature: unknown, hash: unknown): signature is Uint8Array {
  return signature instanceof Uint8Array && hash instanceof Uint8Array && signature.length === 65 && hash.length === 32;
}

/**
 * The compressed public key that produced `signature` over the 32-byte `hash`, or undefined.
 * As sp_core's `Signature::recover_prehashed`: v must be 0..3; high-s is accepted (libsecp256k1
 * recovery does not normalize s).
 */
export function ecdsaRecoverPrehashed(signature: Uint8Array, hash: Uint8Array): Uint8Array | undefined {
  if (!isSignatureAndHash(signature, hash) || signature[64]! > 3) return undefined;
  return recoverCompressed(signature, hash, signature[64]!);
}

/**
 * sp_io `secp256k1_ecdsa_recover_compressed`, which the runtime's `MultiSignature::verify` uses:
 * like {@link ecdsaRecoverPrehashed} but v may also be 27..30 (Ethereum style), read as v - 27.
 */
export function secp256k1EcdsaRecoverCompressed(signature: Uint8Array, hash: Uint8Array): Uint8Array | undefined {
  if (!isSignatureAndHash(signature, hash)) return undefined;
  const v = signature[64]!;
  const recovery = v > 26 ? v - 27 : v;
  if (recovery > 3) return undefined;
  return recoverCompressed(signature, hash, recovery);
}

/** Recovers from blake2_256(message), as Substrate's ecdsa signatures are made. */
export function ecdsaRecover(signature: Uint8Array, message: Uint8Array): Uint8Array | undefined {
  if (!(message instanceof Uint8Array)) return undefined;
  return ecdsaRecoverPrehashed(signature, blake2_256(message));
}

/** True when `signature` over blake2_256(message) recovers to the 33-byte compressed `publicKey`. */
export function ecdsaVerify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 33) return false;
  const recovered = ecdsaRecover(signature, message);
  return recovered !== undefined && equalBytes(recovered, publicKey);
}
