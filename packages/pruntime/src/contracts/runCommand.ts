import { type ContractEngine, type ContractOutcome, DEFAULT_LIMITS, GAS, type JsonValue } from "@phala-ts/contracts";
import {
  blake2_256,
  CONTRACT_COMMAND_PURPOSE,
  CONTRACT_INIT_PURPOSE,
  CONTRACT_REPLY_PURPOSE,
  type CommandRefusalCode,
  type CommandReply,
  type CommandReplyBody,
  decodeEnvelope,
  deriveKey,
  ENVELOPE_IV_LENGTH,
  type Envelope,
  EnvelopeChannel,
  encodeEnvelope,
  equalBytes,
  MAX_REPLY_BYTES,
  openEnvelope,
  toHex,
  type X25519Keypair,
} from "@phala-ts/core";
import { u64 } from "@polkadot-api/substrate-bindings";
import type { ContractSecrets } from "../keyHierarchy/clusterRole.js";
import type { ContractInstance, QueuedCommand } from "./contractInstance.js";
import { deliverEvents } from "./eventInbox.js";

/** What a command that never reached the contract costs (reading and refusing it). */
export const REFUSED_COMMAND_GAS = GAS.callBase;

export interface CommandKeys {
  /** The cluster's ECDH key: what init arguments (command 0) are sealed to. */
  readonly cluster: X25519Keypair;
  readonly contract: ContractSecrets;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Runs one command of `instance` as every worker of its cluster does: opens the envelope, runs
 * `init` (index 0) or `handle`, applies the writes only if the call succeeded, and seals the
 * output or the reason it failed to the command's envelope key, deterministically, so that the
 * cluster's workers owe the chain byte-identical replies. The engine's own faults are thrown.
 */
export function runCommand(
  engine: ContractEngine,
  instance: ContractInstance,
  keys: CommandKeys,
  { command, caller, block }: QueuedCommand,
): CommandReply {
  const { index } = command;
  // The reply goes to the envelope's sender key, sealed by the contract's key: for a command, the
  // same agreement that opens it (one X25519 per command).
  let channel: EnvelopeChannel | null | undefined;
  const replyChannel = (to: Envelope): EnvelopeChannel | null => {
    if (channel === undefined) {
      try {
        channel = new EnvelopeChannel(keys.contract.ecdh, to.senderPublic);
      } catch {
        channel = null; // a low-order sender key: nobody can read a reply
      }
    }
    return channel;
  };
  const reply = (succeeded: boolean, gasUsed: number, body: CommandReplyBody, to?: Envelope): CommandReply => {
    const sealTo = to === undefined ? null : replyChannel(to);
    return {
      index,
      succeeded,
      gasUsed: BigInt(gasUsed),
      sealedReply: sealTo === null ? new Uint8Array() : sealReply(keys.contract, index, sealTo, body),
    };
  };
  const refuse = (code: CommandRefusalCode, message: string, to?: Envelope) =>
    reply(false, REFUSED_COMMAND_GAS, { ok: false, error: { code, message } }, to);

  let envelope: Envelope;
  try {
    envelope = decodeEnvelope(command.envelope);
  } catch {
    return refuse("COMMAND_UNREADABLE", "the command is not an envelope");
  }
  const init = index === 0n;
  let plaintext: Uint8Array;
  try {
    const opener = init ? undefined : replyChannel(envelope);
    if (opener === null) throw new Error("the sender key is a low-order point");
    plaintext =
      opener === undefined
        ? openEnvelope({ recipientSecret: keys.cluster, envelope, purpose: CONTRACT_INIT_PURPOSE })
        : opener.open(CONTRACT_COMMAND_PURPOSE, envelope);
  } catch {
    return refuse(
      "COMMAND_UNREADABLE",
      `the command does not open with the ${init ? "cluster's" : "contract's"} key: sealed to another key, or altered`,
      envelope,
    );
  }
  let input: JsonValue;
  try {
    input = JSON.parse(strictUtf8.decode(plaintext)) as JsonValue;
  } catch {
    return refuse("COMMAND_NOT_JSON", "the command's plaintext is not UTF-8 JSON", envelope);
  }

  const outcome: ContractOutcome = engine.run({
    code: instance.code ?? "",
    entry: init ? "init" : "handle",
    input,
    ctx: {
      contractId: instance.contract,
      caller,
      blockNumber: block.number,
      timestampMs: Number(block.timestamp),
      // Derived only if the contract draws randomness (most never do): the same seed either way.
      randomSeed: () => deriveKey(keys.contract.derivation, ["random", block.hash, u64.enc(index)]),
    },
    storage: instance.storage,
    limits: { ...DEFAULT_LIMITS, gas: Number(command.gasLimit) },
  });
  if (!outcome.ok) return reply(false, outcome.gasUsed, { ok: false, error: outcome.error }, envelope);

  const events = outcome.events
    .filter((event) => event.to === undefined || equalBytes(event.to, caller))
    .map((event) => (event.to === undefined ? { data: event.data } : { data: event.data, to: toHex(event.to) }));
  const succeeded = reply(true, outcome.gasUsed, { ok: true, output: outcome.output, events }, envelope);
  if (succeeded.sealedReply.length > MAX_REPLY_BYTES) {
    return reply(
      false,
      outcome.gasUsed,
      {
        ok: false,
        error: {
          code: "COMMAND_REPLY_TOO_LARGE" satisfies CommandRefusalCode,
          message: `the reply would be ${succeeded.sealedReply.length} bytes sealed, over the chain's ${MAX_REPLY_BYTES}`,
        },
      },
      envelope,
    );
  }
  instance.storage.apply(outcome.writes);
  deliverEvents(instance.inboxes, index, outcome.events);
  return succeeded;
}

/**
 * The reply sealed by the contract's own ECDH key to the command's sender key, with an IV derived
 * from the command index, the recipient and the plaintext: every worker seals the same bytes, and
 * two different replies under one AES key never share an IV (as in SIV).
 */
function sealReply(secrets: ContractSecrets, index: bigint, to: EnvelopeChannel, body: CommandReplyBody): Uint8Array {
  const plaintext = new TextEncoder().encode(JSON.stringify(body));
  const iv = deriveKey(secrets.derivation, [
    "command_reply_iv",
    u64.enc(index),
    to.peerPublic,
    blake2_256(plaintext),
  ]).subarray(0, ENVELOPE_IV_LENGTH);
  return encodeEnvelope(to.seal(CONTRACT_REPLY_PURPOSE, plaintext, iv));
}
