import { utf8 } from "../bytes/bytes.js";
import { blake2_256Parts } from "../hashing/hashes.js";
import { assertLength } from "../keys/ed25519.js";
import { scaleBytes } from "../scale/scaleBytes.js";
import { hkdfSha256 } from "./hkdf.js";

export const KDF_DOMAIN = "phala/kdf/v1";
export const DERIVED_KEY_LENGTH = 32;

/** Strings are taken as their UTF-8 bytes, so "a" and utf8("a") are the same segment. */
export type KdfPathSegment = string | Uint8Array;

const KDF_DOMAIN_BYTES = utf8(KDF_DOMAIN);
const EMPTY = new Uint8Array(0);

/** SCALE((domain: Vec<u8>, path: Vec<Vec<u8>>)): length prefixes keep ["a","bc"] and ["ab","c"] apart. */
export function kdfInfo(path: readonly KdfPathSegment[]): Uint8Array {
  const parts: (Uint8Array | number)[] = [KDF_DOMAIN_BYTES.length, KDF_DOMAIN_BYTES, path.length];
  for (const segment of path) {
    const bytes = typeof segment === "string" ? utf8(segment) : segment;
    parts.push(bytes.length, bytes);
  }
  return scaleBytes(parts);
}

/** HKDF-SHA256(ikm = parent, salt = empty, info = kdfInfo(path), L = 32). */
export function deriveKey(parent: Uint8Array, path: readonly KdfPathSegment[]): Uint8Array {
  assertLength(parent, DERIVED_KEY_LENGTH, "parent key");
  return hkdfSha256(parent, EMPTY, kdfInfo(path), DERIVED_KEY_LENGTH);
}

export function clusterKeySeed(masterKey: Uint8Array, clusterId: Uint8Array): Uint8Array {
  assertLength(clusterId, 32, "cluster id");
  return deriveKey(masterKey, ["cluster_key", clusterId]);
}

export function contractKeySeed(clusterKey: Uint8Array, contract: Uint8Array): Uint8Array {
  assertLength(contract, 32, "contract id");
  return deriveKey(clusterKey, ["contract_key", contract]);
}

/** blake2-256(deployer ++ codeHash ++ clusterId ++ salt); the fixed widths make the join unambiguous. */
export function contractId(
  deployer: Uint8Array,
  codeHash: Uint8Array,
  clusterId: Uint8Array,
  salt: Uint8Array,
): Uint8Array {
  assertLength(deployer, 32, "deployer account id");
  assertLength(codeHash, 32, "code hash");
  assertLength(clusterId, 32, "cluster id");
  return blake2_256Parts([deployer, codeHash, clusterId, salt]);
}
