import { QUERY_MAX_AGE_MS } from "@phala-ts/core";
import { ContractServiceError } from "./contractServiceError.js";

/** A token bucket per account: `ratePerSecond` sustained, `burst` at once. */
export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(ratePerSecond: number, burst = ratePerSecond) {
    this.#rate = ratePerSecond;
    this.#burst = burst;
  }

  take(account: string, nowMs: number): void {
    let bucket = this.#buckets.get(account);
    if (bucket === undefined) {
      if (this.#buckets.size >= 100_000) this.#sweep(nowMs);
      bucket = { tokens: this.#burst, at: nowMs };
      this.#buckets.set(account, bucket);
    }
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((nowMs - bucket.at) * this.#rate) / 1000);
    bucket.at = nowMs;
    if (bucket.tokens < 1) {
      throw new ContractServiceError("QUERY_RATE_LIMITED", `at most ${this.#rate} queries a second per account`, {
        retryAfterMs: Math.ceil(((1 - bucket.tokens) * 1000) / this.#rate),
      });
    }
    bucket.tokens -= 1;
  }

  /** Forgets full buckets (an account idle long enough to have refilled). */
  #sweep(nowMs: number): void {
    for (const [account, bucket] of this.#buckets) {
      if (bucket.tokens + ((nowMs - bucket.at) * this.#rate) / 1000 >= this.#burst) this.#buckets.delete(account);
    }
  }
}

export interface NonceWindowOptions {
  /** How old (or how far ahead of this clock) a query may be; default QUERY_MAX_AGE_MS. */
  readonly maxAgeMs?: number;
  /** The most nonces remembered at once; past it new queries are refused until old ones age out. */
  readonly capacity?: number;
  /** Queries issued before this are refused: this worker may have answered them before a restart. */
  readonly notBeforeMs?: number;
}

/**
 * The nonces of the queries this worker answered, each remembered until its query is too old to
 * be accepted (`issuedAtMs` + maxAgeMs): a replay is refused as reused while it is fresh and as
 * stale after. Memory follows the query rate over the window, whatever the certificates' lifetimes.
 * A nonce is spent once whatever the certificate: nonces are random and sealed, so only the
 * querier who chose one can send it under another certificate.
 */
export class NonceWindow {
  readonly #maxAgeMs: number;
  readonly #capacity: number;
  readonly #notBeforeMs: number;
  /** Nonce (latin1) → when it may be forgotten, in insertion order. */
  readonly #spent = new Map<string, number>();

  constructor(options: NonceWindowOptions = {}) {
    this.#maxAgeMs = options.maxAgeMs ?? QUERY_MAX_AGE_MS;
    this.#capacity = options.capacity ?? 1_000_000;
    this.#notBeforeMs = options.notBeforeMs ?? Number.NEGATIVE_INFINITY;
  }

  get size(): number {
    return this.#spent.size;
  }

  /** Throws unless a query issued at `issuedAtMs` with `nonce` may be answered now; `record` spends it. */
  check(nonce: string, issuedAtMs: number, nowMs: number): void {
    if (nowMs - issuedAtMs > this.#maxAgeMs || issuedAtMs < this.#notBeforeMs) {
      throw new ContractServiceError(
        "QUERY_STALE",
        issuedAtMs < this.#notBeforeMs
          ? "the query was issued before this worker started: send a new one"
          : `the query was issued more than ${this.#maxAgeMs / 1000} s ago: send a new one`,
        { issuedAtMs, nowMs },
      );
    }
    if (issuedAtMs - nowMs > this.#maxAgeMs) {
      throw new ContractServiceError(
        "QUERY_STALE",
        `the query was issued more than ${this.#maxAgeMs / 1000} s ahead of this worker's clock`,
        { issuedAtMs, nowMs },
      );
    }
    this.#forget(nowMs);
    if (this.#spent.has(nonce)) {
      throw new ContractServiceError("QUERY_NONCE_REUSED", "this query's nonce was used already");
    }
    if (this.#spent.size >= this.#capacity) {
      throw new ContractServiceError("QUERY_RATE_LIMITED", "this worker tracks its most queries: try again later", {
        capacity: this.#capacity,
      });
    }
  }

  record(nonce: string, issuedAtMs: number): void {
    this.#spent.set(nonce, issuedAtMs + this.#maxAgeMs);
  }

  /**
   * Forgets, from the oldest recorded, the nonces whose queries are now refused as stale. Queries
   * arrive about in the order they were issued; one issued ahead of time only delays the rest.
   */
  #forget(nowMs: number): void {
    for (const [nonce, until] of this.#spent) {
      if (until >= nowMs) break;
      this.#spent.delete(nonce);
    }
  }
}
