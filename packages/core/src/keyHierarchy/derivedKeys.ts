import { deriveKey } from "../crypto/kdf.js";
import { type X25519Keypair, x25519FromSecret } from "../crypto/x25519.js";
import { type Ed25519Keypair, ed25519FromSeed } from "../keys/ed25519.js";

/**
 * The public half of a key in the hierarchy (master, cluster, contract): `pubkey` signs its
 * origin's messages (Ed25519), `ecdhPubkey` is what others encrypt to (X25519).
 */
export interface PublicKeys {
  readonly pubkey: Uint8Array;
  readonly ecdhPubkey: Uint8Array;
}

/** Both keypairs of a 32-byte secret of the hierarchy. */
export interface DerivedKeypairs {
  readonly identity: Ed25519Keypair;
  readonly ecdh: X25519Keypair;
}

/**
 * A master, cluster or contract secret is one 32-byte seed: the Ed25519 key is the seed itself,
 * the X25519 secret is KDF(seed, ["ecdh_key"]), so that the two keys never share bytes.
 */
export function keypairsFromSeed(seed: Uint8Array): DerivedKeypairs {
  const ecdhSecret = deriveKey(seed, ["ecdh_key"]);
  const ecdh = x25519FromSecret(ecdhSecret);
  ecdhSecret.fill(0);
  return { identity: ed25519FromSeed(seed), ecdh };
}

export function publicKeysFromSeed(seed: Uint8Array): PublicKeys {
  const { identity, ecdh } = keypairsFromSeed(seed);
  return { pubkey: identity.publicKey, ecdhPubkey: ecdh.publicKey };
}
