import { isSdkError, SdkError } from "../sdkError.js";

/** Substrate's author error codes (sc-rpc-api `author/error.rs`) and what they mean for a caller. */
const POOL_REASONS: Readonly<Record<number, string>> = {
  1001: "BadFormat",
  1002: "VerificationError",
  1011: "UnknownTransaction",
  1012: "TemporarilyBanned",
  1013: "AlreadyImported",
  1014: "PriorityTooLow",
  1015: "CycleDetected",
  1016: "ImmediatelyDropped",
};

/** sp-runtime's `InvalidTransaction` reasons, explained. */
const INVALID_REASONS: Readonly<Record<string, string>> = {
  Call: "the call is not valid here",
  Payment: "the account cannot pay the fee",
  Future: "the nonce is ahead of the account's",
  Stale: "the nonce was used already",
  BadProof: "the signature does not verify (wrong key, genesis hash or runtime version)",
  AncientBirthBlock: "the transaction's era began too long ago",
  ExhaustsResources: "the transaction would not fit in a block",
  BadMandatory: "a mandatory dispatch failed",
  MandatoryValidation: "a mandatory transaction came from outside a block",
  BadSigner: "the signer is not acceptable",
};

/**
 * The SDK's error for a refused submission: the pool's JSON-RPC refusals (1010 invalid, 1001 bad
 * format, 1011–1016) become `TX_INVALID` with the node's reason; other errors pass through.
 */
export function submissionError(error: unknown, txHash: string): unknown {
  if (!isSdkError(error, "NODE_ERROR")) return error;
  const rpcCode = Number(error.details.rpcCode);
  const rpcMessage = String(error.details.rpcMessage ?? "");
  const data = error.details.data;
  if (rpcCode === 1010) {
    const reason = typeof data === "string" ? data : "Invalid";
    const why = INVALID_REASONS[reason];
    return new SdkError(
      "TX_INVALID",
      `the node refused the transaction: ${reason}${why === undefined ? "" : ` (${why})`}`,
      { reason, rpcCode, rpcMessage, txHash },
      { cause: error },
    );
  }
  const reason = POOL_REASONS[rpcCode];
  if (reason === undefined) return error;
  return new SdkError(
    "TX_INVALID",
    `the node refused the transaction: ${reason} (${rpcMessage})`,
    { reason, rpcCode, rpcMessage, txHash, ...(data === undefined ? {} : { data }) },
    { cause: error },
  );
}
