export type { ReadyGraphView } from "./readyIterator.js";
export { ReadyIterator } from "./readyIterator.js";
export type { PruneReport, SubmitResult, TxPoolOptions } from "./txPool.js";
export { TXPOOL_DEFAULTS, TxPool } from "./txPool.js";
export type { TxPoolErrorCode } from "./txPoolError.js";
export { TxPoolError } from "./txPoolError.js";
export { TxWatcher } from "./txWatcher.js";
export type {
  PoolTransaction,
  SetLimits,
  SetStats,
  TxPoolStats,
  TxSource,
  TxStatus,
  ValidateTransaction,
  ValidTransaction,
} from "./types.js";
