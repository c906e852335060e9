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

/**
 * The nonces each certificate used, kept until the certificate expires (after which its queries
 * are refused anyway). Bounded per certificate and in total, so replay protection never turns
 * into unbounded memory: past the bounds new queries are refused until certificates expire.
 */
export class NonceWindow {
  readonly #perCertificate: number;
  readonly #total: number;
  readonly #byCertificate = new Map<string, { expiresAtMs: number; nonces: Set<string> }>();
  #count = 0;
  #recordedSinceSweep = 0;

  constructor(perCertificate = 100_000, total = 1_000_000) {
    this.#perCertificate = perCertificate;
    this.#total = total;
  }

  /** Throws if the nonce was used with this certificate or no room is left; `record` takes it. */
  check(certificate: string, nonce: string, expiresAtMs: number, nowMs: number): void {
    const entry = this.#byCertificate.get(certificate);
    if (entry?.nonces.has(nonce)) {
      throw new ContractServiceError("QUERY_NONCE_REUSED", "this query's nonce was used already with this certificate");
    }
    if (entry !== undefined && entry.nonces.size >= this.#perCertificate) {
      throw new ContractServiceError(
        "QUERY_RATE_LIMITED",
        "this certificate answered its most queries: sign a new one",
        {
          perCertificate: this.#perCertificate,
        },
      );
    }
    if (this.#count >= this.#total) this.#sweep(nowMs);
    if (this.#count >= this.#total) {
      throw new ContractServiceError("QUERY_RATE_LIMITED", "this worker tracks its most queries: try again later", {
        expiresAtMs,
      });
    }
  }

  record(certificate: string, nonce: string, expiresAtMs: number, nowMs: number): void {
    let entry = this.#byCertificate.get(certificate);
    if (entry === undefined) {
      entry = { expiresAtMs, nonces: new Set() };
      this.#byCertificate.set(certificate, entry);
    }
    entry.nonces.add(nonce);
    this.#count++;
    if (++this.#recordedSinceSweep >= 10_000) this.#sweep(nowMs);
  }

  #sweep(nowMs: number): void {
    this.#recordedSinceSweep = 0;
    for (const [certificate, entry] of this.#byCertificate) {
      if (entry.expiresAtMs > nowMs) continue;
      this.#count -= entry.nonces.size;
      this.#byCertificate.delete(certificate);
    }
  }
}
