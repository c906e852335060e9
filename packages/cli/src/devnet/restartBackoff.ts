export interface BackoffOptions {
  /** The first delay, in ms (default 500). */
  readonly initialMs?: number;
  /** The longest delay, in ms (default 10,000). */
  readonly maxMs?: number;
  /** A child that stayed up this long (ms) before exiting starts again from `initialMs` (default 30,000). */
  readonly resetAfterMs?: number;
}

/**
 * How long to wait before restarting a child that exited: `initialMs`, doubling with each exit
 * that follows a short life, up to `maxMs`; back to `initialMs` once a child stayed up long enough.
 */
export class RestartBackoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #resetAfterMs: number;
  #nextMs: number;

  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 500;
    this.#maxMs = options.maxMs ?? 10_000;
    this.#resetAfterMs = options.resetAfterMs ?? 30_000;
    this.#nextMs = this.#initialMs;
  }

  /** The delay before the next start, given how long (ms) the child that just exited ran. */
  next(uptimeMs: number): number {
    if (uptimeMs >= this.#resetAfterMs) this.#nextMs = this.#initialMs;
    const delay = this.#nextMs;
    this.#nextMs = Math.min(this.#nextMs * 2, this.#maxMs);
    return delay;
  }
}
