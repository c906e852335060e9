import { fromHex, type Keypair, sealContractCommand } from "@phala-ts/core";
import type { ChainContext } from "../chain/chainContext.js";
import { normalizeHex32 } from "../network/ids.js";
import { readContract } from "../network/phatContracts.js";
import { SdkError } from "../sdkError.js";
import type { SubmitOptions, TxResult } from "../tx/submitExtrinsic.js";
import { awaitCommandReply, pushedIndex } from "./commandReply.js";
import type { CommandOutcome } from "./contractTypes.js";

/** Options of a command (and of a deploy's init): gas, deposit, how long to wait for the reply, and the transaction's. */
export interface CommandOptions extends Omit<SubmitOptions, "waitFor"> {
  /** The most gas the command may use; the chain refuses more than `MaxGasPerCommand`. */
  readonly gasLimit: bigint | number;
  /** Reserved until the reply comes; default (and at least) gasLimit × GasPrice. */
  readonly deposit?: bigint;
  /** How long to wait for the cluster's reply (default 120 s). */
  readonly replyTimeoutMs?: number;
}

/** What a command needs of the client: the chain, and submitting a call. */
export interface CommandClient extends ChainContext {
  submit(
    signer: Keypair,
    pallet: string,
    call: string,
    args: Readonly<Record<string, unknown>>,
    options?: SubmitOptions,
  ): Promise<TxResult>;
}

export function gasOf(gasLimit: bigint | number): bigint {
  if ((typeof gasLimit !== "bigint" && !Number.isSafeInteger(gasLimit)) || BigInt(gasLimit) <= 0n) {
    throw new SdkError("ARGS_INVALID", "gasLimit must be a positive integer", { gasLimit: String(gasLimit) });
  }
  return BigInt(gasLimit);
}

/** The transaction options of a contract call: its extrinsics are followed into a block, the reply does the rest. */
export function txOptionsOf(options: Omit<SubmitOptions, "waitFor">): SubmitOptions {
  const { onStatus, mortality, tip, nonce, timeoutMs } = options;
  return { onStatus, mortality, tip, nonce, timeoutMs, waitFor: "inBlock" };
}

/** The deposit to reserve for `gasLimit`: what the chain requires at least (gasLimit × GasPrice). */
export function depositFor(ctx: ChainContext, gasLimit: bigint): bigint {
  return gasLimit * BigInt(ctx.metadata.constant("PhalaPhatContracts", "GasPrice") as bigint);
}

/**
 * Sends `input` (JSON) to `contract`: sealed to the contract's ECDH key (from the chain), pushed
 * with `PhalaPhatContracts.push_command`, and resolved with the cluster's reply, opened with the
 * command's key. A contract's refusal is an outcome with `ok: false`; the chain's refusal of the
 * transaction is `TX_INVALID`/`TX_FAILED`, no reply in time `CONTRACT_REPLY_TIMEOUT`.
 */
export async function sendCommand(
  client: CommandClient,
  signer: Keypair,
  contract: string | Uint8Array,
  input: unknown,
  options: CommandOptions,
): Promise<CommandOutcome> {
  const id = normalizeHex32(contract, "contract");
  const gasLimit = gasOf(options.gasLimit);
  const view = await readContract(client, id);
  if (view === undefined) {
    throw new SdkError("CONTRACT_NOT_READY", `the chain has no contract ${id}`, { contract: id, reason: "not found" });
  }
  if (view.keys === undefined) {
    throw new SdkError("CONTRACT_NOT_READY", `the cluster has not published the keys of ${id} yet`, {
      contract: id,
      reason: "no keys",
    });
  }
  const sealed = sealContractCommand("command", fromHex(view.keys.ecdhPubkey), input);
  const pushed = await client.submit(
    signer,
    "PhalaPhatContracts",
    "push_command",
    {
      contract_id: id,
      payload: sealed.envelope,
      gas_limit: gasLimit,
      deposit: options.deposit ?? depositFor(client, gasLimit),
    },
    txOptionsOf(options),
  );
  const index = pushedIndex(pushed, id, signer.accountId);
  return awaitCommandReply(client, pushed, id, index, signer.accountId, sealed, options.replyTimeoutMs);
}
