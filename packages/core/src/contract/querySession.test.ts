import { Bytes } from "@polkadot-api/substrate-bindings";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../bytes/bytes.js";
import { encodeEnvelope } from "../crypto/envelope.js";
import { EnvelopeChannel } from "../crypto/envelopeChannel.js";
import { x25519Ephemeral } from "../crypto/x25519.js";
import { devAccounts } from "../keys/devAccounts.js";
import { ed25519Generate } from "../keys/ed25519.js";
import { errorCodeOf } from "../testing/errorCode.test-util.js";
import {
  decodeReceivedQuery,
  decodeSignedQuery,
  QUERY_REQUEST_PURPOSE,
  QUERY_RESPONSE_PURPOSE,
  queryAnswerCodec,
  queryCertificateCodec,
  queryRequestCodec,
  signedQueryCodec,
  verifyQuerySignature,
} from "./contractQuery.js";
import { QuerySession, queryResponseSigningPayload } from "./querySession.js";

const alice = devAccounts("sr25519").Alice;
const contract = new Uint8Array(32).fill(0x42);

/** A worker's keys, and its side of answering a query (what pRuntime's QueryService does). */
function worker() {
  const ecdh = x25519Ephemeral();
  const identity = ed25519Generate().keypair;
  return {
    ecdh,
    identity,
    answer(body: Uint8Array, output: unknown) {
      const query = decodeSignedQuery(body);
      const channel = new EnvelopeChannel(ecdh, query.certificate.body.ephemeral.ecdhPubkey);
      const request = queryRequestCodec.dec(channel.open(QUERY_REQUEST_PURPOSE, query.envelope));
      const payload = new TextEncoder().encode(JSON.stringify(output));
      const sealed = encodeEnvelope(
        channel.seal(QUERY_RESPONSE_PURPOSE, queryAnswerCodec.enc({ nonce: request.nonce, succeeded: true, payload })),
      );
      return { body: sealed, signature: identity.sign(queryResponseSigningPayload(sealed)), request };
    },
  };
}

describe("QuerySession.prepare", () => {
  it("writes the SignedQuery of its certificate, signed by the ephemeral key, byte for byte as the codec does", () => {
    const session = QuerySession.create(alice, 60_000, 1_000);
    const w = worker();
    const prepared = session.prepare(w.ecdh.publicKey, contract, { balance: {} });
    const query = decodeSignedQuery(prepared.body);
    expect(query.certificate).toEqual(session.certificate);
    expect(verifyQuerySignature(query)).toBe(true);
    expect(signedQueryCodec.enc(query)).toEqual(prepared.body);
    const { request } = w.answer(prepared.body, null);
    expect(request.contract).toEqual(contract);
    expect(request.nonce).toEqual(prepared.nonce);
    expect(JSON.parse(new TextDecoder().decode(request.payload))).toEqual({ balance: {} });
  });

  it("draws a fresh nonce for every query, unless given one", () => {
    const session = QuerySession.create(alice, 60_000);
    const { ecdh } = worker();
    const nonces = new Set(
      Array.from({ length: 200 }, () => toHex(session.prepare(ecdh.publicKey, contract, null).nonce)),
    );
    expect(nonces.size).toBe(200);
    const chosen = new Uint8Array(16).fill(3);
    expect(session.prepare(ecdh.publicKey, contract, null, chosen).nonce).toEqual(chosen);
  });
});

describe("QuerySession.open and openAsync", () => {
  it("open an answer signed by the worker, and refuse one it did not sign or for another query", async () => {
    const session = QuerySession.create(alice, 60_000);
    const w = worker();
    const prepared = session.prepare(w.ecdh.publicKey, contract, { balance: {} });
    const { body, signature } = w.answer(prepared.body, { balance: "7" });
    const expected = { ok: true, output: { balance: "7" } };
    expect(session.open(body, signature, w.identity.publicKey, prepared.nonce)).toEqual(expected);
    expect(await session.openAsync(body, signature, w.identity.publicKey, prepared.nonce)).toEqual(expected);

    const impostor = ed25519Generate().keypair.publicKey;
    expect(errorCodeOf(() => session.open(body, signature, impostor, prepared.nonce))).toBe("QUERY_SIGNATURE_INVALID");
    await expect(session.openAsync(body, signature, impostor, prepared.nonce)).rejects.toMatchObject({
      code: "QUERY_SIGNATURE_INVALID",
    });
    const otherNonce = new Uint8Array(16);
    await expect(session.openAsync(body, signature, w.identity.publicKey, otherNonce)).rejects.toMatchObject({
      code: "QUERY_ANSWER_MISMATCH",
    });
  });
});

describe("decodeReceivedQuery", () => {
  it("keeps the certificate's bytes as they came, which begin the body and the signing payload", () => {
    const session = QuerySession.create(alice, 60_000);
    const body = session.prepare(worker().ecdh.publicKey, contract, null).body;
    const received = decodeReceivedQuery(body);
    expect(received.certificateBytes).toEqual(queryCertificateCodec.enc(session.certificate));
    expect(received.certificateBytes).toEqual(body.subarray(0, received.certificateBytes.length));
    expect(received.certificateBytes.buffer.byteLength).toBe(received.certificateBytes.length);
    const { certificate, envelope, signature } = decodeSignedQuery(body);
    expect(received).toEqual({ certificate, envelope, signature, certificateBytes: received.certificateBytes });
  });

  // A worker keys a certificate's checks and nonces by its bytes: no two encodings of one
  // certificate may exist, or a replay under the other encoding would find unused nonces.
  it("reads only the canonical encoding of a certificate: any decodable bytes re-encode to themselves", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 104, maxLength: 104 }),
        fc.constantFrom(0, 1, 2),
        fc.uint8Array({ minLength: 65, maxLength: 65 }),
        fc.uint8Array({ maxLength: 80 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (fields, variant, signatureBytes, envelope, querySignature) => {
          // account, ephemeral keys and expiry; the MultiSignature's variant and its bytes.
          const certificate = Uint8Array.of(...fields, variant, ...signatureBytes.subarray(0, variant === 2 ? 65 : 64));
          const body = Uint8Array.of(...certificate, ...Bytes().enc(envelope), ...querySignature);
          const received = decodeReceivedQuery(body);
          expect(received.certificateBytes).toEqual(certificate);
          expect(queryCertificateCodec.enc(received.certificate)).toEqual(certificate);
        },
      ),
    );
  });

  it("refuses what is not exactly one SignedQuery", () => {
    const body = QuerySession.create(alice, 60_000).prepare(worker().ecdh.publicKey, contract, null).body;
    expect(errorCodeOf(() => decodeReceivedQuery(body.subarray(0, body.length - 1)))).toBe("SCALE_TRUNCATED");
    expect(errorCodeOf(() => decodeReceivedQuery(Uint8Array.of(...body, 0)))).toBe("SCALE_TRAILING_BYTES");
    const badVariant = body.slice();
    badVariant[104] = 3;
    expect(errorCodeOf(() => decodeReceivedQuery(badVariant))).toMatch(/^SCALE_/);
  });
});
