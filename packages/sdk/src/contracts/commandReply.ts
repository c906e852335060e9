import {
  CommandEnvelopeError,
  type CommandReplyBody,
  fromHex,
  openCommandReply,
  type SealedCommand,
} from "@phala-ts/core";
import { sameAccount } from "../accounts/address.js";
import type { ChainContext } from "../chain/chainContext.js";
import type { ChainEvent } from "../chain/chainEvents.js";
import { type FinalizedBlock, waitForFinalized } from "../chain/finalizedBlocks.js";
import { readContract } from "../network/phatContracts.js";
import { SdkError } from "../sdkError.js";
import type { TxResult } from "../tx/submitExtrinsic.js";
import type { CommandOutcome } from "./contractTypes.js";

/** How long a command may wait for its cluster's reply, by default. */
export const DEFAULT_REPLY_TIMEOUT_MS = 120_000;

interface Executed {
  readonly contract: string;
  readonly index: bigint;
  readonly succeeded: boolean;
  readonly gas_used: bigint;
  readonly fee: bigint;
}
interface ReplySealed {
  readonly contract: string;
  readonly index: bigint;
  readonly caller: string;
  readonly sealed_reply: Uint8Array;
}
interface Pushed {
  readonly contract: string;
  readonly index: bigint;
  readonly caller: string;
}

const phat = (events: readonly ChainEvent[], name: string) =>
  events.filter((e) => e.pallet === "PhalaPhatContracts" && e.name === name).map((e) => e.data);

/** The index the chain gave the command `pushed` pushed for `contract` (its `CommandPushed` event). */
export function pushedIndex(pushed: TxResult, contract: string, caller: Uint8Array): bigint {
  const event = (phat(pushed.events, "CommandPushed") as Pushed[]).find(
    (e) => e.contract === contract && sameAccount(e.caller, caller),
  );
  if (event === undefined) {
    throw new SdkError("NODE_BAD_REPLY", "the command's block has no CommandPushed event for it", {
      contract,
      txHash: pushed.txHash,
    });
  }
  return event.index;
}

interface Reply {
  readonly block: FinalizedBlock;
  readonly executed: Executed;
  readonly sealed: ReplySealed;
}

/**
 * Waits for the cluster's reply to command `index` of `contract` (`CommandExecuted` and
 * `CommandReplySealed` for the caller, in one finalized block after the push) and opens it with
 * the command's key, checking that the contract's key sealed it.
 */
export async function awaitCommandReply(
  ctx: ChainContext,
  pushed: TxResult,
  contract: string,
  index: bigint,
  caller: Uint8Array,
  command: SealedCommand,
  timeoutMs = DEFAULT_REPLY_TIMEOUT_MS,
): Promise<CommandOutcome> {
  const reply = await waitForFinalized<Reply>(
    ctx,
    pushed.blockNumber + 1,
    (block) => {
      const forCommand = <T extends { contract: string; index: bigint }>(e: T) =>
        e.contract === contract && e.index === index;
      const executed = (phat(block.events, "CommandExecuted") as Executed[]).find(forCommand);
      const sealed = (phat(block.events, "CommandReplySealed") as ReplySealed[]).find(
        (e) => forCommand(e) && sameAccount(e.caller, caller),
      );
      return executed !== undefined && sealed !== undefined ? { block, executed, sealed } : undefined;
    },
    timeoutMs,
    () =>
      new SdkError("CONTRACT_REPLY_TIMEOUT", `no reply to command ${index} of ${contract} within ${timeoutMs} ms`, {
        contract,
        index: String(index),
        timeoutMs,
      }),
  );
  const body = await openReply(ctx, reply.sealed.sealed_reply, contract, command);
  const receipt = {
    contract,
    index,
    gasUsed: reply.executed.gas_used,
    fee: reply.executed.fee,
    txHash: pushed.txHash,
    pushedIn: { hash: pushed.blockHash, number: pushed.blockNumber },
    repliedIn: { hash: reply.block.hash, number: reply.block.number },
  };
  return body.ok
    ? { ok: true, output: body.output, events: body.events, ...receipt }
    : { ok: false, error: body.error, ...receipt };
}

async function openReply(
  ctx: ChainContext,
  sealedReply: Uint8Array,
  contract: string,
  command: SealedCommand,
): Promise<CommandReplyBody> {
  // A worker that cannot read the envelope has no key to seal a reply to.
  if (sealedReply.length === 0) {
    return { ok: false, error: { code: "COMMAND_UNREADABLE", message: "the cluster could not read the command" } };
  }
  const keys = (await readContract(ctx, contract))?.keys;
  if (keys === undefined) {
    throw new SdkError("CONTRACT_NOT_READY", `the chain has no keys for ${contract}`, { contract, reason: "no keys" });
  }
  try {
    return openCommandReply(sealedReply, command.replyKey, fromHex(keys.ecdhPubkey));
  } catch (cause) {
    if (!(cause instanceof CommandEnvelopeError)) throw cause;
    throw new SdkError(
      "CONTRACT_REPLY_UNREADABLE",
      "the reply does not open with the command's key, or the contract's key did not seal it",
      { contract },
      { cause },
    );
  }
}
