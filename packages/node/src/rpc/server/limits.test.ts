import { describe, expect, it } from "vitest";
import { DEFAULT_RPC_LIMITS, RpcLimitsError, resolveLimits } from "./limits.js";

describe("resolveLimits", () => {
  it("defaults to Substrate's sizes", () => {
    expect(resolveLimits()).toEqual({
      maxRequestBytes: 15 * 1024 * 1024,
      maxResponseBytes: 15 * 1024 * 1024,
      maxBatchLength: 100,
      maxSubscriptionsPerConnection: 1024,
      maxConnections: 100,
      maxInFlightPerConnection: 256,
      maxWsBufferedBytes: 32 * 1024 * 1024,
    });
    expect(Object.isFrozen(DEFAULT_RPC_LIMITS)).toBe(true);
  });

  it("overrides what is given", () => {
    expect(resolveLimits({ maxBatchLength: 5 })).toEqual({ ...DEFAULT_RPC_LIMITS, maxBatchLength: 5 });
  });

  it("refuses limits that are not positive integers, and unknown names", () => {
    for (const value of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => resolveLimits({ maxConnections: value })).toThrow(RpcLimitsError);
    }
    expect(() => resolveLimits({ maxConections: 3 } as never)).toThrow(/unknown RPC limit maxConections/);
  });
});
