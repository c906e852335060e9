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
  const AGE = 1000;

  it("refuses a nonce already recorded, whatever else the query holds, and check alone records nothing", () => {
    const window = new NonceWindow({ maxAgeMs: AGE });
    window.check("n1", 0, 0);
    window.check("n1", 0, 0);
    window.record("n1", 0);
    expect(errorCodeOf(() => window.check("n1", 0, 0))).toBe("QUERY_NONCE_REUSED");
    expect(errorCodeOf(() => window.check("n1", 500, 10))).toBe("QUERY_NONCE_REUSED");
    expect(errorCodeOf(() => window.check("n2", 0, 0))).toBeUndefined();
  });

  it("refuses a query older than maxAgeMs, ahead of the clock by more, or issued before notBeforeMs (QUERY_STALE)", () => {
    const window = new NonceWindow({ maxAgeMs: AGE, notBeforeMs: 100 });
    expect(errorCodeOf(() => window.check("n", 100, 100 + AGE))).toBeUndefined();
    expect(errorCodeOf(() => window.check("n", 100, 101 + AGE))).toBe("QUERY_STALE");
    expect(errorCodeOf(() => window.check("n", 100 + AGE, 100))).toBeUndefined();
    expect(errorCodeOf(() => window.check("n", 101 + AGE, 100))).toBe("QUERY_STALE");
    expect(errorCodeOf(() => window.check("n", 99, 100))).toBe("QUERY_STALE");
  });

  it("forgets a nonce exactly when its query turns stale, so it never answers one twice", () => {
    const window = new NonceWindow({ maxAgeMs: AGE });
    window.record("n1", 0);
    window.record("n2", 500);
    expect(errorCodeOf(() => window.check("n1", 0, AGE))).toBe("QUERY_NONCE_REUSED");
    expect(window.size).toBe(2);
    expect(errorCodeOf(() => window.check("n1", 0, AGE + 1))).toBe("QUERY_STALE");
    window.check("n3", AGE + 1, AGE + 1);
    expect(window.size).toBe(1);
    expect(errorCodeOf(() => window.check("n2", 500, AGE + 1))).toBe("QUERY_NONCE_REUSED");
    window.check("n3", 500 + AGE + 1, 500 + AGE + 1);
    expect(window.size).toBe(0);
  });

  it("holds only the window's nonces at a steady rate, however long it runs", () => {
    const age = 50;
    const window = new NonceWindow({ maxAgeMs: age });
    // 10 queries a ms for 100 windows: at most the last window's (plus one ms) are remembered.
    let most = 0;
    for (let t = 0; t < 100 * age; t++) {
      for (let q = 0; q < 10; q++) {
        const nonce = `${t}:${q}`;
        window.check(nonce, t, t);
        window.record(nonce, t);
      }
      most = Math.max(most, window.size);
    }
    expect(most).toBe(10 * (age + 1));
  });

  it("refuses new queries past its capacity until old ones age out (QUERY_RATE_LIMITED)", () => {
    const window = new NonceWindow({ maxAgeMs: AGE, capacity: 2 });
    window.record("n1", 0);
    window.record("n2", 10);
    expect(errorCodeOf(() => window.check("n3", 10, 10))).toBe("QUERY_RATE_LIMITED");
    expect(errorCodeOf(() => window.check("n1", 10, 10))).toBe("QUERY_NONCE_REUSED");
    expect(errorCodeOf(() => window.check("n3", AGE + 1, AGE + 1))).toBeUndefined();
  });
});
