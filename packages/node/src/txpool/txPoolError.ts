import { PhalaError } from "@phala-ts/core";

export type TxPoolErrorCode =
  /** A transaction with the same hash is already in the pool. */
  | "TXPOOL_ALREADY_IMPORTED"
  /** The transaction provides a tag another pool transaction provides, and does not pay more for it. */
  | "TXPOOL_PRIORITY_TOO_LOW"
  /** The hash was recently included or found invalid; it is refused without validation for a while. */
  | "TXPOOL_TEMPORARILY_BANNED"
  /** The pool is full and the transaction ranks lowest ("Immediately Dropped" in Substrate). */
  | "TXPOOL_FULL"
  /** Validated against a state older than the latest block, which already provided one of its tags. */
  | "TXPOOL_OUTDATED"
  /** No transaction with this hash is in the pool. */
  | "TXPOOL_UNKNOWN_TRANSACTION"
  /** Options that make no sense (a negative limit). */
  | "TXPOOL_INVALID_OPTIONS";

export class TxPoolError extends PhalaError<TxPoolErrorCode> {
  override readonly name = "TxPoolError";
}
