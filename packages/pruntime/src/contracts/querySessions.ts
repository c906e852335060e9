import {
  byteKey,
  EnvelopeChannel,
  type QueryCertificate,
  querySigningPrefix,
  type ReceivedQuery,
  verifyQueryCertificate,
  type X25519Keypair,
} from "@phala-ts/core";
import { ContractServiceError } from "./contractServiceError.js";

/** What a worker keeps about a certificate whose account signature it checked. */
export interface CertifiedSession {
  /** The certificate's bytes (latin1): its key here. */
  readonly id: string;
  readonly certificate: QueryCertificate;
  readonly expiresAtMs: number;
  /** The account's id (latin1), for its rate. */
  readonly accountKey: string;
  /** To and from the certificate's ephemeral ECDH key, its envelope keys agreed once. */
  readonly channel: EnvelopeChannel;
  /** How the signing payload of each query under the certificate begins. */
  readonly signingPrefix: Uint8Array;
}

/** Certificates a worker keeps by default; past it, the oldest is dropped (and checked again if used). */
export const SESSION_CACHE = 10_000;

/**
 * The certificates this worker checked, by their bytes: an account's signature (Sr25519 is slow)
 * and the X25519 agreement with the ephemeral key cost once per certificate, not per query. A
 * cached certificate's expiry is still the caller's check on every query.
 */
export class CertifiedSessions {
  readonly #ecdh: X25519Keypair;
  readonly #limit: number;
  readonly #sessions = new Map<string, CertifiedSession>();

  constructor(ecdh: X25519Keypair, limit = SESSION_CACHE) {
    this.#ecdh = ecdh;
    this.#limit = limit;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** The session of the query's certificate, checked now if it is new here. */
  of(query: ReceivedQuery): CertifiedSession {
    const id = byteKey(query.certificateBytes);
    const known = this.#sessions.get(id);
    if (known !== undefined) return known;
    // Keying by the bytes is keying by the certificate: it has one encoding only (core's
    // querySession.test.ts checks that any decodable bytes re-encode to themselves), so a replay
    // cannot bring the same certificate under fresh nonces.
    const { certificate, certificateBytes } = query;
    if (!verifyQueryCertificate(certificate)) {
      throw new ContractServiceError("QUERY_CERTIFICATE_INVALID", "the certificate is not signed by its account");
    }
    let channel: EnvelopeChannel;
    try {
      channel = new EnvelopeChannel(this.#ecdh, certificate.body.ephemeral.ecdhPubkey);
    } catch (cause) {
      throw new ContractServiceError(
        "QUERY_CERTIFICATE_INVALID",
        "the certificate's ECDH key is not usable (a low-order point)",
        {},
        { cause },
      );
    }
    const session: CertifiedSession = {
      id,
      certificate,
      expiresAtMs: Number(certificate.body.expiresAtMs),
      accountKey: byteKey(certificate.body.account),
      channel,
      signingPrefix: querySigningPrefix(certificateBytes),
    };
    if (this.#sessions.size >= this.#limit) this.#sessions.delete(this.#sessions.keys().next().value as string);
    this.#sessions.set(id, session);
    return session;
  }
}
