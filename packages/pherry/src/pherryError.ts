import { PhalaError } from "@phala-ts/core";

export type PherryErrorCode =
  /** The node did not answer (connection refused, reset, timeout). Retried with backoff. */
  | "PHERRY_NODE_UNREACHABLE"
  /** The node answered a JSON-RPC error; `details` carry its code, message and data. */
  | "PHERRY_NODE_ERROR"
  /** The pRuntime did not answer. Retried with backoff. */
  | "PHERRY_PRUNTIME_UNREACHABLE"
  /** The pRuntime refused a request with a typed error; `details.code` is pRuntime's code. */
  | "PHERRY_PRUNTIME_REFUSED"
  /** What answered at the pRuntime's address does not speak its API (another service on that port?). */
  | "PHERRY_BAD_PRUNTIME_REPLY"
  /** The pRuntime was initialized from another chain than this node's. Needs an operator. */
  | "PHERRY_GENESIS_MISMATCH"
  /** The node's metadata lacks a call pherry submits, or declares it with other arguments. */
  | "PHERRY_METADATA_MISMATCH"
  /** The node says something no honest node would (a block it cannot produce, a malformed reply). */
  | "PHERRY_BAD_NODE_REPLY"
  /** The operator account could not be read (bad secret URI, unreadable key file). */
  | "PHERRY_BAD_OPERATOR_KEY"
  /** The chain would refuse an extrinsic pherry was about to submit (dry run). */
  | "PHERRY_EXTRINSIC_REFUSED"
  /** One block's storage changes are over the node's RPC response limit: nothing can relay it. */
  | "PHERRY_BLOCK_TOO_LARGE";

export class PherryError extends PhalaError<PherryErrorCode> {
  override readonly name = "PherryError";
}

/** Errors worth retrying as they are: a process that is down or restarting. */
export function isTransient(error: unknown): boolean {
  return (
    error instanceof PherryError &&
    (error.code === "PHERRY_NODE_UNREACHABLE" || error.code === "PHERRY_PRUNTIME_UNREACHABLE")
  );
}
