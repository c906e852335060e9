import { concatBytes, fromHex, type SignedMessage, signedMessageCodec } from "@phala-ts/core";
import { Bytes, u32, Vector } from "@polkadot-api/substrate-bindings";
import type { ChainMetadata } from "./chainMetadata.js";

const signedMessagesCodec = Vector(signedMessageCodec);

/** `PhalaMq.sync_offchain_message(signed_message)`: hands the chain one egress message. */
export function syncOffchainMessageCall(metadata: ChainMetadata, message: SignedMessage): Uint8Array {
  return concatBytes(
    metadata.callIndex("PhalaMq", "sync_offchain_message", ["signed_message"]),
    signedMessageCodec.enc(message),
  );
}

/**
 * `PhalaMq.sync_offchain_messages(signed_messages)`: hands the chain consecutive egress messages
 * of one sender, which it takes all or none (see `mqBatchLimits` for how many).
 */
export function syncOffchainMessagesCall(metadata: ChainMetadata, messages: readonly SignedMessage[]): Uint8Array {
  return concatBytes(
    metadata.callIndex("PhalaMq", "sync_offchain_messages", ["signed_messages"]),
    signedMessagesCodec.enc([...messages]),
  );
}

/** How much one `sync_offchain_messages` may carry, as the chain's metadata declares it. */
export interface MqBatchLimits {
  /** Most messages in one batch; 1 when the chain has no batch call. */
  readonly maxMessages: number;
  /** Most payload bytes, summed over a batch's messages. */
  readonly maxPayloadBytes: number;
}

/** What a chain without the batch call takes: one message per extrinsic. */
export const SINGLE_MESSAGES: MqBatchLimits = { maxMessages: 1, maxPayloadBytes: 0 };

/**
 * The batch bounds from the chain's `PhalaMq` constants (`MaxBatchMessages`,
 * `MaxBatchPayloadBytes`); `SINGLE_MESSAGES` when the chain has no `sync_offchain_messages` (an
 * older runtime), so that pherry still relays, one message at a time.
 */
export function mqBatchLimits(metadata: ChainMetadata): MqBatchLimits {
  try {
    metadata.callIndex("PhalaMq", "sync_offchain_messages", ["signed_messages"]);
  } catch {
    return SINGLE_MESSAGES;
  }
  const constants = metadata.metadata.pallets.find((p) => p.name === "PhalaMq")?.constants ?? [];
  const constant = (name: string): number | undefined => {
    const value = constants.find((c) => c.name === name)?.value;
    if (value === undefined) return undefined;
    try {
      return u32.dec(fromHex(value));
    } catch {
      return undefined;
    }
  };
  const maxMessages = constant("MaxBatchMessages");
  const maxPayloadBytes = constant("MaxBatchPayloadBytes");
  if (maxMessages === undefined || maxPayloadBytes === undefined || maxMessages < 1) return SINGLE_MESSAGES;
  return { maxMessages, maxPayloadBytes };
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
