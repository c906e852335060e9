import { PhalaError } from "@phala-ts/core";

export type CheckpointErrorCode =
  | "CHECKPOINT_UNSUPPORTED_VERSION"
  | "CHECKPOINT_CORRUPT"
  | "CHECKPOINT_FOREIGN_KEYS"
  | "CHECKPOINT_NOT_INITIALIZED";

export class CheckpointError extends PhalaError<CheckpointErrorCode> {
  override readonly name = "CheckpointError";
}
