import { concatBytes, type SignedMessage, signedMessageCodec } from "@phala-ts/core";
import { Bytes } from "@polkadot-api/substrate-bindings";
import type { ChainMetadata } from "./chainMetadata.js";

/** `PhalaMq.sync_offchain_message(signed_message)`: hands the chain one egress message. */
export function syncOffchainMessageCall(metadata: ChainMetadata, message: SignedMessage): Uint8Array {
  return concatBytes(
    metadata.callIndex("PhalaMq", "sync_offchain_message", ["signed_message"]),
    signedMessageCodec.enc(message),
  );
}

/**
 * `PhalaRegistry.register_worker(pruntime_info, attestation)`, with the info exactly as pRuntime
 * encoded it: the attestation's report_data commits to those bytes.
 */
export function registerWorkerCall(metadata: ChainMetadata, info: Uint8Array, attestation: Uint8Array): Uint8Array {
  return concatBytes(
    metadata.callIndex("PhalaRegistry", "register_worker", ["pruntime_info", "attestation"]),
    info,
    Bytes().enc(attestation),
  );
}
