import { isPhalaError, PhalaError } from "@phala-ts/core";

/** The codes JSON-RPC 2.0 itself defines. */
export const JsonRpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
} as const;

/** Server-error codes for limits, as jsonrpsee (and so a Substrate node) sends them. */
export const RpcLimitErrorCode = {
  TooManySubscriptions: -32006,
  OversizedRequest: -32007,
  OversizedResponse: -32008,
  ServerBusy: -32009,
  TooBigBatch: -32010,
  TooBigBatchResponse: -32011,
} as const;

/**
 * Substrate's application codes (sc-rpc-api `author/error.rs`, `state/error.rs`), so that clients
 * written against a Substrate node (polkadot.js, subxt) recognise our failures.
 */
export const SubstrateErrorCode = {
  /** Extrinsic has an invalid format. */
  BadFormat: 1001,
  /** Error during transaction verification in the runtime. */
  VerificationError: 1002,
  /** The pool rejected the transaction as invalid. */
  InvalidTransaction: 1010,
  /** Cannot determine transaction validity. */
  UnknownTransaction: 1011,
  TemporarilyBanned: 1012,
  AlreadyImported: 1013,
  PriorityTooLow: 1014,
  CycleDetected: 1015,
  /** The transaction could not enter the pool because of its limits. */
  ImmediatelyDropped: 1016,
  /** Substrate's catch-all "Client error" (state base 4000 + 3). */
  ClientError: 4003,
} as const;

export interface RpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** An error a handler throws on purpose: it reaches the client as this exact JSON-RPC error object. */
export class RpcError extends PhalaError<"RPC_ERROR"> {
  override readonly name = "RpcError";
  readonly rpcCode: number;
  readonly data: unknown;

  constructor(rpcCode: number, message: string, data?: unknown, options?: { cause?: unknown }) {
    if (!Number.isSafeInteger(rpcCode)) {
      throw new PhalaError("RPC_INVALID_ERROR_CODE", "a JSON-RPC error code must be an integer", { rpcCode });
    }
    super("RPC_ERROR", message, { rpcCode }, options);
    this.rpcCode = rpcCode;
    this.data = data;
  }

  toErrorObject(): RpcErrorObject {
    return this.data === undefined
      ? { code: this.rpcCode, message: this.message }
      : { code: this.rpcCode, message: this.message, data: this.data };
  }

  static invalidParams(reason: string): RpcError {
    return new RpcError(JsonRpcErrorCode.InvalidParams, "Invalid params", reason);
  }

  static internal(cause?: unknown): RpcError {
    return new RpcError(JsonRpcErrorCode.InternalError, "Internal error", undefined, { cause });
  }

  static limitExceeded(code: number, message: string, limit: number): RpcError {
    return new RpcError(code, message, `Exceeded max limit of ${limit}`);
  }
}

export function isRpcError(value: unknown): value is RpcError {
  return value instanceof RpcError;
}

/**
 * What a client sees for anything a handler throws: an `RpcError` as it is; another `PhalaError`
 * as Substrate's client error (4003) with its message and its string code as `data`; anything else
 * as a bare internal error, because its message and stack may describe our internals.
 */
export function toRpcError(error: unknown): RpcError {
  if (isRpcError(error)) return error;
  if (isPhalaError(error)) {
    return new RpcError(SubstrateErrorCode.ClientError, error.message, error.code, { cause: error });
  }
  return RpcError.internal(error);
}
