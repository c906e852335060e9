import { describe, expect, it } from "vitest";
import { errorCodeOf } from "../../../core/src/testing/errorCode.test-util.js";
import { ContractServiceError } from "./contractServiceError.js";
import { NonceWindow, RateLimiter } from "./queryGuards.js";

/** How many `take`s pass at `nowMs` before the first refusal (up to `max`). */
function takes(limiter: RateLimiter, account: string, nowMs: number, max = 100): number {
  for (let n = 0; n < max; n++) if (errorCodeOf(() => limiter.take(account, nowMs)) !== undefined) return n;
  return max;
}

describe("RateLimiter", () => {
  it("lets a burst through at once, then refuses with how long to wait", () => {
    const limiter = new RateLimiter(2, 4);
    expect(takes(limiter, "alice", 0)).toBe(4);
    let refused: unknown;
    try {
      limiter.take("alice", 0);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ContractServiceError);
    expect(refused).toMatchObject({ code: "QUERY_RATE_LIMITED", details: { retryAfterMs: 500 } });
  });

  it("refills at the sustained rate, never past the burst", () => {
    const limiter = new RateLimiter(2, 4);
    expect(takes(limiter, "alice", 0)).toBe(4);
    expect(takes(limiter, "alice", 499)).toBe(0);
    expect(takes(limiter, "alice", 500)).toBe(1);
    expect(takes(limiter, "alice", 1500)).toBe(2);
    // Idle for a minute: the burst, not 120 queries.
    expect(takes(limiter, "alice", 61_500)).toBe(4);
  });

  it("keeps one bucket per account", () => {
    const limiter = new RateLimiter(1, 1);
    expect(takes(limiter, "alice", 0)).toBe(1);
    expect(takes(limiter, "bob", 0)).toBe(1);
    expect(takes(limiter, "alice", 999)).toBe(0);
    expect(takes(limiter, "alice", 1000)).toBe(1);
  });

  it("burst defaults to the rate", () => {
    expect(takes(new RateLimiter(3), "alice", 0)).toBe(3);
  });
});

describe("NonceWindow", () => {
  const FAR = 1_000_000;

  it("refuses a nonce already recorded with the same certificate, not with another, and check alone records nothing", () => {
    const window = new NonceWindow();
    window.check("cert-a", "n1", FAR, 0);
    window.check("cert-a", "n1", FAR, 0);
    window.record("cert-a", "n1", FAR, 0);
    expect(errorCodeOf(() => window.check("cert-a", "n1", FAR, 0))).toBe("QUERY_NONCE_REUSED");
    expect(errorCodeOf(() => window.check("cert-a", "n2", FAR, 0))).toBeUndefined();
    expect(errorCodeOf(() => window.check("cert-b", "n1", FAR, 0))).toBeUndefined();
  });

  it("bounds the nonces of one certificate: past the bound it must be renewed", () => {
    const window = new NonceWindow(2, 100);
    window.record("cert-a", "n1", FAR, 0);
    window.record("cert-a", "n2", FAR, 0);
    expect(errorCodeOf(() => window.check("cert-a", "n3", FAR, 0))).toBe("QUERY_RATE_LIMITED");
    // Reuse is still reported as such.
    expect(errorCodeOf(() => window.check("cert-a", "n1", FAR, 0))).toBe("QUERY_NONCE_REUSED");
    expect(errorCodeOf(() => window.check("cert-b", "n1", FAR, 0))).toBeUndefined();
  });

  it("bounds the nonces of all certificates, and makes room by forgetting expired certificates only", () => {
    const window = new NonceWindow(100, 3);
    window.record("expires-early", "n1", 1000, 0);
    window.record("expires-early", "n2", 1000, 0);
    window.record("expires-late", "n1", 5000, 0);
    expect(errorCodeOf(() => window.check("another", "n1", 5000, 999))).toBe("QUERY_RATE_LIMITED");
    // At 1000 the early certificate has expired: its two nonces are swept, the late one's kept.
    expect(errorCodeOf(() => window.check("another", "n1", 5000, 1000))).toBeUndefined();
    window.record("another", "n1", 5000, 0);
    expect(errorCodeOf(() => window.check("expires-late", "n1", 5000, 1000))).toBe("QUERY_NONCE_REUSED");
    window.record("another", "n2", 5000, 0);
    // Full again (late n1, another n1 and n2), and nothing left to sweep until 5000.
    expect(errorCodeOf(() => window.check("another", "n3", 5000, 4999))).toBe("QUERY_RATE_LIMITED");
    expect(errorCodeOf(() => window.check("another", "n3", 5000, 5000))).toBeUndefined();
  });

  it("sweeps by the clock it is given, never forgetting a certificate still valid on it", () => {
    const window = new NonceWindow();
    for (let i = 0; i < 10_000; i++) window.record("cert", String(i), 5000, 1000);
    expect(errorCodeOf(() => window.check("cert", "0", 5000, 1000))).toBe("QUERY_NONCE_REUSED");
  });
});
