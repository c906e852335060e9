import {
  type Era,
  eraBirth,
  extrinsicHash,
  fromHex,
  IMMORTAL_ERA,
  type Keypair,
  mortalEra,
  signExtrinsic,
  toHex,
} from "@phala-ts/core";
import { toAddress } from "../accounts/address.js";
import { blockHashAt, type ChainContext, eventsAt, headerNumber } from "../chain/chainContext.js";
import { type ChainEvent, eventsOfExtrinsic } from "../chain/chainEvents.js";
import { describeDispatchError } from "../chain/dispatchError.js";
import type { RpcSubscription } from "../rpc/rpcSocket.js";
import { SdkError } from "../sdkError.js";
import type { KeyedLock } from "./accountLock.js";
import { submissionError } from "./txErrors.js";
import { parseTxStatus, type TxStatus, type TxStatusEvent } from "./txStatus.js";

/** Blocks a transaction stays valid for, by default: long enough to wait out a busy pool, short enough to expire. */
export const DEFAULT_MORTALITY = 64;

export interface SubmitOptions {
  /** Resolve once the transaction is in a block, or (default) once that block is finalized. */
  readonly waitFor?: "inBlock" | "finalized";
  /** Every status the node reports (ready, inBlock, finalized, …). What it throws is ignored. */
  readonly onStatus?: (status: TxStatusEvent) => void;
  /** Blocks the transaction stays valid for (rounded up to a power of two, 4 to 65536), or "immortal". Default 64. */
  readonly mortality?: number | "immortal";
  /** Added to the fee, for priority. */
  readonly tip?: bigint;
  /** The nonce to sign with; by default the node's next one for the account, pool included. */
  readonly nonce?: number;
  /** Give up (`TX_TIMEOUT`) if the awaited status has not come by then. No limit by default: the era bounds it. */
  readonly timeoutMs?: number;
}

/** A transaction whose call succeeded. */
export interface TxResult {
  readonly ok: true;
  readonly txHash: string;
  readonly blockHash: string;
  readonly blockNumber: number;
  /** Its position in the block. */
  readonly index: number;
  /** The events the transaction caused, `System.ExtrinsicSuccess` last. */
  readonly events: ChainEvent[];
}

interface Signed {
  readonly bytes: Uint8Array;
  readonly hex: string;
  readonly txHash: string;
}

async function sign(ctx: ChainContext, signer: Keypair, call: Uint8Array, options: SubmitOptions): Promise<Signed> {
  const nonce =
    options.nonce ?? (await ctx.rpc.request<number>("system_accountNextIndex", [toAddress(signer.accountId)]));
  let era: Era = IMMORTAL_ERA;
  let birthHash = ctx.genesisHash;
  if (options.mortality !== "immortal") {
    const best = headerNumber(await ctx.rpc.request<unknown>("chain_getHeader", []));
    era = mortalEra(options.mortality ?? DEFAULT_MORTALITY, best);
    birthHash = await blockHashAt(ctx, eraBirth(era, best));
  }
  const bytes = signExtrinsic(
    signer,
    call,
    { era, nonce, tip: options.tip ?? 0n },
    {
      specVersion: ctx.runtimeVersion.specVersion,
      transactionVersion: ctx.runtimeVersion.transactionVersion,
      genesisHash: fromHex(ctx.genesisHash),
      birthHash: fromHex(birthHash),
    },
  );
  return { bytes, hex: toHex(bytes), txHash: toHex(extrinsicHash(bytes)) };
}

/** The transaction's outcome in `blockHash`: its events, and whether its call failed. */
async function outcomeIn(ctx: ChainContext, signed: Signed, blockHash: string): Promise<TxResult> {
  const [block, allEvents] = await Promise.all([
    ctx.rpc.request<{ block: { header: unknown; extrinsics: string[] } } | null>("chain_getBlock", [blockHash]),
    eventsAt(ctx, blockHash),
  ]);
  if (block === null) throw new SdkError("NODE_BAD_REPLY", `the node lost block ${blockHash}`, { blockHash });
  const blockNumber = headerNumber(block.block.header);
  const index = block.block.extrinsics.findIndex((xt) => xt.toLowerCase() === signed.hex);
  if (index < 0) {
    throw new SdkError("NODE_BAD_REPLY", "the node says the transaction is in a block that does not hold it", {
      txHash: signed.txHash,
      blockHash,
    });
  }
  const events = eventsOfExtrinsic(allEvents, index);
  const failed = events.find((e) => e.pallet === "System" && e.name === "ExtrinsicFailed");
  if (failed !== undefined) {
    const error = describeDispatchError(ctx.metadata, (failed.data as { dispatch_error?: unknown })?.dispatch_error);
    throw new SdkError(
      "TX_FAILED",
      `the transaction failed: ${error.name}${error.docs === "" ? "" : ` (${error.docs})`}`,
      {
        error: error.name,
        ...(error.pallet === undefined ? {} : { pallet: error.pallet }),
        dispatchError: error.raw,
        txHash: signed.txHash,
        blockHash,
        blockNumber,
        index,
      },
    );
  }
  return { ok: true, txHash: signed.txHash, blockHash, blockNumber, index, events };
}

/**
 * Signs `call` (SCALE bytes, as `ChainMetadata.encodeCall` gives) by `signer` at its next nonce,
 * with a mortal era, submits it with `author_submitAndWatchExtrinsic` and follows it to
 * `waitFor`. Rejects with `TX_INVALID` when the pool refuses it (the node's reason in
 * `details.reason`), `TX_FAILED` when its call failed (`details.error`: `Pallet.Error`),
 * `TX_DROPPED` when the pool lets it go, `TX_TIMEOUT` past `timeoutMs`.
 */
export async function submitExtrinsic(
  ctx: ChainContext,
  lock: KeyedLock,
  signer: Keypair,
  call: Uint8Array,
  options: SubmitOptions = {},
): Promise<TxResult> {
  const waitFor = options.waitFor ?? "finalized";
  let resolveResult!: (result: TxResult) => void;
  let rejectResult!: (error: unknown) => void;
  const result = new Promise<TxResult>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  // Set once the awaited status (or a failure) came: later statuses are ignored.
  let done = false;
  let subscription: RpcSubscription | undefined;
  let timer: NodeJS.Timeout | undefined;
  const stopWatching = () => {
    if (timer !== undefined) clearTimeout(timer);
    void subscription?.unsubscribe();
  };
  const fail = (error: unknown) => {
    if (done) return;
    done = true;
    stopWatching();
    rejectResult(error);
  };
  const conclude = (signed: Signed, blockHash: string) => {
    if (done) return;
    done = true;
    stopWatching();
    outcomeIn(ctx, signed, blockHash).then(resolveResult, rejectResult);
  };
  const onStatus = (signed: Signed, status: TxStatus) => {
    if (done) return;
    const { txHash } = signed;
    try {
      options.onStatus?.({ ...status, txHash });
    } catch {
      // The caller's callback is not ours to fail on.
    }
    switch (status.type) {
      case "inBlock":
        if (waitFor === "inBlock") conclude(signed, status.blockHash);
        return;
      case "finalized":
        return conclude(signed, status.blockHash);
      case "usurped":
        return fail(
          new SdkError("TX_DROPPED", "another transaction with the same nonce replaced this one", {
            reason: "usurped",
            txHash,
            ...(status.by === undefined ? {} : { by: status.by }),
          }),
        );
      case "dropped":
        return fail(
          new SdkError("TX_DROPPED", "the node's pool dropped the transaction", { reason: "dropped", txHash }),
        );
      case "finalityTimeout":
        return fail(
          new SdkError("TX_DROPPED", "the transaction's block was not finalized in time", {
            reason: "finalityTimeout",
            txHash,
            blockHash: status.blockHash,
          }),
        );
      case "invalid":
        return fail(
          new SdkError(
            "TX_INVALID",
            "the transaction became invalid in the pool (its nonce was used, or its era ended)",
            {
              reason: "invalid",
              txHash,
            },
          ),
        );
      default:
        return;
    }
  };

  const signed = await lock.run(toAddress(signer.accountId), async () => {
    const signed = await sign(ctx, signer, call, options);
    try {
      subscription = await ctx.rpc.subscribe(
        "author_submitAndWatchExtrinsic",
        [signed.hex],
        "author_unwatchExtrinsic",
        {
          onData: (raw) => {
            const status = parseTxStatus(raw);
            if (status !== undefined) onStatus(signed, status);
          },
          onError: fail,
        },
      );
    } catch (error) {
      throw submissionError(error, signed.txHash);
    }
    return signed;
  });
  // Statuses may have come (and ended the watch) before the subscription was known here.
  if (done) void subscription?.unsubscribe();
  else if (options.timeoutMs !== undefined) {
    const timeoutMs = options.timeoutMs;
    timer = setTimeout(
      () =>
        fail(
          new SdkError(
            "TX_TIMEOUT",
            `the transaction was not ${waitFor === "inBlock" ? "in a block" : "finalized"} within ${timeoutMs} ms`,
            {
              txHash: signed.txHash,
              waitFor,
              timeoutMs,
            },
          ),
        ),
      timeoutMs,
    );
  }
  return result;
}
