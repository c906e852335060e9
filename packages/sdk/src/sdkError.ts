import { PhalaError } from "@phala-ts/core";

/** What a worker's `POST /contract/query` answers when it refuses (docs/CONTRACTS.md), passed through as the SdkError's code. */
export type WorkerRefusalCode =
  | "QUERY_MALFORMED"
  | "QUERY_UNREADABLE"
  | "QUERY_CERTIFICATE_EXPIRED"
  | "QUERY_CERTIFICATE_INVALID"
  | "QUERY_SIGNATURE_INVALID"
  | "QUERY_CONTRACT_NOT_FOUND"
  | "QUERY_NONCE_REUSED"
  | "QUERY_RATE_LIMITED"
  | "QUERY_STALE"
  | "QUERY_CONTRACT_UNAVAILABLE"
  | "QUERY_TIMEOUT"
  | "API_BODY_TOO_LARGE"
  | "API_UNSUPPORTED_MEDIA_TYPE"
  | "API_BAD_REQUEST"
  | "API_INTERNAL";

export const WORKER_REFUSAL_CODES: ReadonlySet<string> = new Set<WorkerRefusalCode>([
  "QUERY_MALFORMED",
  "QUERY_UNREADABLE",
  "QUERY_CERTIFICATE_EXPIRED",
  "QUERY_CERTIFICATE_INVALID",
  "QUERY_SIGNATURE_INVALID",
  "QUERY_CONTRACT_NOT_FOUND",
  "QUERY_NONCE_REUSED",
  "QUERY_RATE_LIMITED",
  "QUERY_STALE",
  "QUERY_CONTRACT_UNAVAILABLE",
  "QUERY_TIMEOUT",
  "API_BODY_TOO_LARGE",
  "API_UNSUPPORTED_MEDIA_TYPE",
  "API_BAD_REQUEST",
  "API_INTERNAL",
]);

export type SdkErrorCode =
  // The node and its JSON-RPC.
  /** The node could not be reached (refused, DNS, TLS, or no answer to the WebSocket handshake in time). */
  | "NODE_UNREACHABLE"
  /** The connection to the node closed while a request or subscription was open. */
  | "NODE_DISCONNECTED"
  /** The node did not answer a request within the client's timeout. */
  | "NODE_TIMEOUT"
  /** The node answered a JSON-RPC error; `details` carry its `rpcCode`, `rpcMessage` and `data`. */
  | "NODE_ERROR"
  /** The node answered something no honest node would (malformed JSON, metadata that does not decode). */
  | "NODE_BAD_REPLY"
  /** The client was closed. */
  | "CLIENT_CLOSED"
  // Metadata-driven encoding.
  /** The chain's metadata has no such pallet, call, storage entry, event or constant. */
  | "METADATA_MISMATCH"
  /** The arguments do not fit the call's (or storage key's) types; `details.path` says where. */
  | "ARGS_INVALID"
  // Accounts and key files.
  /** Not an SS58 address, a 0x-hex AccountId32 or 32 bytes. */
  | "ADDRESS_INVALID"
  /** A secret URI, mnemonic or key type that does not give a key. The secret is never echoed. */
  | "ACCOUNT_INVALID"
  /** `saveKeyFile` refuses to replace an existing file. */
  | "KEY_FILE_EXISTS"
  /** The key file cannot be read or written. */
  | "KEY_FILE_UNREADABLE"
  /** The key file is not a Phala-TS key file, or its address does not match its secret. */
  | "KEY_FILE_INVALID"
  /** Other users can read the key file (POSIX mode wider than 0600). */
  | "KEY_FILE_INSECURE"
  // Transactions.
  /** The node's pool refused the transaction; `details.reason` is the node's (e.g. `Payment`, `Stale`, `BadProof`). */
  | "TX_INVALID"
  /** The transaction was included and its call failed; `details.error` is `Pallet.Error` (e.g. `Balances.InsufficientBalance`). */
  | "TX_FAILED"
  /** The pool dropped the transaction, or another one with the same nonce replaced it (`details.reason`). */
  | "TX_DROPPED"
  /** The transaction did not reach the awaited status within `timeoutMs`. */
  | "TX_TIMEOUT"
  // Workers.
  /** The worker's HTTP API could not be reached. */
  | "WORKER_UNREACHABLE"
  /** The worker's `/info` is not the JSON a pRuntime serves. */
  | "WORKER_BAD_INFO"
  /** A worker's answer is not signed by the identity key it names (or is registered under). */
  | "WORKER_BAD_SIGNATURE"
  /** The chain has no registration for the worker's identity key. */
  | "WORKER_NOT_REGISTERED"
  /** What the worker says about itself differs from its registration; `details.field` names what. */
  | "WORKER_MISMATCH"
  /** The worker refused with a code this SDK does not know; `details.workerCode` is it. */
  | "WORKER_REFUSED"
  // Contracts.
  /** No such cluster on chain, or its keys are not published yet (`details.reason`). */
  | "CLUSTER_NOT_READY"
  /** No such contract on chain, or its keys are not published yet (`details.reason`). */
  | "CONTRACT_NOT_READY"
  /** The contract's `init` failed; `details.error` is the contract's `{ code, message }`. */
  | "CONTRACT_INIT_FAILED"
  /** The cluster did not answer a command within `replyTimeoutMs`. */
  | "CONTRACT_REPLY_TIMEOUT"
  /** The sealed reply does not open with the command's key, or was not sealed by the contract's key. */
  | "CONTRACT_REPLY_UNREADABLE"
  /** A query answer that does not answer this query (another nonce, another session). */
  | "QUERY_ANSWER_MISMATCH"
  | WorkerRefusalCode;

/** Every error the SDK throws on purpose: a stable string `code`, a short message, structured `details`. */
export class SdkError extends PhalaError<SdkErrorCode> {
  override readonly name = "SdkError";
}

export function isSdkError(value: unknown, code?: SdkErrorCode): value is SdkError {
  return value instanceof SdkError && (code === undefined || value.code === code);
}
