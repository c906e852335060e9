import { Bytes, bool, type Codec, createDecoder, type Decoder, Struct, u64 } from "@polkadot-api/substrate-bindings";
import { concatBytes, utf8 } from "../bytes/bytes.js";
import { PhalaError } from "../errors/phalaError.js";
import type { PublicKeys } from "../keyHierarchy/derivedKeys.js";
import { publicKeysCodec } from "../keyHierarchy/gatekeeperMessages.js";
import { type Ed25519Keypair, ed25519Verify } from "../keys/ed25519.js";
import type { Keypair } from "../keys/keypair.js";
import { type MultiSignature, MultiSignatureCodec, multiSign, verifyMultiSignature } from "../keys/multiSignature.js";
import { decodeExact } from "../scale/decodeExact.js";

const key32 = Bytes(32);

export const QUERY_REQUEST_PURPOSE = "phala/contract/query";
export const QUERY_RESPONSE_PURPOSE = "phala/contract/query-response";
export const QUERY_CERTIFICATE_DOMAIN = "phala/contract/query-certificate/v1";
export const QUERY_SIGNING_DOMAIN = "phala/contract/query/v1";
export const QUERY_NONCE_LENGTH = 16;
/**
 * How old a query may be when a worker reads it, by its `issuedAtMs` against the worker's clock;
 * also how far ahead of that clock it may be (clock skew). A worker remembers a query's nonce only
 * as long as the query could still be accepted, so its memory is bounded by its query rate.
 */
export const QUERY_MAX_AGE_MS = 30_000;

export type QueryErrorCode = "QUERY_CERTIFICATE_INVALID" | "QUERY_SIGNATURE_INVALID" | "QUERY_ANSWER_MISMATCH";

export class QueryError extends PhalaError<QueryErrorCode> {
  override readonly name = "QueryError";
}

/**
 * An account's delegation to an ephemeral key for queries until `expiresAtMs`: the account signs
 * it once (Sr25519 verification is slow), the ephemeral key signs each query and receives each
 * answer, so a worker verifies the account's signature once per certificate.
 */
export interface CertificateBody {
  readonly account: Uint8Array;
  readonly ephemeral: PublicKeys;
  readonly expiresAtMs: bigint;
}
export interface QueryCertificate {
  readonly body: CertificateBody;
  readonly signature: MultiSignature;
}
const certificateBodyCodec: Codec<CertificateBody> = Struct({
  account: key32,
  ephemeral: publicKeysCodec,
  expiresAtMs: u64,
});
export const queryCertificateCodec: Codec<QueryCertificate> = Struct({
  body: certificateBodyCodec,
  signature: MultiSignatureCodec,
});

function certificatePayload(body: CertificateBody): Uint8Array {
  return concatBytes(utf8(QUERY_CERTIFICATE_DOMAIN), certificateBodyCodec.enc(body));
}

export function signQueryCertificate(account: Keypair, ephemeral: PublicKeys, expiresAtMs: bigint): QueryCertificate {
  const body = { account: account.accountId, ephemeral, expiresAtMs };
  return { body, signature: multiSign(account, certificatePayload(body)) };
}

/** Whether the account signed this certificate (the expiry is the caller's check, against its own clock). */
export function verifyQueryCertificate(certificate: QueryCertificate): boolean {
  return verifyMultiSignature(certificate.signature, certificatePayload(certificate.body), certificate.body.account);
}

/** What a query carries, sealed to the worker's ECDH key (`QUERY_REQUEST_PURPOSE`). */
export interface QueryRequest {
  readonly contract: Uint8Array;
  /** Fresh per query (random): a worker answers a nonce once. */
  readonly nonce: Uint8Array;
  /** When the query was made (ms since the epoch, the querier's clock); see QUERY_MAX_AGE_MS. */
  readonly issuedAtMs: bigint;
  readonly payload: Uint8Array;
}
export const queryRequestCodec: Codec<QueryRequest> = Struct({
  contract: key32,
  nonce: Bytes(QUERY_NONCE_LENGTH),
  issuedAtMs: u64,
  payload: Bytes(),
});

/** `POST /contract/query`: the sealed request, signed by the certificate's ephemeral key. */
export interface SignedQuery {
  readonly certificate: QueryCertificate;
  readonly envelope: Uint8Array;
  readonly signature: Uint8Array;
}
export const signedQueryCodec: Codec<SignedQuery> = Struct({
  certificate: queryCertificateCodec,
  envelope: Bytes(),
  signature: Bytes(64),
});

const SIGNING_DOMAIN_BYTES = utf8(QUERY_SIGNING_DOMAIN);

/**
 * `QUERY_SIGNING_DOMAIN ++ SCALE(certificate)`: how the signing payload of every query under one
 * certificate begins; the query's envelope follows it.
 */
export function querySigningPrefix(certificateBytes: Uint8Array): Uint8Array {
  return concatBytes(SIGNING_DOMAIN_BYTES, certificateBytes);
}

function querySigningPayload(certificate: QueryCertificate, envelope: Uint8Array): Uint8Array {
  return concatBytes(SIGNING_DOMAIN_BYTES, queryCertificateCodec.enc(certificate), envelope);
}

export function signQuery(ephemeral: Ed25519Keypair, certificate: QueryCertificate, envelope: Uint8Array): SignedQuery {
  return { certificate, envelope, signature: ephemeral.sign(querySigningPayload(certificate, envelope)) };
}

/** Whether the certificate's ephemeral key signed this query (the certificate itself is checked apart). */
export function verifyQuerySignature(query: SignedQuery): boolean {
  return ed25519Verify(
    query.signature,
    querySigningPayload(query.certificate, query.envelope),
    query.certificate.body.ephemeral.pubkey,
  );
}

/** The answer, sealed to the certificate's ephemeral ECDH key (`QUERY_RESPONSE_PURPOSE`). */
export interface QueryAnswer {
  readonly nonce: Uint8Array;
  readonly succeeded: boolean;
  /** The contract's output (JSON), or the error's code and message (JSON). */
  readonly payload: Uint8Array;
}
export const queryAnswerCodec: Codec<QueryAnswer> = Struct({
  nonce: Bytes(QUERY_NONCE_LENGTH),
  succeeded: bool,
  payload: Bytes(),
});

export function decodeSignedQuery(bytes: Uint8Array): SignedQuery {
  return decodeExact(signedQueryCodec.dec, bytes, "SignedQuery");
}

/** A `SignedQuery` as a worker receives it, with the certificate's bytes as they came. */
export interface ReceivedQuery extends SignedQuery {
  /**
   * The certificate's SCALE encoding, sliced from the body: a worker keys what it verified about
   * a certificate by these bytes, and signs nothing new over them.
   */
  readonly certificateBytes: Uint8Array;
}

/** The certificate's codec, decoding its value together with a copy of the bytes it read. */
const certificateWithBytes: Decoder<{ value: QueryCertificate; bytes: Uint8Array }> = createDecoder((input) => {
  const start = (input as Uint8Array & { i: number }).i;
  const value = queryCertificateCodec.dec(input);
  return { value, bytes: new Uint8Array(input.buffer.slice(start, (input as Uint8Array & { i: number }).i)) };
});
const receivedQueryDecoder = Struct.dec({
  certificate: certificateWithBytes,
  envelope: Bytes.dec(),
  signature: Bytes.dec(64),
});

/** `decodeSignedQuery`, keeping the certificate's bytes (ScaleDecodeError for anything but one SignedQuery). */
export function decodeReceivedQuery(bytes: Uint8Array): ReceivedQuery {
  const { certificate, envelope, signature } = decodeExact(receivedQueryDecoder, bytes, "SignedQuery");
  return { certificate: certificate.value, certificateBytes: certificate.bytes, envelope, signature };
}
