import {
  decodeReceivedQuery,
  devAccounts,
  ed25519Generate,
  publicKeysFromSeed,
  QuerySession,
  queryCertificateCodec,
  querySigningPrefix,
  type ReceivedQuery,
  signedQueryCodec,
  signQuery,
  signQueryCertificate,
  x25519Ephemeral,
} from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { errorCodeOf } from "../../../core/src/testing/errorCode.test-util.js";
import { CertifiedSessions } from "./querySessions.js";

const sr = devAccounts("sr25519");
const workerEcdh = x25519Ephemeral();
const contract = new Uint8Array(32).fill(1);

const received = (session: QuerySession): ReceivedQuery =>
  decodeReceivedQuery(session.prepare(workerEcdh.publicKey, contract, null).body);

describe("CertifiedSessions", () => {
  it("checks a certificate once and keeps what its queries need, by the certificate's bytes", () => {
    const sessions = new CertifiedSessions(workerEcdh);
    const alices = QuerySession.create(sr.Alice, 60_000, 1_000);
    const first = received(alices);
    const session = sessions.of(first);
    expect(session.certificate).toEqual(alices.certificate);
    expect(session.expiresAtMs).toBe(61_000);
    expect(session.signingPrefix).toEqual(querySigningPrefix(queryCertificateCodec.enc(alices.certificate)));
    // Every later query of the certificate finds the same session.
    expect(sessions.of(received(alices))).toBe(session);
    expect(sessions.size).toBe(1);
    // Another certificate is another session, even for the same account.
    expect(sessions.of(received(QuerySession.create(sr.Alice, 60_000, 1_000)))).not.toBe(session);
    expect(sessions.size).toBe(2);
  });

  it("keeps nothing of a certificate its account did not sign, nor of its forged variants", () => {
    const sessions = new CertifiedSessions(workerEcdh);
    const signer = ed25519Generate().keypair;
    const keys = { pubkey: signer.publicKey, ecdhPubkey: publicKeysFromSeed(new Uint8Array(32).fill(2)).ecdhPubkey };
    const genuine = signQueryCertificate(sr.Alice, keys, 5_000n);
    const forged = { ...genuine, body: { ...genuine.body, account: sr.Bob.accountId } };
    const longer = { ...genuine, body: { ...genuine.body, expiresAtMs: 6_000n } };
    for (const certificate of [forged, longer]) {
      const body = signedQueryCodec.enc(signQuery(signer, certificate, Uint8Array.of(1)));
      expect(errorCodeOf(() => sessions.of(decodeReceivedQuery(body)))).toBe("QUERY_CERTIFICATE_INVALID");
    }
    expect(sessions.size).toBe(0);
    const body = signedQueryCodec.enc(signQuery(signer, genuine, Uint8Array.of(1)));
    expect(sessions.of(decodeReceivedQuery(body)).certificate).toEqual(genuine);
  });

  it("drops the oldest certificate past its limit, and checks it again when it comes back", () => {
    const sessions = new CertifiedSessions(workerEcdh, 2);
    const [a, b, c] = [sr.Alice, sr.Bob, sr.Charlie].map((account) => QuerySession.create(account, 60_000));
    const first = sessions.of(received(a!));
    sessions.of(received(b!));
    sessions.of(received(c!));
    expect(sessions.size).toBe(2);
    const again = sessions.of(received(a!));
    expect(again).not.toBe(first);
    expect(again.certificate).toEqual(first.certificate);
  });
});
