import { SdkError } from "../sdkError.js";
import { blockHashAt, type ChainContext, eventsAt, headerNumber } from "./chainContext.js";
import type { ChainEvent } from "./chainEvents.js";

/** A finalized block and its events. */
export interface FinalizedBlock {
  readonly hash: string;
  readonly number: number;
  readonly events: ChainEvent[];
}

export interface FollowOptions {
  /** The first block to deliver; by default the finalized head when the watch starts. */
  readonly from?: number;
  /**
   * A block could not be read (it is retried with the next head), `onBlock` threw (that block is
   * skipped), or the subscription ended (the connection closed; nothing more comes).
   */
  readonly onError?: (error: unknown) => void;
}

/** Stops following; resolves once the node was told. */
export type Unsubscribe = () => Promise<void>;

/**
 * Calls `onBlock` with every finalized block, in order and without gaps (blocks finalized
 * together are read one by one), from `options.from` on. Resolves once the node confirmed the
 * subscription (`chain_subscribeFinalizedHeads`).
 */
export async function followFinalized(
  ctx: ChainContext,
  onBlock: (block: FinalizedBlock) => void | Promise<void>,
  options: FollowOptions = {},
): Promise<Unsubscribe> {
  let next = options.from;
  let target = -1;
  let stopped = false;
  let running = false;

  const report = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // A reporter that throws has nowhere else to go.
    }
  };

  const catchUp = async () => {
    if (running) return;
    running = true;
    try {
      while (!stopped && next !== undefined && next <= target) {
        const number = next;
        let block: FinalizedBlock;
        try {
          const hash = await blockHashAt(ctx, number);
          block = { hash, number, events: await eventsAt(ctx, hash) };
        } catch (error) {
          report(error);
          return; // Retried when the next head comes.
        }
        if (stopped) return;
        next = number + 1;
        try {
          await onBlock(block);
        } catch (error) {
          report(error);
        }
      }
    } finally {
      running = false;
    }
  };

  const subscription = await ctx.rpc.subscribe("chain_subscribeFinalizedHeads", [], "chain_unsubscribeFinalizedHeads", {
    onData: (header) => {
      let number: number;
      try {
        number = headerNumber(header);
      } catch (error) {
        report(error);
        return;
      }
      next ??= number;
      target = Math.max(target, number);
      void catchUp();
    },
    onError: (error: SdkError) => {
      stopped = true;
      report(error);
    },
  });
  return async () => {
    stopped = true;
    await subscription.unsubscribe();
  };
}

/**
 * Waits for the first finalized block from `from` on for which `match` returns a value, and
 * resolves with it; rejects with `onTimeout()` after `timeoutMs`, or when the connection closes.
 */
export function waitForFinalized<T>(
  ctx: ChainContext,
  from: number,
  match: (block: FinalizedBlock) => T | undefined,
  timeoutMs: number,
  onTimeout: () => SdkError,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let stop: Unsubscribe | undefined;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      void stop?.();
      settle();
    };
    const timer = setTimeout(() => finish(() => reject(onTimeout())), timeoutMs);
    followFinalized(
      ctx,
      (block) => {
        if (done) return;
        const found = match(block);
        if (found !== undefined) finish(() => resolve(found));
      },
      {
        from,
        onError: (error) => {
          if (error instanceof SdkError && (error.code === "NODE_DISCONNECTED" || error.code === "CLIENT_CLOSED")) {
            finish(() => reject(error));
          }
        },
      },
    ).then(
      (unsubscribe) => {
        stop = unsubscribe;
        if (done) void unsubscribe();
      },
      (error: unknown) => finish(() => reject(error)),
    );
  });
}
