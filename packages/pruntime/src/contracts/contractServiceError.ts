import { PhalaError } from "@phala-ts/core";

export type ContractServiceErrorCode =
  /** A command message the chain did not queue as a pending command of this caller. */
  | "COMMAND_NOT_QUEUED"
  /** A command whose index is not the contract's next one here. */
  | "COMMAND_OUT_OF_ORDER"
  | "QUERY_MALFORMED"
  | "QUERY_CERTIFICATE_INVALID"
  | "QUERY_CERTIFICATE_EXPIRED"
  | "QUERY_SIGNATURE_INVALID"
  /** The request does not open with this worker's ECDH key. */
  | "QUERY_UNREADABLE"
  | "QUERY_NONCE_REUSED"
  | "QUERY_RATE_LIMITED"
  | "QUERY_STALE"
  | "QUERY_CONTRACT_NOT_FOUND"
  /** The contract is known here but cannot answer: its history is incomplete or its engine failed. */
  | "QUERY_CONTRACT_UNAVAILABLE"
  | "QUERY_TIMEOUT";

/** A refusal of a contract command or query by this worker. */
export class ContractServiceError extends PhalaError<ContractServiceErrorCode> {
  override readonly name = "ContractServiceError";
}
