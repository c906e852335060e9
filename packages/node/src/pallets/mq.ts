import {
  decodeExact,
  encodeMessageOrigin,
  equalBytes,
  isOnChainOnlyTopic,
  MAX_PAYLOAD_BYTES,
  type Message,
  type MessageOrigin,
  messageCodec,
  messageOriginCodec,
  type SignedMessage,
  signedMessageCodec,
  topicToString,
  verifySignedMessage,
} from "@phala-ts/core";
import type { Codec } from "@polkadot-api/substrate-bindings";
import type { VerifiedMessages } from "../chain/verifiedMessages.js";
import type { ExecutionContext } from "../runtime/context.js";
import { DispatchError, PalletErrors } from "../runtime/dispatchError.js";
import { bindStorage, call, definePallet } from "../runtime/pallet.js";
import { AccountId32, type TypeOf, t } from "../runtime/scaleType.js";
import { type StorageReader, storageMap, storageValue } from "../runtime/storageItem.js";
import { DB_READ, DB_WRITE, weight } from "../runtime/weight.js";
import { PALLET_INDEX } from "./palletIndices.js";

const id32 = t.fixed(32);
const MessageOriginShape = t.variant(["phala_mq", "types", "MessageOrigin"], {
  Pallet: [0, t.bytes],
  Contract: [1, id32],
  Worker: [2, id32],
  AccountId: [3, AccountId32],
  Gatekeeper: [5],
  Cluster: [6, id32],
});
export const MessageOriginType = t.withCodec(messageOriginCodec, MessageOriginShape);
export const MessageType = t.withCodec(
  messageCodec,
  t.struct(["phala_mq", "types", "Message"], { sender: MessageOriginShape, destination: t.bytes, payload: t.bytes }),
);
export const SignedMessageType = t.withCodec(
  signedMessageCodec,
  t.struct(["phala_mq", "types", "SignedMessage"], { message: MessageType, sequence: t.u64, signature: t.fixed(64) }),
);

const storage = bindStorage("PhalaMq", {
  OffchainIngress: storageMap("Blake2_128Concat", MessageOriginType, t.u64, {
    default: 0n,
    docs: "The next expected sequence of a sender's offchain messages.",
  }),
  OutboundMessages: storageValue(t.vec(MessageType), {
    default: [],
    docs: "Messages of the current block, for pRuntime to read from verified state; cleared at block start.",
  }),
});

const errors = new PalletErrors("PhalaMq", PALLET_INDEX.PhalaMq, [
  "BadSender",
  "BadSequence",
  "BadDestination",
  "BadSignature",
  "PayloadTooLarge",
  // Batches (sync_offchain_messages); appended so that the indices above stay put.
  "EmptyBatch",
  "BatchTooLarge",
  "MixedSenders",
  "SequenceGap",
]);

const events = t.variant(["phala_pallets", "mq", "Event"], {
  MessageQueued: [0, { sender: MessageOriginType, destination: t.bytes, sequence: t.option(t.u64) }],
});

/** Largest payload accepted into the queue, so a block's messages stay bounded (core's, which pRuntimes pack to). */
export { MAX_PAYLOAD_BYTES };

/** Most messages in one `sync_offchain_messages` batch. */
export const MAX_BATCH_MESSAGES = 64;

/**
 * Most payload bytes (summed) in one batch: eight full-size messages, so that a batch stays far
 * below the block producer's byte budget and the node's largest extrinsic.
 */
export const MAX_BATCH_PAYLOAD_BYTES = 512 * 1024;

/** The weight of accepting one offchain message; a batch weighs the sum of its messages. */
function signedMessageWeight(signed: SignedMessage): bigint {
  return DB_READ.refTime * 2n + DB_WRITE.refTime * 2n + 50_000_000n + BigInt(signed.message.payload.length) * 1_000n;
}

/**
 * The public key that signs a sender's offchain messages, or undefined when the sender cannot
 * sign (yet): a worker signs with its identity key; gatekeeper, cluster and contract keys come
 * from chain state once they are published (the runtime's resolver is senderKeys.ts).
 */
export type SenderKeyResolver = (state: StorageReader, sender: MessageOrigin) => Uint8Array | undefined;

export const workerKeyResolver: SenderKeyResolver = (_state, sender) =>
  sender.type === "Worker" ? sender.value : undefined;

/**
 * A pallet's handler for messages on an on-chain-only (`^…`) topic. It must never throw: the
 * message is signed by an attested enclave and its sequence must be taken whatever the verdict,
 * or the sender's later messages would wait behind it forever. A refusal is an event that changes
 * nothing else.
 */
export type OnChainHandler = (exec: ExecutionContext, message: Message) => void;

/** An on-chain message's payload, decoded exactly; undefined when it is malformed (trailing bytes too). */
export function decodeOnChainPayload<T>(codec: Codec<T>, payload: Uint8Array, what: string): T | undefined {
  try {
    return decodeExact(codec.dec, payload, what);
  } catch {
    return undefined;
  }
}

function queue(exec: ExecutionContext, message: Message, sequence: bigint | undefined): void {
  if (message.destination.length === 0 || isOnChainOnlyTopic(message.destination)) throw errors.error("BadDestination");
  if (message.payload.length > MAX_PAYLOAD_BYTES) throw errors.error("PayloadTooLarge");
  // Appended without decoding what the block queued so far (the bytes are those of a re-encode).
  storage.OutboundMessages.append(exec.state, message);
  exec.deposit("PhalaMq", {
    type: "MessageQueued",
    value: { sender: message.sender, destination: message.destination, sequence },
  });
}

/** The expected sequence check, exported for the transaction pool's tags. */
export function expectedSequence(state: StorageReader, sender: MessageOrigin): bigint {
  return storage.OffchainIngress.get(state, sender);
}

export interface MqOptions {
  readonly resolveSenderKey?: SenderKeyResolver;
  /** Handlers for `^topic` messages, which pallets consume and pRuntimes never see. */
  readonly onChainHandlers?: ReadonlyMap<string, OnChainHandler>;
}

/** The message queue: the canonical, ordered channel between the chain and pRuntimes. */
export function createMq({ resolveSenderKey = workerKeyResolver, onChainHandlers = new Map() }: MqOptions = {}) {
  const pallet = definePallet({
    name: "PhalaMq",
    index: PALLET_INDEX.PhalaMq,
    docs: "The canonical, ordered message queue between the chain and the pRuntimes.",
    storage,
    events,
    errors,
    constants: {
      MaxPayloadBytes: { type: t.u32, value: MAX_PAYLOAD_BYTES },
      MaxBatchMessages: {
        type: t.u32,
        value: MAX_BATCH_MESSAGES,
        docs: "Most messages in one sync_offchain_messages batch.",
      },
      MaxBatchPayloadBytes: {
        type: t.u32,
        value: MAX_BATCH_PAYLOAD_BYTES,
        docs: "Most payload bytes, summed over its messages, in one sync_offchain_messages batch.",
      },
    },
    calls: {
      syncOffchainMessage: call({
        index: 0,
        args: { signedMessage: SignedMessageType },
        origin: "signed",
        weight: (args) => weight(signedMessageWeight(args.signedMessage)),
        docs: "Accept a message signed by an offchain sender (a pRuntime) if its sequence is the next expected.",
        execute({ exec }, { signedMessage }) {
          acceptSigned(exec, signedMessage, resolveSenderKey, onChainHandlers);
        },
      }),
      pushMessage: call({
        index: 1,
        args: { destination: t.bytes, payload: t.bytes },
        origin: "signed",
        weight: (args) => weight(DB_READ.refTime + DB_WRITE.refTime + BigInt(args.payload.length) * 1_000n),
        docs: "Queue a message from the signing account (e.g. an encrypted contract command).",
        execute({ exec, origin }, { destination, payload }) {
          if (origin.kind !== "signed") throw DispatchError.badOrigin();
          pushAccountMessage(exec, origin.who, destination, payload);
        },
      }),
      syncOffchainMessages: call({
        index: 2,
        args: { signedMessages: t.vec(SignedMessageType) },
        origin: "signed",
        weight: (args) => weight(args.signedMessages.reduce((sum, signed) => sum + signedMessageWeight(signed), 0n)),
        docs: "Accept consecutive messages of one offchain sender, from its next expected sequence, all or none.",
        execute({ exec }, { signedMessages }) {
          const rejection = checkBatchShape(signedMessages);
          if (rejection !== undefined) throw errors.error(rejection);
          // Each message is taken as sync_offchain_message takes it (its handler sees the effects of
          // the ones before it); a refusal fails the call, whose transaction drops them all.
          for (const signed of signedMessages) acceptSigned(exec, signed, resolveSenderKey, onChainHandlers);
        },
      }),
    },
    hooks: {
      onInitialize(exec) {
        storage.OutboundMessages.remove(exec.state);
      },
    },
  });
  return Object.assign(pallet, {
    /** The pool's pre-check: the same sender, sequence and signature rules as dispatch, read-only. */
    checkSignedMessage: (state: StorageReader, signed: SignedMessage, verified?: VerifiedMessages) =>
      checkSigned(state, signed, resolveSenderKey, verified),
    /**
     * The pool's pre-check of a batch whose first message is next in line: its shape, then each
     * message as dispatch would check it, in order. Messages after the first one on an on-chain
     * topic are checked for their shape only: its handler may change the sender's key (a master
     * key rotation), which dispatch, running the handler first, will see and this read cannot.
     */
    checkSignedBatch: (
      state: StorageReader,
      batch: readonly SignedMessage[],
      verified?: VerifiedMessages,
    ): MqBatchRejection | undefined => {
      const shape = checkBatchShape(batch);
      if (shape !== undefined) return shape;
      for (const signed of batch) {
        const ahead = signed.sequence - batch[0]!.sequence;
        const rejection = checkSigned(state, signed, resolveSenderKey, verified, ahead);
        if (rejection !== undefined) return rejection;
        if (isOnChainOnlyTopic(signed.message.destination)) break;
      }
      return undefined;
    },
    /**
     * Each message's signature through `verified` under its sender's key now, whatever its
     * sequence: run with a deferring view (`VerifiedMessages.deferringTo`) by the pool, ahead of
     * the block that will check them in order, so that the block finds them verified.
     */
    checkSignatures: (state: StorageReader, batch: readonly SignedMessage[], verified: VerifiedMessages): void => {
      for (const signed of batch) {
        const { sender } = signed.message;
        if (sender.type === "AccountId" || sender.type === "Pallet") continue;
        const key = resolveSenderKey(state, sender);
        if (key !== undefined) verified.verify(signed, key);
      }
    },
  });
}

export type MqRejection = "BadSender" | "BadSequence" | "BadSignature";
export type MqBatchRejection = MqRejection | "EmptyBatch" | "BatchTooLarge" | "MixedSenders" | "SequenceGap";

/**
 * Why a batch is malformed whatever the chain's state, or undefined: empty, over the bounds,
 * more than one sender, or sequences that do not follow each other.
 */
export function checkBatchShape(
  batch: readonly SignedMessage[],
): "EmptyBatch" | "BatchTooLarge" | "MixedSenders" | "SequenceGap" | undefined {
  const first = batch[0];
  if (first === undefined) return "EmptyBatch";
  if (batch.length > MAX_BATCH_MESSAGES) return "BatchTooLarge";
  let payloadBytes = 0;
  for (const signed of batch) payloadBytes += signed.message.payload.length;
  if (payloadBytes > MAX_BATCH_PAYLOAD_BYTES) return "BatchTooLarge";
  const sender = encodeMessageOrigin(first.message.sender);
  for (const [i, signed] of batch.entries()) {
    if (i > 0 && !equalBytes(encodeMessageOrigin(signed.message.sender), sender)) return "MixedSenders";
  }
  for (const [i, signed] of batch.entries()) {
    if (signed.sequence !== first.sequence + BigInt(i)) return "SequenceGap";
  }
  return undefined;
}

/** Why `signed` would be refused now, or undefined when it would be accepted. */
function checkSigned(
  state: StorageReader,
  signed: SignedMessage,
  resolveSenderKey: SenderKeyResolver,
  /** Signatures this node already verified (the pool's, for the producer); absent: verify. */
  verified: VerifiedMessages | undefined,
  /** Messages of this sender taken before this one, beyond `state` (earlier in a batch). */
  ahead = 0n,
): MqRejection | undefined {
  const { sender } = signed.message;
  if (sender.type === "AccountId" || sender.type === "Pallet") return "BadSender";
  const key = resolveSenderKey(state, sender);
  if (key === undefined) return "BadSender";
  if (signed.sequence !== storage.OffchainIngress.get(state, sender) + ahead) return "BadSequence";
  if (!(verified === undefined ? verifySignedMessage(signed, key) : verified.verify(signed, key))) {
    return "BadSignature";
  }
  return undefined;
}

function acceptSigned(
  exec: ExecutionContext,
  signed: SignedMessage,
  resolveSenderKey: SenderKeyResolver,
  onChainHandlers: ReadonlyMap<string, OnChainHandler>,
): void {
  const rejection = checkSigned(exec.state, signed, resolveSenderKey, exec.verifiedMessages);
  if (rejection !== undefined) throw errors.error(rejection);
  const { sender } = signed.message;
  storage.OffchainIngress.set(exec.state, sender, signed.sequence + 1n);
  const { destination } = signed.message;
  if (!isOnChainOnlyTopic(destination)) {
    queue(exec, signed.message, signed.sequence);
    return;
  }
  const handler = onChainHandlers.get(topicToString(destination));
  if (handler === undefined) throw errors.error("BadDestination");
  handler(exec, signed.message);
}

/**
 * Queues a message under an account's origin (`AccountId(who)`), as `push_message` does: for
 * pallets that queue what an account sent them (a contract command from its caller).
 */
export function pushAccountMessage(
  exec: ExecutionContext,
  who: Uint8Array,
  destination: Uint8Array,
  payload: Uint8Array,
): void {
  queue(exec, { sender: { type: "AccountId", value: who }, destination, payload }, undefined);
}

/** Lets other pallets queue messages under their own origin. */
export function pushPalletMessage(
  exec: ExecutionContext,
  pallet: string,
  destination: Uint8Array,
  payload: Uint8Array,
): void {
  queue(exec, { sender: { type: "Pallet", value: new TextEncoder().encode(pallet) }, destination, payload }, undefined);
}

export const mqStorage = storage;
export type MqEvent = TypeOf<typeof events>;
