import {
  COMMAND_REPLIES_TOPIC,
  commandRepliesCodec,
  contractCommandCodec,
  contractCommandTopic,
  equalBytes,
  MAX_REPLIES_PER_MESSAGE,
  STATE_ROOT_TOPIC,
  stateRootReportCodec,
  topicToString,
} from "@phala-ts/core";
import type { ExecutionContext } from "../runtime/context.js";
import { DB_READ, DB_WRITE, type Weight, weight } from "../runtime/weight.js";
import { currency } from "./balances.js";
import { includesBytes } from "./byteLists.js";
import { decodeOnChainPayload, type OnChainHandler, pushAccountMessage } from "./mq.js";
import {
  type CommandReplyRefusal,
  depositPhatEvent,
  phatErrors as errors,
  GAS_PRICE,
  MAX_COMMAND_BYTES,
  MAX_GAS_PER_COMMAND,
  MAX_REPLY_BYTES,
  reasonOf,
  type StateRootRefusal,
  phatContractsStorage as storage,
} from "./phatContractsState.js";

/**
 * Contract commands, gas and state roots: the part of PhalaPhatContracts between a caller and
 * the cluster that runs its contract. The chain orders sealed commands, holds each caller's
 * deposit until the cluster reports the gas used, burns the fee, and passes the sealed reply on
 * to the caller. It never sees a command's or a reply's plaintext.
 */

/** The smaller of two amounts (Math.min takes no bigints). */
const atMost = (amount: bigint, cap: bigint): bigint => (amount <= cap ? amount : cap);

/** What a command may cost: its gas limit at GAS_PRICE. */
export const maxFee = (gasLimit: bigint): bigint => gasLimit * GAS_PRICE;

/**
 * Settling a command's reply: its pending entry read and removed, the deposit unreserved and the
 * fee burned (the caller's account and the total issuance). The call that queues the command pays
 * for it, since the cluster's CommandReplies message, weighed as one mq message, settles a whole
 * block of commands.
 */
const SETTLE_READS = 3n;
const SETTLE_WRITES = 4n;

/**
 * The weight of a call that queues a sealed command: `reads` and `writes`, plus its reply's
 * settlement, plus 1 ns a byte of the envelope (as `PhalaMq.push_message`), counted up to
 * MAX_COMMAND_BYTES.
 */
export function commandWeight(reads: bigint, writes: bigint, envelope: Uint8Array): Weight {
  const length = BigInt(Math.min(envelope.length, MAX_COMMAND_BYTES));
  return weight(
    DB_READ.refTime * (reads + SETTLE_READS) + DB_WRITE.refTime * (writes + SETTLE_WRITES) + length * 1_000n,
  );
}

/** Refuses a sealed command that is too long, asks for too much gas, or whose deposit cannot pay for it. */
export function checkCommand(envelope: Uint8Array, gasLimit: bigint, deposit: bigint): void {
  if (envelope.length > MAX_COMMAND_BYTES) {
    throw errors.error("CommandTooLarge", { length: envelope.length, max: MAX_COMMAND_BYTES });
  }
  if (gasLimit > MAX_GAS_PER_COMMAND) throw errors.error("GasLimitTooHigh", { gasLimit, max: MAX_GAS_PER_COMMAND });
  if (deposit < maxFee(gasLimit)) throw errors.error("InsufficientDeposit", { deposit, required: maxFee(gasLimit) });
}

export interface QueuedCommand {
  readonly caller: Uint8Array;
  readonly contract: Uint8Array;
  readonly index: bigint;
  readonly gasLimit: bigint;
  readonly deposit: bigint;
  readonly envelope: Uint8Array;
}

/**
 * Reserves the caller's deposit (the Balances error when it cannot), queues the command for the
 * contract's cluster under the caller's own origin, `AccountId(caller)`, records it as pending
 * and moves the contract's counter past it.
 */
export function queueCommand(exec: ExecutionContext, command: QueuedCommand): void {
  const { caller, contract, index, gasLimit, deposit, envelope } = command;
  if (deposit > 0n) currency.reserve(exec, caller, deposit);
  storage.CommandCounter.set(exec.state, contract, index + 1n);
  storage.PendingCommands.set(exec.state, [contract, index], { caller, gasLimit, deposit });
  const payload = contractCommandCodec.enc({ contract, index, gasLimit, envelope });
  pushAccountMessage(exec, caller, contractCommandTopic(contract), payload);
  depositPhatEvent(exec, { type: "CommandPushed", value: { contract, index, caller } });
}

/**
 * Gives the caller's deposit back and burns `fee` from its free balance; if the caller's balance
 * moved so that not all of it is there, as much as there is. Never throws. Returns what it burned.
 */
function settleDeposit(exec: ExecutionContext, caller: Uint8Array, deposit: bigint, fee: bigint): bigint {
  currency.unreserve(exec, caller, deposit);
  const burned = atMost(fee, currency.spendable(exec, caller));
  if (burned > 0n) currency.withdraw(exec, caller, burned, "AllowDeath");
  return burned;
}

const NO_CONTRACT = new Uint8Array(32);

/**
 * A cluster's replies to commands (`^phala/phat/command-replies`, from `Contract(id)` only, the mq
 * having checked the signature against `ContractKeys[id]`). For each reply in turn: charges the
 * gas used, at most the command's limit, out of its deposit, and hands the sealed reply to the
 * caller in an event. Like every on-chain handler it never throws; a refused reply is an event
 * that changes nothing else, and the others are still taken.
 */
const takeCommandReplies: OnChainHandler = (exec, message) => {
  const refuse = (contract: Uint8Array, index: bigint, reason: CommandReplyRefusal) =>
    depositPhatEvent(exec, { type: "CommandReplyRefused", value: { contract, index, reason: reasonOf(reason) } });
  const batch = decodeOnChainPayload(commandRepliesCodec, message.payload, "CommandReplies");
  if (batch === undefined || batch.replies.length === 0 || batch.replies.length > MAX_REPLIES_PER_MESSAGE) {
    return refuse(batch?.contract ?? NO_CONTRACT, 0n, "Malformed");
  }
  const { contract, replies } = batch;
  const { sender } = message;
  if (sender.type !== "Contract" || !equalBytes(sender.value, contract)) return refuse(contract, 0n, "WrongSender");
  for (const { index, succeeded, gasUsed, sealedReply } of replies) {
    if (sealedReply.length > MAX_REPLY_BYTES) {
      refuse(contract, index, "TooLarge");
      continue;
    }
    const pending = storage.PendingCommands.get(exec.state, [contract, index]);
    if (pending === undefined) {
      refuse(contract, index, "UnknownCommand");
      continue;
    }
    storage.PendingCommands.remove(exec.state, [contract, index]);
    const { caller, gasLimit, deposit } = pending;
    const fee = settleDeposit(exec, caller, deposit, atMost(gasUsed, gasLimit) * GAS_PRICE);
    depositPhatEvent(exec, { type: "CommandExecuted", value: { contract, index, succeeded, gasUsed, fee } });
    depositPhatEvent(exec, { type: "CommandReplySealed", value: { contract, index, caller, sealedReply } });
  }
};

/**
 * A worker's state root for a contract after a command (`^phala/phat/state-root`, from a worker of
 * the contract's cluster). The chain keeps one record per contract, for the newest index
 * reported: a newer index replaces it, the same index must bring the same root (else the
 * contract is marked Diverged at that index), an older one is Late. Never throws.
 */
const takeStateRoot: OnChainHandler = (exec, message) => {
  const { sender } = message;
  const refuse = (contract: Uint8Array, index: bigint, reason: StateRootRefusal) =>
    depositPhatEvent(exec, {
      type: "StateRootRefused",
      value: { contract, index, sender, reason: reasonOf(reason) },
    });
  const report = decodeOnChainPayload(stateRootReportCodec, message.payload, "StateRootReport");
  if (report === undefined) return refuse(NO_CONTRACT, 0n, "Malformed");
  const { contract, index, stateRoot } = report;
  if (sender.type !== "Worker") return refuse(contract, index, "WrongSender");
  const info = storage.Contracts.get(exec.state, contract);
  if (info === undefined) return refuse(contract, index, "NotFound");
  const workers = storage.Clusters.get(exec.state, info.cluster)?.workers ?? [];
  if (!includesBytes(workers, sender.value)) return refuse(contract, index, "NotInCluster");
  if (index >= storage.CommandCounter.get(exec.state, contract)) return refuse(contract, index, "UnknownCommand");
  const worker = sender.value;
  const recorded = storage.StateRoots.get(exec.state, contract);
  if (recorded === undefined || index > recorded.index) {
    storage.StateRoots.set(exec.state, contract, { index, stateRoot, reporter: worker });
    return depositPhatEvent(exec, { type: "StateRootReported", value: { contract, index, stateRoot, worker } });
  }
  if (index < recorded.index) return refuse(contract, index, "Late");
  if (equalBytes(recorded.stateRoot, stateRoot)) {
    return depositPhatEvent(exec, { type: "StateRootConfirmed", value: { contract, index, worker } });
  }
  storage.Diverged.set(exec.state, contract, index);
  depositPhatEvent(exec, {
    type: "StateRootDiverged",
    value: { contract, index, expected: recorded.stateRoot, reported: stateRoot, worker },
  });
};

export const phatCommandsHandlers: ReadonlyMap<string, OnChainHandler> = new Map([
  [topicToString(COMMAND_REPLIES_TOPIC), takeCommandReplies],
  [topicToString(STATE_ROOT_TOPIC), takeStateRoot],
]);
