import { PhalaError } from "@phala-ts/core";

export type KeyHierarchyErrorCode =
  | "KEYS_NOT_GATEKEEPER"
  | "KEYS_NOT_CLUSTER_MEMBER"
  | "KEYS_SHARE_UNOPENABLE"
  | "KEYS_PUBKEY_MISMATCH"
  | "KEYS_BAD_HISTORY";

/** Why a key message was refused; the refusing pRuntime's keys and state are unchanged. */
export class KeyHierarchyError extends PhalaError<KeyHierarchyErrorCode> {
  override readonly name = "KeyHierarchyError";
}
