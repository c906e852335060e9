/** Where a transaction came from, as sp-runtime's `TransactionSource`. */
export type TxSource = "external" | "local" | "inBlock";

/** What the chain's validation says about a transaction (sp-runtime `ValidTransaction` plus its hash). */
export interface ValidTransaction {
  readonly hash: Uint8Array;
  readonly priority: bigint;
  /** Tags this transaction makes available once included (e.g. SCALE(account ++ nonce)). */
  readonly provides: readonly Uint8Array[];
  /** Tags that must be provided first, by the chain state or by transactions ahead of it. */
  readonly requires: readonly Uint8Array[];
  /** Number of blocks, counted from the validation, for which the transaction stays valid. */
  readonly longevity: number;
  readonly propagate: boolean;
}

/**
 * Validates a transaction against the chain's best state. Throws a typed error (the chain's
 * `TX_INVALID`, or a decoding error) when the transaction can never be included from that state;
 * a transaction waiting for a predecessor is valid and says so in `requires`.
 */
export type ValidateTransaction = (bytes: Uint8Array, source: TxSource) => ValidTransaction | Promise<ValidTransaction>;

/** A transaction held by the pool, as callers see it. */
export interface PoolTransaction {
  readonly hash: Uint8Array;
  readonly bytes: Uint8Array;
  readonly source: TxSource;
  readonly priority: bigint;
  readonly provides: readonly Uint8Array[];
  readonly requires: readonly Uint8Array[];
  readonly propagate: boolean;
  /** Position in arrival order; earlier transactions win ties on priority. */
  readonly insertionId: number;
}

export interface SetLimits {
  readonly count: number;
  readonly bytes: number;
}

export interface SetStats {
  readonly count: number;
  readonly bytes: number;
}

export interface TxPoolStats {
  readonly ready: SetStats;
  readonly future: SetStats;
  readonly banned: number;
}

/** Status updates a watcher receives, as Substrate's `TransactionStatus` (the subset this chain needs). */
export type TxStatus =
  | { readonly type: "future" }
  | { readonly type: "ready" }
  | { readonly type: "inBlock"; readonly blockHash: Uint8Array }
  | { readonly type: "finalized"; readonly blockHash: Uint8Array }
  | { readonly type: "usurped"; readonly by: Uint8Array | undefined }
  | { readonly type: "dropped" }
  | { readonly type: "invalid" };

export const TERMINAL_STATUSES: ReadonlySet<TxStatus["type"]> = new Set(["finalized", "usurped", "dropped", "invalid"]);
