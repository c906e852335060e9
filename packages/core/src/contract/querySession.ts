import { Bytes, Struct } from "@polkadot-api/substrate-bindings";
import { byteKey, concatBytes, equalBytes, utf8 } from "../bytes/bytes.js";
import { decodeEnvelope, encodeEnvelope } from "../crypto/envelope.js";
import { EnvelopeChannel } from "../crypto/envelopeChannel.js";
import { publicRandomBytes } from "../crypto/randomPool.js";
import { type X25519Keypair, x25519Ephemeral } from "../crypto/x25519.js";
import { type Ed25519Keypair, ed25519Generate, ed25519Verify, ed25519VerifyAsync } from "../keys/ed25519.js";
import type { Keypair } from "../keys/keypair.js";
import { decodeExact } from "../scale/decodeExact.js";
import {
  QUERY_NONCE_LENGTH,
  QUERY_REQUEST_PURPOSE,
  QUERY_RESPONSE_PURPOSE,
  type QueryAnswer,
  type QueryCertificate,
  QueryError,
  queryAnswerCodec,
  queryCertificateCodec,
  queryRequestCodec,
  querySigningPrefix,
  signQueryCertificate,
} from "./contractQuery.js";

/** What the worker's identity key signs over a query response body (the sealed answer). */
export const QUERY_RESPONSE_DOMAIN = "phala/contract/query-response/v1";
const RESPONSE_DOMAIN_BYTES = utf8(QUERY_RESPONSE_DOMAIN);

export function queryResponseSigningPayload(body: Uint8Array): Uint8Array {
  return concatBytes(RESPONSE_DOMAIN_BYTES, body);
}

/** What follows the certificate in a `SignedQuery` (see `signedQueryCodec`). */
const signedQueryTailCodec = Struct({ envelope: Bytes(), signature: Bytes(64) });
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A worker's answer as the querier reads it: the contract's JSON output, or why it failed. */
export type QueryResult =
  | { readonly ok: true; readonly output: unknown }
  | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

export interface PreparedQuery {
  /** The `POST /contract/query` body (SCALE `SignedQuery`). */
  readonly body: Uint8Array;
  readonly nonce: Uint8Array;
}

/** Workers a session keeps channels with; past it, the oldest channel is dropped (and re-derived if used again). */
const MAX_CHANNELS = 256;

/**
 * An account's query keys for a while: one certificate signed by the account, then each query
 * signed by the ephemeral Ed25519 key. Requests and answers are envelopes between the
 * certificate's X25519 key and the worker's, so each side agrees on their keys once per session
 * (an `EnvelopeChannel`), not once per query.
 */
export class QuerySession {
  readonly certificate: QueryCertificate;
  readonly #signer: Ed25519Keypair;
  readonly #ecdh: X25519Keypair;
  /** The certificate's SCALE bytes, which begin every query's body. */
  readonly #certificateBytes: Uint8Array;
  /** How every query's signing payload begins (`querySigningPrefix`). */
  readonly #signingPrefix: Uint8Array;
  /** By the worker's ECDH public key. */
  readonly #channels = new Map<string, EnvelopeChannel>();

  private constructor(certificate: QueryCertificate, signer: Ed25519Keypair, ecdh: X25519Keypair) {
    this.certificate = certificate;
    this.#signer = signer;
    this.#ecdh = ecdh;
    this.#certificateBytes = queryCertificateCodec.enc(certificate);
    this.#signingPrefix = querySigningPrefix(this.#certificateBytes);
  }

  /** Signs a certificate valid for `ttlMs` from `nowMs`. */
  static create(account: Keypair, ttlMs: number, nowMs = Date.now()): QuerySession {
    const { keypair: signer } = ed25519Generate();
    const ecdh = x25519Ephemeral();
    const expiresAtMs = BigInt(Math.floor(nowMs + ttlMs));
    const certificate = signQueryCertificate(
      account,
      { pubkey: signer.publicKey, ecdhPubkey: ecdh.publicKey },
      expiresAtMs,
    );
    return new QuerySession(certificate, signer, ecdh);
  }

  /**
   * A query of `contract` with a JSON `request`, sealed to the worker's ECDH key, issued at
   * `nowMs`: a worker takes it for QUERY_MAX_AGE_MS (by its own clock), so send it soon.
   */
  prepare(
    workerEcdhPubkey: Uint8Array,
    contract: Uint8Array,
    request: unknown,
    nonce = publicRandomBytes(QUERY_NONCE_LENGTH),
    nowMs = Date.now(),
  ): PreparedQuery {
    const plaintext = queryRequestCodec.enc({
      contract,
      nonce,
      issuedAtMs: BigInt(Math.floor(nowMs)),
      payload: utf8(JSON.stringify(request ?? null)),
    });
    const envelope = encodeEnvelope(this.#channel(workerEcdhPubkey).seal(QUERY_REQUEST_PURPOSE, plaintext));
    // Exactly `signedQueryCodec.enc(signQuery(signer, certificate, envelope))`, without encoding
    // the certificate twice per query.
    const signature = this.#signer.sign(concatBytes(this.#signingPrefix, envelope));
    return { body: concatBytes(this.#certificateBytes, signedQueryTailCodec.enc({ envelope, signature })), nonce };
  }

  /**
   * Checks the worker's signature over the response body, opens the answer and checks it answers
   * this query (`nonce`).
   */
  open(body: Uint8Array, signature: Uint8Array, workerIdentity: Uint8Array, nonce: Uint8Array): QueryResult {
    if (!ed25519Verify(signature, queryResponseSigningPayload(body), workerIdentity)) throw badResponseSignature();
    return this.#read(body, nonce);
  }

  /** `open`, with the signature checked on libuv's thread pool (for a client with many queries in flight). */
  async openAsync(
    body: Uint8Array,
    signature: Uint8Array,
    workerIdentity: Uint8Array,
    nonce: Uint8Array,
  ): Promise<QueryResult> {
    if (!(await ed25519VerifyAsync(signature, queryResponseSigningPayload(body), workerIdentity))) {
      throw badResponseSignature();
    }
    return this.#read(body, nonce);
  }

  /** The answer in a response body whose signature checked out. */
  #read(body: Uint8Array, nonce: Uint8Array): QueryResult {
    const envelope = decodeEnvelope(body);
    const channel = this.#channels.get(byteKey(envelope.senderPublic));
    if (channel === undefined) {
      throw new QueryError("QUERY_ANSWER_MISMATCH", "the answer is not from a worker this session queried");
    }
    const plaintext = channel.open(QUERY_RESPONSE_PURPOSE, envelope);
    const answer: QueryAnswer = decodeExact(queryAnswerCodec.dec, plaintext, "QueryAnswer");
    if (!equalBytes(answer.nonce, nonce)) {
      throw new QueryError("QUERY_ANSWER_MISMATCH", "the answer is for another query");
    }
    const payload = JSON.parse(strictUtf8.decode(answer.payload));
    return answer.succeeded ? { ok: true, output: payload } : { ok: false, error: payload };
  }

  #channel(workerEcdhPubkey: Uint8Array): EnvelopeChannel {
    const key = byteKey(workerEcdhPubkey);
    const known = this.#channels.get(key);
    if (known !== undefined) return known;
    const channel = new EnvelopeChannel(this.#ecdh, workerEcdhPubkey);
    if (this.#channels.size >= MAX_CHANNELS) this.#channels.delete(this.#channels.keys().next().value as string);
    this.#channels.set(key, channel);
    return channel;
  }
}

function badResponseSignature(): QueryError {
  return new QueryError("QUERY_SIGNATURE_INVALID", "the response is not signed by the worker's identity key");
}
