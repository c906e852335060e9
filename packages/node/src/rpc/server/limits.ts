import { PhalaError } from "@phala-ts/core";

const MIB = 1024 * 1024;

export interface RpcLimits {
  /** Largest HTTP body or WebSocket message accepted. */
  readonly maxRequestBytes: number;
  /** Largest single response (or whole batch response) sent. */
  readonly maxResponseBytes: number;
  readonly maxBatchLength: number;
  readonly maxSubscriptionsPerConnection: number;
  /** Open WebSocket connections; HTTP requests are not counted. */
  readonly maxConnections: number;
  /** Calls of one connection being executed at once; a call beyond gets "server is busy". */
  readonly maxInFlightPerConnection: number;
  /** Outgoing bytes a WebSocket may have queued before it is closed as a slow consumer. */
  readonly maxWsBufferedBytes: number;
}

/** Substrate's defaults where it has one (15 MiB request and response, 100 connections, 1024 subscriptions). */
export const DEFAULT_RPC_LIMITS: Readonly<RpcLimits> = Object.freeze({
  maxRequestBytes: 15 * MIB,
  maxResponseBytes: 15 * MIB,
  maxBatchLength: 100,
  maxSubscriptionsPerConnection: 1024,
  maxConnections: 100,
  maxInFlightPerConnection: 256,
  // Above the largest response, so one big answer on a busy socket does not close a healthy client.
  maxWsBufferedBytes: 32 * MIB,
});

export class RpcLimitsError extends PhalaError<"RPC_INVALID_LIMIT"> {
  override readonly name = "RpcLimitsError";
}

export function resolveLimits(overrides: Partial<RpcLimits> = {}): RpcLimits {
  const limits: { -readonly [K in keyof RpcLimits]: number } = { ...DEFAULT_RPC_LIMITS };
  for (const key of Object.keys(DEFAULT_RPC_LIMITS) as (keyof RpcLimits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RpcLimitsError("RPC_INVALID_LIMIT", `RPC limit ${key} must be a positive integer`, { key, value });
    }
    limits[key] = value;
  }
  for (const key of Object.keys(overrides)) {
    if (!(key in DEFAULT_RPC_LIMITS)) {
      throw new RpcLimitsError("RPC_INVALID_LIMIT", `unknown RPC limit ${key}`, { key });
    }
  }
  return limits;
}
