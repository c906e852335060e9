import type { DigestItem } from "@phala-ts/core";
import type { VerifiedMessages } from "../chain/verifiedMessages.js";
import type { Origin } from "./origin.js";
import type { StateOverlay } from "./overlay.js";

/** frame_system `Phase`: when in the block an event was deposited. */
export type Phase =
  | { readonly type: "ApplyExtrinsic"; readonly value: number }
  | { readonly type: "Finalization"; readonly value: undefined }
  | { readonly type: "Initialization"; readonly value: undefined };

export interface DepositedEvent {
  readonly phase: Phase;
  /** `{ type: palletName, value: palletEvent }`, the RuntimeEvent shape. */
  readonly event: { readonly type: string; readonly value: unknown };
  readonly topics: readonly Uint8Array[];
}

export interface BlockInfo {
  readonly number: number;
  readonly parentHash: Uint8Array;
}

/**
 * What runtime code sees while a block executes: the state overlay, the block being built, and
 * the event buffer. Events deposited inside a transaction that rolls back are dropped with it.
 */
export class ExecutionContext {
  readonly events: DepositedEvent[] = [];
  /** Digest items the runtime adds to this block's header (authority-set changes). */
  readonly digests: DigestItem[] = [];
  phase: Phase = { type: "Initialization", value: undefined };

  constructor(
    readonly state: StateOverlay,
    readonly block: BlockInfo,
    /** Offchain message signatures already verified (only when this node's producer builds the block). */
    readonly verifiedMessages?: VerifiedMessages,
  ) {}

  deposit(pallet: string, event: { type: string; value: unknown }, topics: readonly Uint8Array[] = []): void {
    this.events.push({ phase: this.phase, event: { type: pallet, value: event }, topics });
  }

  /** Runs `body` atomically: storage writes and events are kept when it returns, dropped when it throws. */
  transactional<T>(body: () => T): T {
    const mark = this.events.length;
    try {
      return this.state.transactional(body);
    } catch (error) {
      this.events.length = mark;
      throw error;
    }
  }
}

/** A call's view: the block's context plus who dispatched it. */
export interface CallContext {
  readonly exec: ExecutionContext;
  readonly origin: Origin;
}
