import { PhalaError } from "@phala-ts/core";

export type BlockDispatchErrorCode =
  | "DISPATCH_NOT_INITIALIZED"
  | "DISPATCH_EMPTY"
  | "DISPATCH_TOO_MANY_BLOCKS"
  | "DISPATCH_BLOCK_REPEATED"
  | "DISPATCH_BLOCK_SKIPPED"
  | "DISPATCH_BLOCK_NOT_SYNCED"
  | "DISPATCH_CHANGES_UNSORTED"
  | "DISPATCH_STATE_ROOT_MISMATCH";

/** Storage changes that do not lead to the verified state root, or blocks out of order; nothing is applied. */
export class BlockDispatchError extends PhalaError<BlockDispatchErrorCode> {
  override readonly name = "BlockDispatchError";
}
