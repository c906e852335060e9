import { type EcdsaKeypair, ecdsaFromSeed } from "./ecdsa.js";
import { ed25519FromSeed } from "./ed25519.js";
import { UnknownKeyTypeError } from "./keyErrors.js";
import { type Sr25519Keypair, sr25519FromSeed } from "./sr25519.js";

export type KeypairType = "ed25519" | "sr25519" | "ecdsa";

export const KEYPAIR_TYPES: readonly KeypairType[] = ["ed25519", "sr25519", "ecdsa"];

/** What every signing key offers, whatever its scheme. */
export interface Keypair {
  readonly type: KeypairType;
  /** 32 bytes for ed25519 and sr25519, 33 (compressed) for ecdsa. */
  readonly publicKey: Uint8Array;
  /** The AccountId32 this key signs for on chain. */
  readonly accountId: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export interface Ed25519AccountKeypair extends Keypair {
  readonly type: "ed25519";
}

/** The existing ed25519 keypair with its AccountId32 (the public key itself). */
export function ed25519Keypair(seed: Uint8Array): Ed25519AccountKeypair {
  const inner = ed25519FromSeed(seed);
  return {
    type: "ed25519",
    publicKey: inner.publicKey,
    accountId: inner.publicKey,
    sign: (message) => inner.sign(message),
  };
}

/** The concrete keypair a scheme name stands for. */
export type KeypairOf<T extends KeypairType> = T extends "ed25519"
  ? Ed25519AccountKeypair
  : T extends "sr25519"
    ? Sr25519Keypair
    : T extends "ecdsa"
      ? EcdsaKeypair
      : Keypair;

/** A keypair of `type` from its 32-byte seed (ed25519 seed, sr25519 mini-secret, secp256k1 secret key). */
export function keypairFromSeed<T extends KeypairType>(type: T, seed: Uint8Array): KeypairOf<T>;
export function keypairFromSeed(type: KeypairType, seed: Uint8Array): Keypair {
  switch (type) {
    case "ed25519":
      return ed25519Keypair(seed);
    case "sr25519":
      return sr25519FromSeed(seed);
    case "ecdsa":
      return ecdsaFromSeed(seed);
    default:
      throw new UnknownKeyTypeError(type);
  }
}

export function isKeypairType(value: unknown): value is KeypairType {
  return value === "ed25519" || value === "sr25519" || value === "ecdsa";
}
