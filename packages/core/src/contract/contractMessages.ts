import { Bytes, bool, type Codec, Struct, u64, Vector } from "@polkadot-api/substrate-bindings";
import { toHex } from "../bytes/bytes.js";
import { assertLength } from "../keys/ed25519.js";
import { MAX_PAYLOAD_BYTES } from "../mq/message.js";
import { type Topic, topicFromString } from "../mq/topic.js";

const key32 = Bytes(32);

/** Envelope purposes of contract traffic: a ciphertext opens only as what it was sealed as. */
export const CONTRACT_INIT_PURPOSE = "phala/contract/init-args";
export const CONTRACT_COMMAND_PURPOSE = "phala/contract/command";
export const CONTRACT_REPLY_PURPOSE = "phala/contract/command-reply";

/**
 * A command as the chain queues it for the contract's cluster (sender `AccountId(caller)`, topic
 * `contractCommandTopic(contract)`). Index 0 is the instantiation: its envelope holds the init
 * arguments sealed to the cluster's ECDH key (`CONTRACT_INIT_PURPOSE`), since the contract's own
 * key is not published yet. Later indices are commands sealed to the contract's ECDH key
 * (`CONTRACT_COMMAND_PURPOSE`). Each reply is sealed to its envelope's sender key, which only the
 * caller holds.
 */
export interface ContractCommand {
  readonly contract: Uint8Array;
  readonly index: bigint;
  readonly gasLimit: bigint;
  readonly envelope: Uint8Array;
}
export const contractCommandCodec: Codec<ContractCommand> = Struct({
  contract: key32,
  index: u64,
  gasLimit: u64,
  envelope: Bytes(),
});

/**
 * What the cluster reports for one command: whether it succeeded and the gas it used, in the
 * clear (the chain charges for it), and the output or the reason it failed, sealed to the caller
 * (`CONTRACT_REPLY_PURPOSE`).
 */
export interface CommandReply {
  readonly index: bigint;
  readonly succeeded: boolean;
  readonly gasUsed: bigint;
  readonly sealedReply: Uint8Array;
}
export const commandReplyCodec: Codec<CommandReply> = Struct({
  index: u64,
  succeeded: bool,
  gasUsed: u64,
  sealedReply: Bytes(),
});

/**
 * The cluster's replies to a contract's commands (Contract origin, on chain only), in command
 * order: one message for the commands the chain queued for the contract in one block (several
 * when they pass MAX_REPLIES_PER_MESSAGE or the mq's payload limit; see `packCommandReplies`).
 * One signature, and one message to verify, for a block's commands instead of one per command.
 */
export interface CommandReplies {
  readonly contract: Uint8Array;
  readonly replies: CommandReply[];
}
export const commandRepliesCodec: Codec<CommandReplies> = Struct({
  contract: key32,
  replies: Vector(commandReplyCodec),
});

/** Most replies in one CommandReplies message. */
export const MAX_REPLIES_PER_MESSAGE = 512;

/** The SCALE length of a compact-encoded length. */
const compactLength = (n: number): number => (n < 1 << 6 ? 1 : n < 1 << 14 ? 2 : n < 1 << 30 ? 4 : 5);

/**
 * The CommandReplies payloads for `replies` (in command order, each sealed reply at most
 * MAX_REPLY_BYTES), cut greedily, in order, so that none has more than MAX_REPLIES_PER_MESSAGE
 * replies or more than the mq's MAX_PAYLOAD_BYTES. The cut depends on the replies alone, so that
 * every worker of the cluster owes the chain the same messages.
 */
export function packCommandReplies(contract: Uint8Array, replies: readonly CommandReply[]): Uint8Array[] {
  const payloads: Uint8Array[] = [];
  let start = 0;
  let bytes = 0; // the encoded length of replies start..i - 1
  for (let i = 0; i < replies.length; i++) {
    const { sealedReply } = replies[i]!;
    // index (u64), succeeded (bool), gasUsed (u64), then the sealed reply's bytes.
    const size = 17 + compactLength(sealedReply.length) + sealedReply.length;
    const count = i - start + 1;
    const total = 32 + compactLength(count) + bytes + size;
    if (i > start && (count > MAX_REPLIES_PER_MESSAGE || total > MAX_PAYLOAD_BYTES)) {
      payloads.push(commandRepliesCodec.enc({ contract, replies: replies.slice(start, i) }));
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (replies.length > start) payloads.push(commandRepliesCodec.enc({ contract, replies: replies.slice(start) }));
  return payloads;
}

/** `phala/contract/<id as 64 hex digits>/command`: where the chain queues a contract's commands. */
export function contractCommandTopic(contract: Uint8Array): Topic {
  assertLength(contract, 32, "contract id");
  return topicFromString(`phala/contract/${toHex(contract).slice(2)}/command`);
}

/** Contract → chain: CommandReplies. */
export const COMMAND_REPLIES_TOPIC: Topic = new TextEncoder().encode("^phala/phat/command-replies");

/**
 * A worker's account of a contract's state after a command (Worker origin, on chain only): every
 * worker of the cluster applies the same commands in the same order, so the roots must agree.
 * Workers report after the last command of the contract in each block, so that reports follow the
 * chain's blocks (at most one per contract and block) and always cover the newest state. The root
 * is a V1 trie root over the contract's storage (keys prefixed with 0x01) and its event inboxes
 * (keys prefixed with 0x02), UTF-8 keys and values. The chain records the first root per index
 * and flags any other.
 */
export interface StateRootReport {
  readonly contract: Uint8Array;
  readonly index: bigint;
  readonly stateRoot: Uint8Array;
}
export const stateRootReportCodec: Codec<StateRootReport> = Struct({ contract: key32, index: u64, stateRoot: key32 });

/** The longest `sealedReply` the chain takes (`PhalaPhatContracts.MaxReplyBytes`). */
export const MAX_REPLY_BYTES = 60 * 1024;

/** Worker → chain: StateRootReport. */
export const STATE_ROOT_TOPIC: Topic = new TextEncoder().encode("^phala/phat/state-root");
