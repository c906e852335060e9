import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { SignatureCheck } from "@phala-ts/core";
import { verifyMultiSignature } from "@phala-ts/core";
import { packChecks } from "./signatureBatch.js";
import type { VerifyAnswer, VerifyRequest } from "./signatureWorker.js";

export interface SignatureVerifierOptions {
  /** Threads that verify; 0 verifies on the calling thread. */
  readonly threads: number;
  /**
   * Checks waiting on the threads beyond which new ones are verified on the calling thread: under
   * a flood the event loop then slows down with the threads instead of queueing without bound.
   */
  readonly maxQueued?: number;
  /** The threads' script (a test gives one that fails); default: `signatureWorker.js`. */
  readonly threadScript?: URL;
  /** Told when a thread dies (its checks are verified on the calling thread and it is replaced). */
  readonly onThreadLost?: (error: unknown) => void;
}

/** One thread per core but the event loop's, at least one, at most four. */
export const defaultVerifierThreads = (): number => Math.min(4, Math.max(1, availableParallelism() - 1));

// From `src/service` (tests) and `dist/service` alike: the compiled thread entry.
const WORKER_URL = new URL("../../dist/service/signatureWorker.js", import.meta.url);
const DEFAULT_MAX_QUEUED = 8_192;
/**
 * Checks per batch and batches per thread at once: enough to amortize a batch's messaging and
 * keep each thread busy while its answer comes back, few enough that an urgent check waits for
 * at most two batches (about 80 ms of Sr25519) instead of the whole queue.
 */
const BATCH_CHECKS = 128;
const BATCHES_PER_THREAD = 2;

interface Request {
  readonly checks: readonly SignatureCheck[];
  readonly resolve: (valid: boolean[]) => void;
}

interface Batch {
  readonly requests: readonly Request[];
  readonly checks: readonly SignatureCheck[];
  /** `checks` index of each packed check (the rest could not be valid and were not sent). */
  readonly indices: Uint32Array;
}

interface Thread {
  readonly worker: Worker;
  readonly batches: Map<number, Batch>;
  /** Whether it ever answered: one that dies before (its script fails to load) is not replaced. */
  answered: boolean;
}

const verifyInline = (checks: readonly SignatureCheck[]): boolean[] =>
  checks.map(({ signature, message, signer }) => verifyMultiSignature(signature, message, signer));

/**
 * Verifies signatures on worker threads, so that the event loop keeps serving while crypto runs
 * (Sr25519 costs about 300 µs in WebAssembly, Ed25519 about 100 µs). Requests queue here and go
 * to the threads in batches, urgent ones first; each thread holds at most two batches, so an
 * urgent request never waits behind the whole queue. A thread that dies has its checks verified
 * on the calling thread and is replaced, unless it died before answering anything (a thread that
 * cannot start); after `close`, with no threads, and beyond `maxQueued` waiting checks, requests
 * are verified on the calling thread. Never rejects.
 */
export class SignatureVerifier {
  readonly #threads: Thread[] = [];
  readonly #maxQueued: number;
  readonly #onThreadLost: ((error: unknown) => void) | undefined;
  readonly #threadScript: URL;
  readonly #urgent: Request[] = [];
  readonly #normal: Request[] = [];
  #queued = 0;
  #nextId = 0;
  #scheduled = false;
  #closed = false;

  constructor(options: SignatureVerifierOptions) {
    this.#maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
    this.#onThreadLost = options.onThreadLost;
    this.#threadScript = options.threadScript ?? WORKER_URL;
    for (let i = 0; i < options.threads; i++) this.#spawn();
  }

  get threads(): number {
    return this.#threads.length;
  }

  /**
   * Whether each check's signature is valid, in order. `urgent` requests go before every other
   * waiting one (the node gives them to the messages pRuntimes owe the chain).
   */
  verify(checks: readonly SignatureCheck[], options: { readonly urgent?: boolean } = {}): Promise<boolean[]> {
    if (checks.length === 0) return Promise.resolve([]);
    if (this.#threads.length === 0 || this.#queued >= this.#maxQueued) return Promise.resolve(verifyInline(checks));
    return new Promise((resolve) => {
      (options.urgent === true ? this.#urgent : this.#normal).push({ checks, resolve });
      this.#queued += checks.length;
      if (this.#scheduled) return;
      // What is asked in this turn of the event loop goes out together.
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#dispatch();
      });
    });
  }

  /** Stops the threads; what they held or was waiting, and anything asked later, is verified on the calling thread. */
  async close(): Promise<void> {
    this.#closed = true;
    const threads = this.#threads.splice(0);
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
    for (const thread of threads) this.#settleInline(thread);
    for (const request of [...this.#urgent.splice(0), ...this.#normal.splice(0)]) {
      this.#queued -= request.checks.length;
      request.resolve(verifyInline(request.checks));
    }
  }

  /** Fills every thread's free batch slots from the queues, urgent first. */
  #dispatch(): void {
    for (;;) {
      const thread = this.#freeThread();
      if (thread === undefined) return;
      const requests: Request[] = [];
      let size = 0;
      for (const queue of [this.#urgent, this.#normal]) {
        while (queue.length > 0 && (size === 0 || size + queue[0]!.checks.length <= BATCH_CHECKS)) {
          const request = queue.shift()!;
          requests.push(request);
          size += request.checks.length;
        }
      }
      if (requests.length === 0) return;
      this.#queued -= size;
      const checks = requests.length === 1 ? requests[0]!.checks : requests.flatMap((request) => request.checks);
      const { packed, indices } = packChecks(checks);
      if (indices.length === 0) {
        this.#answer(
          requests,
          checks.map(() => false),
        );
        continue;
      }
      const id = this.#nextId++;
      thread.batches.set(id, { requests, checks, indices });
      thread.worker.postMessage({ id, packed } satisfies VerifyRequest, [packed.buffer as ArrayBuffer]);
    }
  }

  #freeThread(): Thread | undefined {
    let best: Thread | undefined;
    for (const thread of this.#threads) {
      if (thread.batches.size >= BATCHES_PER_THREAD) continue;
      if (best === undefined || thread.batches.size < best.batches.size) best = thread;
    }
    return best;
  }

  #spawn(): void {
    const worker = new Worker(this.#threadScript);
    worker.unref();
    const thread: Thread = { worker, batches: new Map(), answered: false };
    let failure: unknown;
    worker.on("message", ({ id, valid }: VerifyAnswer) => {
      const batch = thread.batches.get(id);
      if (batch === undefined) return;
      thread.answered = true;
      thread.batches.delete(id);
      const results = new Array<boolean>(batch.checks.length).fill(false);
      for (const [k, i] of batch.indices.entries()) results[i] = valid[k] === 1;
      this.#answer(batch.requests, results);
      this.#dispatch();
    });
    worker.on("error", (error) => {
      failure = error;
    });
    worker.on("exit", (code) => {
      if (this.#closed) return;
      const at = this.#threads.indexOf(thread);
      if (at >= 0) this.#threads.splice(at, 1);
      this.#settleInline(thread);
      this.#onThreadLost?.(failure ?? new Error(`signature verifier thread exited with code ${code}`));
      // One that never answered would die again at once: what it would have taken is verified
      // on the calling thread instead (the other threads, if any, go on).
      if (thread.answered) this.#spawn();
      this.#dispatch();
    });
    this.#threads.push(thread);
  }

  #settleInline(thread: Thread): void {
    const batches = [...thread.batches.values()];
    thread.batches.clear();
    for (const batch of batches) this.#answer(batch.requests, verifyInline(batch.checks));
  }

  #answer(requests: readonly Request[], results: boolean[]): void {
    let at = 0;
    for (const request of requests) {
      request.resolve(results.slice(at, at + request.checks.length));
      at += request.checks.length;
    }
  }
}
