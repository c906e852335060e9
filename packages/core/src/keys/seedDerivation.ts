import { Bytes, str, Tuple } from "@polkadot-api/substrate-bindings";
import { blake2_256 } from "../hashing/hashes.js";
import { assertLength } from "./ed25519.js";

// Substrate: `(label, seed, chain_code).using_encoded(blake2_256)` with a SCALE string label.
const HardDerivationInput = Tuple(str, Bytes(32), Bytes(32));

function deriveHardSeed(label: string, seed: Uint8Array, chainCode: Uint8Array): Uint8Array {
  assertLength(seed, 32, `${label} seed`);
  assertLength(chainCode, 32, `${label} chain code`);
  return blake2_256(HardDerivationInput.enc([label, seed, chainCode]));
}

/** sp_core ed25519 `//junction`: the child seed. */
export function ed25519DeriveHardSeed(seed: Uint8Array, chainCode: Uint8Array): Uint8Array {
  return deriveHardSeed("Ed25519HDKD", seed, chainCode);
}

/** sp_core ecdsa `//junction`: the child seed (secret key). */
export function ecdsaDeriveHardSeed(seed: Uint8Array, chainCode: Uint8Array): Uint8Array {
  return deriveHardSeed("Secp256k1HDKD", seed, chainCode);
}
