import { str, u64 } from "@polkadot-api/substrate-bindings";
import { blake2_256 } from "../hashing/hashes.js";

/** One step of a derivation path: `//code` is hard, `/code` soft; `chainCode` is always 32 bytes. */
export interface DeriveJunction {
  readonly hard: boolean;
  readonly chainCode: Uint8Array;
}

const U64_MAX = 2n ** 64n - 1n;
// Rust's `str::parse::<u64>`: ASCII digits with an optional leading '+'.
const RUST_U64 = /^\+?[0-9]+$/;

/** sp_core `DeriveJunction::soft(index)`: the SCALE encoding, blake2_256'd when over 32 bytes, zero-padded. */
export function junctionChainCode(code: string): Uint8Array {
  let encoded: Uint8Array;
  if (RUST_U64.test(code) && BigInt(code) <= U64_MAX) {
    encoded = u64.enc(BigInt(code));
  } else {
    encoded = str.enc(code);
  }
  if (encoded.length > 32) return blake2_256(encoded);
  const chainCode = new Uint8Array(32);
  chainCode.set(encoded);
  return chainCode;
}

/** From the text after a path's first '/', as sp_core does: a second leading '/' makes it hard. */
export function deriveJunction(text: string): DeriveJunction {
  const hard = text.startsWith("/");
  return { hard, chainCode: junctionChainCode(hard ? text.slice(1) : text) };
}

export function hardJunction(code: string): DeriveJunction {
  return { hard: true, chainCode: junctionChainCode(code) };
}

export function softJunction(code: string): DeriveJunction {
  return { hard: false, chainCode: junctionChainCode(code) };
}
