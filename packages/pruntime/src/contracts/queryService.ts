import { type ContractEngine, ContractError, DEFAULT_LIMITS, type JsonValue } from "@phala-ts/contracts";
import {
  byteKey,
  concatBytes,
  decodeExact,
  decodeReceivedQuery,
  deriveKey,
  type Ed25519Keypair,
  ed25519SignAsync,
  ed25519Verify,
  ed25519VerifyAsync,
  encodeEnvelope,
  QUERY_REQUEST_PURPOSE,
  QUERY_RESPONSE_PURPOSE,
  type QueryRequest,
  queryAnswerCodec,
  queryRequestCodec,
  queryResponseSigningPayload,
  type ReceivedQuery,
  toHex,
  utf8,
  type X25519Keypair,
} from "@phala-ts/core";
import type { VerifiedStorage } from "../chain/chainStorage.js";
import type { ClusterRole, ContractSecrets } from "../keyHierarchy/clusterRole.js";
import type { ContractInstance } from "./contractInstance.js";
import type { ContractRunner } from "./contractRunner.js";
import { ContractServiceError } from "./contractServiceError.js";
import { PUBLIC_INBOX, readInbox } from "./eventInbox.js";
import { NonceWindow, RateLimiter } from "./queryGuards.js";
import { type CertifiedSession, CertifiedSessions } from "./querySessions.js";

export interface QueryServiceOptions {
  /** Queries a second per account, sustained (default 1,000); twice that at once. */
  readonly ratePerSecond?: number | undefined;
  readonly now?: (() => number) | undefined;
  /** When this worker started (default: now); queries issued before it are refused as stale. */
  readonly startedAtMs?: number | undefined;
}

/** What a query runs against: the newest dispatched block. */
export interface QueryHead {
  readonly number: number;
  readonly timestamp: bigint;
  readonly state: VerifiedStorage;
}

export interface QueryServiceParts {
  readonly identity: Ed25519Keypair;
  readonly ecdh: X25519Keypair;
  readonly runner: Pick<ContractRunner, "instance" | "code">;
  readonly clusters: Pick<ClusterRole, "contractSecrets">;
  /** An engine with the query time limit. */
  readonly engine: ContractEngine;
  readonly head: () => QueryHead | undefined;
}

export interface QueryResponse {
  /** The sealed QueryAnswer (an encoded envelope). */
  readonly body: Uint8Array;
  /** The identity key's signature over `queryResponseSigningPayload(body)`. */
  readonly signature: Uint8Array;
}

interface PreparedRun {
  readonly instance: ContractInstance;
  readonly secrets: ContractSecrets;
  readonly code: string;
  readonly head: QueryHead;
  readonly input: JsonValue;
  /** Set when the request reads an event inbox instead of running the contract. */
  readonly inbox: { readonly after: number; readonly public: boolean } | undefined;
}

/**
 * `{ "$events": { after?, public? } }`: a request the worker answers itself from the contract's
 * event inboxes (the caller's, or the public one), without running the contract.
 */
function inboxRequest(input: JsonValue): { after: number; public: boolean } | undefined {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return undefined;
  const keys = Object.keys(input);
  if (keys.length !== 1 || keys[0] !== "$events") return undefined;
  const body = input.$events;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return badInbox();
  const { after = 0, public: isPublic = false, ...rest } = body as Record<string, JsonValue>;
  if (
    Object.keys(rest).length > 0 ||
    !Number.isSafeInteger(after) ||
    (after as number) < 0 ||
    typeof isPublic !== "boolean"
  )
    return badInbox();
  return { after: after as number, public: isPublic };
}

function badInbox(): never {
  throw new ContractServiceError(
    "QUERY_MALFORMED",
    'an events request is { "$events": { after?: n >= 0, public?: boolean } }',
  );
}
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A query whose body decoded and whose certificate checked out, its signature not yet checked. */
interface Received {
  readonly query: ReceivedQuery;
  readonly session: CertifiedSession;
  /** What the certificate's ephemeral key must have signed. */
  readonly signingPayload: Uint8Array;
}

/**
 * `POST /contract/query`: checks the certificate (its account's signature, once per
 * certificate, and its expiry), the ephemeral key's signature on the query, the query's age and
 * nonce, and the account's rate, then runs the contract's `query` with the certificate's account
 * as the caller and seals the answer to the certificate's ephemeral key. Plaintext never leaves:
 * the request opens only here and the answer is sealed before it is returned.
 *
 * `answerAsync` does the same with the two Ed25519 operations (the query's verification, the
 * answer's signature: most of a query's CPU) on libuv's thread pool, so that the event loop
 * serves other requests and runs contracts meanwhile; contracts still run on it alone.
 */
export class QueryService {
  readonly #parts: QueryServiceParts;
  readonly #now: () => number;
  readonly #rates: RateLimiter;
  readonly #nonces: NonceWindow;
  readonly #sessions: CertifiedSessions;

  constructor(parts: QueryServiceParts, options: QueryServiceOptions = {}) {
    this.#parts = parts;
    this.#now = options.now ?? Date.now;
    const rate = options.ratePerSecond ?? 1000;
    this.#rates = new RateLimiter(rate, 2 * rate);
    this.#sessions = new CertifiedSessions(parts.ecdh);
    // Nonces are in memory only: what this worker answered before it started, it cannot tell.
    this.#nonces = new NonceWindow({ notBeforeMs: options.startedAtMs ?? this.#now() });
  }

  answer(body: Uint8Array): QueryResponse {
    const received = this.#receive(body);
    const { signature, certificate } = received.query;
    if (!ed25519Verify(signature, received.signingPayload, certificate.body.ephemeral.pubkey)) throw badSignature();
    const sealed = this.#respond(received);
    return { body: sealed, signature: this.#parts.identity.sign(queryResponseSigningPayload(sealed)) };
  }

  async answerAsync(body: Uint8Array): Promise<QueryResponse> {
    const received = this.#receive(body);
    const { signature, certificate } = received.query;
    if (!(await ed25519VerifyAsync(signature, received.signingPayload, certificate.body.ephemeral.pubkey))) {
      throw badSignature();
    }
    const sealed = this.#respond(received);
    return {
      body: sealed,
      signature: await ed25519SignAsync(this.#parts.identity, queryResponseSigningPayload(sealed)),
    };
  }

  /** Decodes the body and checks the certificate: its expiry, then (once) its account's signature. */
  #receive(body: Uint8Array): Received {
    let query: ReceivedQuery;
    try {
      query = decodeReceivedQuery(body);
    } catch (cause) {
      throw new ContractServiceError("QUERY_MALFORMED", "the body is not a SCALE SignedQuery", {}, { cause });
    }
    checkExpiry(Number(query.certificate.body.expiresAtMs), this.#now());
    const session = this.#sessions.of(query);
    return { query, session, signingPayload: concatBytes(session.signingPrefix, query.envelope) };
  }

  /**
   * For a query whose signature checked out: opens it, spends its nonce and its account's rate,
   * runs it and seals the answer. Synchronous from the nonce's check to its record, so a nonce
   * is spent once however many copies of a query are in flight.
   */
  #respond({ query, session }: Received): Uint8Array {
    const now = this.#now();
    // Again: the signature's check may have waited on the thread pool.
    checkExpiry(session.expiresAtMs, now);
    const request = this.#open(session, query.envelope);
    const nonce = byteKey(request.nonce);
    const issuedAtMs = Number(request.issuedAtMs);
    this.#nonces.check(nonce, issuedAtMs, now);
    // Only for a signed query with a new nonce: a query seen on the wire, sent again, must not
    // spend its account's rate.
    this.#rates.take(session.accountKey, now);
    const run = this.#prepare(request);
    this.#nonces.record(nonce, issuedAtMs);
    const { inbox } = run;
    const account = session.certificate.body.account;
    const outcome =
      inbox === undefined
        ? this.#run(run, request, account)
        : ({
            ok: true,
            output: readInbox(
              run.instance.inboxes,
              inbox.public ? PUBLIC_INBOX : toHex(account),
              inbox.after,
            ) as unknown as JsonValue,
          } as const);
    const payload = utf8(JSON.stringify(outcome.ok ? outcome.output : outcome.error));
    const plaintext = queryAnswerCodec.enc({ nonce: request.nonce, succeeded: outcome.ok, payload });
    return encodeEnvelope(session.channel.seal(QUERY_RESPONSE_PURPOSE, plaintext));
  }

  #open(session: CertifiedSession, envelope: Uint8Array): QueryRequest {
    let plaintext: Uint8Array;
    try {
      plaintext = session.channel.open(QUERY_REQUEST_PURPOSE, envelope);
    } catch (cause) {
      throw new ContractServiceError(
        "QUERY_UNREADABLE",
        "the query does not open with this worker's key: sealed to another key, by another than the certificate's key, or altered",
        {},
        { cause },
      );
    }
    try {
      return decodeExact(queryRequestCodec.dec, plaintext, "QueryRequest");
    } catch (cause) {
      throw new ContractServiceError("QUERY_MALFORMED", "the sealed request is not a QueryRequest", {}, { cause });
    }
  }

  /** Everything the call needs, or why there is none; checked before the nonce is spent. */
  #prepare(request: QueryRequest): PreparedRun {
    const instance = this.#parts.runner.instance(request.contract);
    const head = this.#parts.head();
    if (instance === undefined || head === undefined) {
      throw new ContractServiceError("QUERY_CONTRACT_NOT_FOUND", "this worker does not run this contract", {
        contract: toHex(request.contract),
      });
    }
    const secrets = this.#parts.clusters.contractSecrets(instance.cluster, instance.contract);
    const code = this.#parts.runner.code(instance, head.state);
    const unavailable =
      instance.unavailable ??
      (secrets === undefined || code === undefined
        ? "this worker does not hold the contract's keys"
        : instance.nextIndex === BigInt(instance.backlog.length)
          ? "its instantiation is waiting for the cluster's key"
          : undefined);
    if (unavailable !== undefined || secrets === undefined || code === undefined) {
      throw new ContractServiceError("QUERY_CONTRACT_UNAVAILABLE", `the contract cannot answer here: ${unavailable}`, {
        contract: toHex(request.contract),
      });
    }
    let input: JsonValue;
    try {
      input = JSON.parse(strictUtf8.decode(request.payload)) as JsonValue;
    } catch (cause) {
      throw new ContractServiceError("QUERY_MALFORMED", "the query's payload is not UTF-8 JSON", {}, { cause });
    }
    return { instance, secrets, code, head, input, inbox: inboxRequest(input) };
  }

  /**
   * Runs the contract's `query` in the engine's warm context for this caller and contract (its
   * code's top level already ran there; nothing another caller's queries left is ever in it),
   * against the contract's storage as it is now.
   */
  #run(run: PreparedRun, request: QueryRequest, caller: Uint8Array) {
    const { instance, secrets, code, head, input } = run;
    try {
      return this.#parts.engine.runQuery({
        code,
        entry: "query",
        input,
        ctx: {
          contractId: instance.contract,
          caller,
          blockNumber: head.number,
          timestampMs: Number(head.timestamp),
          randomSeed: () => deriveKey(secrets.derivation, ["query", request.nonce]),
        },
        storage: instance.storage,
        limits: DEFAULT_LIMITS,
      });
    } catch (error) {
      if (error instanceof ContractError && error.code === "CONTRACT_TIMEOUT") {
        throw new ContractServiceError("QUERY_TIMEOUT", error.message, { contract: toHex(instance.contract) });
      }
      throw new ContractServiceError(
        "QUERY_CONTRACT_UNAVAILABLE",
        "the contract engine failed; try again",
        { contract: toHex(instance.contract) },
        { cause: error },
      );
    }
  }
}

function checkExpiry(expiresAtMs: number, nowMs: number): void {
  if (expiresAtMs <= nowMs) {
    throw new ContractServiceError("QUERY_CERTIFICATE_EXPIRED", "the query certificate has expired", { expiresAtMs });
  }
}

function badSignature(): ContractServiceError {
  return new ContractServiceError("QUERY_SIGNATURE_INVALID", "the query is not signed by the certificate's key");
}
