import { getPublicKey, HDKD, secretFromSeed, sign, verify } from "@scure/sr25519";
import { assertLength } from "./ed25519.js";
import { InvalidKeyMaterialError } from "./keyErrors.js";

export interface Sr25519Keypair {
  readonly type: "sr25519";
  readonly publicKey: Uint8Array;
  /** For sr25519 the AccountId32 is the public key itself. */
  readonly accountId: Uint8Array;
  /** Schnorrkel signature in the "substrate" signing context; randomized, so not reproducible. */
  sign(message: Uint8Array): Uint8Array;
  /** Substrate's `//junction`: the child's secret cannot be linked to the parent from public data. */
  deriveHard(chainCode: Uint8Array): Sr25519Keypair;
  /** Substrate's `/junction`: the child's public key follows from the parent's public key alone. */
  deriveSoft(chainCode: Uint8Array): Sr25519Keypair;
}

class ScureSr25519Keypair implements Sr25519Keypair {
  readonly type = "sr25519" as const;
  readonly publicKey: Uint8Array;
  readonly accountId: Uint8Array;
  // @scure/sr25519's 64-byte secret: canonical scalar || nonce.
  readonly #secretKey: Uint8Array;

  constructor(secretKey: Uint8Array) {
    this.#secretKey = secretKey;
    this.publicKey = getPublicKey(secretKey);
    this.accountId = this.publicKey;
  }

  sign(message: Uint8Array): Uint8Array {
    return sign(this.#secretKey, message);
  }

  deriveHard(chainCode: Uint8Array): Sr25519Keypair {
    assertLength(chainCode, 32, "sr25519 chain code");
    return new ScureSr25519Keypair(HDKD.secretHard(this.#secretKey, chainCode));
  }

  deriveSoft(chainCode: Uint8Array): Sr25519Keypair {
    assertLength(chainCode, 32, "sr25519 chain code");
    return new ScureSr25519Keypair(HDKD.secretSoft(this.#secretKey, chainCode));
  }
}

/** From a 32-byte mini-secret, expanded as schnorrkel's `ExpansionMode::Ed25519` (what Substrate does). */
export function sr25519FromSeed(miniSecret: Uint8Array): Sr25519Keypair {
  assertLength(miniSecret, 32, "sr25519 mini-secret");
  return new ScureSr25519Keypair(secretFromSeed(miniSecret));
}

/** The public key of `deriveSoft(chainCode)` computed from the parent's public key only. */
export function sr25519DerivePublicSoft(publicKey: Uint8Array, chainCode: Uint8Array): Uint8Array {
  assertLength(publicKey, 32, "sr25519 public key");
  assertLength(chainCode, 32, "sr25519 chain code");
  try {
    return HDKD.publicSoft(publicKey, chainCode);
  } catch (cause) {
    throw new InvalidKeyMaterialError("sr25519 public key", cause instanceof Error ? cause.message : String(cause));
  }
}

/** False for a wrong signature, a missing schnorrkel marker or bytes that are not a ristretto point. */
export function sr25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || !(message instanceof Uint8Array) || !(publicKey instanceof Uint8Array)) {
    return false;
  }
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return verify(message, signature, publicKey);
  } catch {
    return false;
  }
}
