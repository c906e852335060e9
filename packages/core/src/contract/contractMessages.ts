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
 * `contractCommandTopic(contract)`): `index` counts the contract's commands from 0, `envelope` is
 * the caller's payload sealed to the contract's ECDH key (`CONTRACT_COMMAND_PURPOSE`); the reply
 * is sealed to that envelope's sender key, which only the caller holds.
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
