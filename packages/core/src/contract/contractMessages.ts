import { Bytes, bool, type Codec, Struct, u64 } from "@polkadot-api/substrate-bindings";
import { toHex } from "../bytes/bytes.js";
import { assertLength } from "../keys/ed25519.js";
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
 * What the cluster reports for a command (Contract origin, on chain only): whether it succeeded
 * and the gas it used, in the clear (the chain charges for it), and the output or the reason it
 * failed, sealed to the caller (`CONTRACT_REPLY_PURPOSE`).
 */
export interface CommandReply {
  readonly contract: Uint8Array;
  readonly index: bigint;
  readonly succeeded: boolean;
  readonly gasUsed: bigint;
  readonly sealedReply: Uint8Array;
}
export const commandReplyCodec: Codec<CommandReply> = Struct({
  contract: key32,
  index: u64,
  succeeded: bool,
  gasUsed: u64,
  sealedReply: Bytes(),
});

/** `phala/contract/<id as 64 hex digits>/command`: where the chain queues a contract's commands. */
export function contractCommandTopic(contract: Uint8Array): Topic {
  assertLength(contract, 32, "contract id");
  return topicFromString(`phala/contract/${toHex(contract).slice(2)}/command`);
}

/** Contract → chain: CommandReply. */
export const COMMAND_REPLY_TOPIC: Topic = new TextEncoder().encode("^phala/phat/command-reply");

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
