import { decodeExact, equalBytes, messageOriginCodec, signedMessageCodec, Trie, toHex } from "@phala-ts/core";
import { Bytes, Option, Struct, str, Tuple, u8, u32, u64, Vector } from "@polkadot-api/substrate-bindings";
import type { ChainMirror } from "../chain/chainMirror.js";
import type { OutboxState } from "../dispatch/egressQueue.js";
import { hashedHeader } from "../lightClient/hashedHeader.js";
import { CheckpointError } from "./checkpointError.js";

/** 2: contract replies sent per block (CommandReplies); a version 1 checkpoint is skipped. */
const CHECKPOINT_VERSION = 2;

const chainCodec = Struct({
  genesisHash: Bytes(32),
  setId: u64,
  authorities: Vector(Tuple(Bytes(32), u64)),
  finalized: Bytes(),
  pending: Vector(Bytes()),
  dispatched: Bytes(),
  storage: Vector(Tuple(Bytes(), Bytes())),
  operator: Option(Bytes(32)),
  messageCount: u64,
  messageDigest: Bytes(32),
});

const checkpointCodec = Struct({
  version: u8,
  keys: Bytes(),
  chain: chainCodec,
  egress: Vector(Struct({ origin: messageOriginCodec, nextSequence: u64, messages: Vector(signedMessageCodec) })),
  handlers: Vector(Tuple(str, Bytes())),
  dispatchedHeight: u32,
});

/** The whole pRuntime state at a block boundary. */
export interface CheckpointContent {
  /** The sealed form of the enclave keys. */
  readonly keys: Uint8Array;
  readonly chain: ChainMirror;
  readonly egress: readonly OutboxState[];
  readonly handlers: readonly (readonly [name: string, state: Uint8Array])[];
}

export function encodeCheckpoint({ keys, chain, egress, handlers }: CheckpointContent): Uint8Array {
  return checkpointCodec.enc({
    version: CHECKPOINT_VERSION,
    keys,
    chain: {
      genesisHash: chain.light.genesisHash,
      setId: chain.light.authoritySet.setId,
      authorities: chain.light.authoritySet.authorities.map(([id, weight]) => [id, weight]),
      finalized: chain.light.finalized.bytes,
      pending: chain.pending.map((h) => h.bytes),
      dispatched: chain.dispatched.bytes,
      storage: [...chain.storage.entries()],
      operator: chain.operator,
      messageCount: chain.messages.count,
      messageDigest: chain.messages.digest,
    },
    egress: egress.map((o) => ({ origin: o.origin, nextSequence: o.nextSequence, messages: [...o.messages] })),
    handlers: handlers.map(([name, state]) => [name, state]),
    dispatchedHeight: chain.dispatched.number,
  });
}

/** Decodes a checkpoint and checks it is whole: its storage must hash to the dispatched block's root. */
export function decodeCheckpoint(bytes: Uint8Array): CheckpointContent {
  const decoded = decodeExact(checkpointCodec.dec, bytes, "checkpoint");
  if (decoded.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError("CHECKPOINT_UNSUPPORTED_VERSION", "the checkpoint has an unknown version", {
      version: decoded.version,
    });
  }
  const c = decoded.chain;
  const dispatched = hashedHeader(c.dispatched);
  const storage = Trie.fromEntries(c.storage, "V1");
  if (!equalBytes(storage.root(), dispatched.stateRoot)) {
    throw new CheckpointError("CHECKPOINT_CORRUPT", "the checkpoint's storage does not match its block", {
      number: dispatched.number,
      root: toHex(storage.root()),
    });
  }
  const chain: ChainMirror = {
    light: {
      genesisHash: c.genesisHash,
      authoritySet: { setId: c.setId, authorities: c.authorities },
      finalized: hashedHeader(c.finalized),
    },
    pending: c.pending.map(hashedHeader),
    dispatched,
    storage,
    operator: c.operator,
    messages: { count: c.messageCount, digest: c.messageDigest },
  };
  return { keys: decoded.keys, chain, egress: decoded.egress, handlers: decoded.handlers };
}
