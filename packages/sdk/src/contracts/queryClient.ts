import { fromHex, type Keypair, QuerySession, toHex } from "@phala-ts/core";
import type { ChainContext } from "../chain/chainContext.js";
import { normalizeHex32 } from "../network/ids.js";
import { SdkError } from "../sdkError.js";
import { type VerifiedWorker, verifyWorker } from "../worker/verifyWorker.js";
import { type WorkerHttpOptions, workerBase, workerRequest } from "../worker/workerHttp.js";
import type { QueryOutcome } from "./contractTypes.js";
import { answerError, queryRefusal } from "./queryErrors.js";

export interface QueryClientOptions extends WorkerHttpOptions {
  /** How long a query certificate (one signature by the account) lasts; default 10 minutes. */
  readonly sessionTtlMs?: number;
  /** How long a verified worker's keys are trusted before `/info` is checked again; default 5 minutes. */
  readonly workerTtlMs?: number;
}

const DEFAULT_SESSION_TTL_MS = 10 * 60_000;
const DEFAULT_WORKER_TTL_MS = 5 * 60_000;
/** A certificate this close to expiry is replaced rather than used. */
const SESSION_MARGIN_MS = 30_000;
/** A certificate is replaced after this many queries, so that no one ephemeral key signs without end. */
export const SESSION_MAX_QUERIES = 50_000;

/** Refusals after which the worker's keys are read again: it may have been replaced at that address. */
const STALE_WORKER: ReadonlySet<string> = new Set(["QUERY_UNREADABLE", "WORKER_BAD_SIGNATURE"]);

/**
 * Encrypted, signed contract queries (docs/CONTRACTS.md, "Querying one"): one `QuerySession` per
 * account (a certificate signed once, reused until near its expiry), and one verification of each
 * worker (its `/info`, signature and registration) reused for `workerTtlMs`. Answers must be
 * signed by the verified identity key.
 */
export class QueryClient {
  readonly #ctx: ChainContext;
  readonly #options: QueryClientOptions;
  readonly #sessions = new Map<string, { session: QuerySession; queries: number }>();
  readonly #workers = new Map<string, { worker: Promise<VerifiedWorker>; until: number }>();

  constructor(ctx: ChainContext, options: QueryClientOptions = {}) {
    this.#ctx = ctx;
    this.#options = options;
  }

  /** The worker at `endpoint`, verified (cached for `workerTtlMs`). */
  worker(endpoint: string): Promise<VerifiedWorker> {
    const base = workerBase(endpoint);
    const cached = this.#workers.get(base);
    if (cached !== undefined && cached.until > Date.now()) return cached.worker;
    const worker = verifyWorker(base, this.#ctx, this.#options);
    const entry = { worker, until: Date.now() + (this.#options.workerTtlMs ?? DEFAULT_WORKER_TTL_MS) };
    this.#workers.set(base, entry);
    // A failed verification is not remembered: the next query tries again.
    worker.catch(() => {
      if (this.#workers.get(base) === entry) this.#workers.delete(base);
    });
    return worker;
  }

  /** The account's query session: renewed when its certificate is about to expire, or after SESSION_MAX_QUERIES queries. */
  session(signer: Keypair): QuerySession {
    const key = `${signer.type}:${toHex(signer.accountId)}`;
    const known = this.#sessions.get(key);
    if (
      known !== undefined &&
      known.queries < SESSION_MAX_QUERIES &&
      Number(known.session.certificate.body.expiresAtMs) - SESSION_MARGIN_MS > Date.now()
    ) {
      known.queries++;
      return known.session;
    }
    const session = QuerySession.create(signer, this.#options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS);
    this.#sessions.set(key, { session, queries: 1 });
    return session;
  }

  /**
   * Asks `contract`'s `query` on the worker at `endpoint`, as `signer`. Resolves with the answer
   * (the contract's own refusal included, `ok: false`); a worker's refusal rejects with its code
   * (`QUERY_RATE_LIMITED`, `QUERY_CONTRACT_NOT_FOUND`, …; see docs/CONTRACTS.md).
   */
  async query(
    endpoint: string,
    signer: Keypair,
    contract: string | Uint8Array,
    request: unknown,
  ): Promise<QueryOutcome> {
    const id = normalizeHex32(contract, "contract");
    const base = workerBase(endpoint);
    const worker = await this.worker(base);
    const session = this.session(signer);
    const prepared = session.prepare(fromHex(worker.ecdhPubkey), fromHex(id), request);
    const response = await workerRequest(
      base,
      "/contract/query",
      { method: "POST", body: prepared.body, contentType: "application/octet-stream" },
      this.#options,
    );
    try {
      if (response.status !== 200) throw queryRefusal(base, response.status, response.body);
      let signature: Uint8Array;
      try {
        signature = fromHex(response.signature ?? "");
      } catch {
        throw new SdkError("WORKER_BAD_SIGNATURE", `the worker at ${base} did not sign its answer`, { endpoint: base });
      }
      return await session.openAsync(response.body, signature, fromHex(worker.identity), prepared.nonce);
    } catch (error) {
      const mapped = answerError(base, error);
      if (STALE_WORKER.has(mapped.code)) this.#workers.delete(base);
      throw mapped;
    }
  }
}
