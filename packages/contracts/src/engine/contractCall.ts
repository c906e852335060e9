import type { ContractOutcomeCode } from "../contractError.js";
import type { JsonValue } from "../kit/json.js";

export type ContractEntry = "init" | "handle" | "query";

/** What the call knows about its surroundings; verified by the host. */
export interface CallContext {
  readonly contractId: Uint8Array;
  /** The verified sender, or undefined (a query nobody signed). */
  readonly caller: Uint8Array | undefined;
  readonly blockNumber: number;
  readonly timestampMs: number;
  /**
   * 32 bytes the host derives for this call (from the block and the contract key), or a function
   * that derives them, called at most once, when the contract first asks for randomness (most
   * queries never do, and the derivation is a good part of a warm query's cost).
   */
  readonly randomSeed: Uint8Array | (() => Uint8Array);
}

/** The contract's committed state, as the host holds it; the engine only reads it. */
export interface StorageView {
  get(key: string): string | undefined;
  /** Every entry whose key starts with `prefix`, in any order (the engine sorts). */
  entries(prefix: string): [string, string][];
}

export interface ContractLimits {
  readonly gas: number;
  /**
   * QuickJS's memory limit. In this build it counts 8 bytes for each live allocation and refuses
   * any single allocation larger than what is left: a deterministic bound on the number and the
   * size of allocations, not on their total (see the README and `heapBytes`).
   */
  readonly memoryBytes: number;
  /** The interpreter's stack while the entry point runs. */
  readonly stackBytes: number;
}

export interface ContractCall {
  /** The bundle (see the package README for its format). */
  readonly code: string;
  readonly entry: ContractEntry;
  readonly input: JsonValue;
  readonly ctx: CallContext;
  readonly storage: StorageView;
  readonly limits: ContractLimits;
}

export interface ContractEvent {
  readonly data: JsonValue;
  /** The one account the event is for; absent for a public event. */
  readonly to?: Uint8Array;
}

export interface ContractSuccess {
  readonly ok: true;
  readonly output: JsonValue;
  /** Sorted by key; the final value of each key written, null for deleted. */
  readonly writes: [string, string | null][];
  readonly events: ContractEvent[];
  readonly gasUsed: number;
}

export interface ContractFailure {
  readonly ok: false;
  readonly error: { readonly code: ContractOutcomeCode; readonly message: string };
  readonly gasUsed: number;
}

export type ContractOutcome = ContractSuccess | ContractFailure;
