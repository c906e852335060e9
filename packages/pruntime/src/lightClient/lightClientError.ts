import { PhalaError } from "@phala-ts/core";

export type LightClientErrorCode =
  | "LIGHT_CLIENT_NOT_INITIALIZED"
  | "LIGHT_CLIENT_ALREADY_INITIALIZED"
  | "LIGHT_CLIENT_GENESIS_NOT_ZERO"
  | "LIGHT_CLIENT_GENESIS_ROOT_MISMATCH"
  | "LIGHT_CLIENT_AUTHORITY_SET_MISMATCH"
  | "LIGHT_CLIENT_EMPTY_BATCH"
  | "LIGHT_CLIENT_BATCH_TOO_LARGE"
  | "LIGHT_CLIENT_TOO_FAR_AHEAD"
  | "LIGHT_CLIENT_HEADER_NOT_LINKED"
  | "LIGHT_CLIENT_NO_JUSTIFICATION"
  | "LIGHT_CLIENT_AUTHORITY_CHANGE_INSIDE_BATCH";

/** A header batch or genesis that does not prove what it claims; the light client is unchanged. */
export class LightClientError extends PhalaError<LightClientErrorCode> {
  override readonly name = "LightClientError";
}
