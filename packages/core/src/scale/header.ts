import { type BlockHeader, blockHeader } from "@polkadot-api/substrate-bindings";
import { blake2_256 } from "../hashing/hashes.js";
import { decodeExact } from "./decodeExact.js";

/**
 * Substrate's header: `{parentHash, number (compact), stateRoot, extrinsicsRoot, digest}`, with
 * digest items `other`, `consensus`, `seal`, `preRuntime` and `runtimeUpdated`.
 */
export type Header = BlockHeader;
export type DigestItem = Header["digests"][number];

export function encodeHeader(header: Header): Uint8Array {
  return blockHeader.enc(header);
}

export function decodeHeader(bytes: Uint8Array): Header {
  return decodeExact(blockHeader.dec, bytes, "header");
}

/** Block hash: blake2-256 of the SCALE-encoded header. */
export function headerHash(header: Header | Uint8Array): Uint8Array {
  return blake2_256(header instanceof Uint8Array ? header : encodeHeader(header));
}
