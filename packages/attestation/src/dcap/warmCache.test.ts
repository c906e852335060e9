import { beforeAll, describe, expect, it } from "vitest";
import { AttestationError } from "../errors.js";
import { rejection } from "../expectRejection.test-util.js";
import { parseCertificate } from "../x509/certificate.js";
import { clearParseCaches } from "../x509/parseCache.js";
import { decodePemCertificates } from "../x509/pem.js";
import { pckExtensionOf } from "./pckExtension.js";
import { decodeDcapQuote } from "./quote.js";
import {
  type DcapVector,
  SGX_EXPIRED_NOW,
  SGX_VECTOR,
  TDX_OUTDATED_VECTOR,
  TDX_VECTOR,
} from "./realVectors.test-util.js";
import { createTestPki, DAY, issueCrl, TEST_NOW, type TestPki } from "./testPki.test-util.js";
import { buildCollateral, buildQuote, type CollateralSpec } from "./testQuote.test-util.js";
import { verifyDcapQuote } from "./verifyDcapQuote.js";

/**
 * The certificate and CRL parses are cached by their bytes; everything about time and revocation
 * must still be judged on every verification. These tests compare verifications with the caches
 * warm to the same verifications with the caches empty.
 */

type Outcome =
  | { readonly ok: unknown }
  | { readonly code: string; readonly message: string; readonly details: unknown };

function outcome(run: () => unknown): Outcome {
  try {
    return { ok: run() };
  } catch (error) {
    if (!(error instanceof AttestationError)) throw error;
    return { code: error.code, message: error.message, details: error.details };
  }
}

const verifyAt = (vector: DcapVector, now: number) => () =>
  verifyDcapQuote(vector.quote, { collateral: vector.collateral, now });

/** The times to try each vector at: its own, the edges of its windows, before and long after. */
function nowsOf(vector: DcapVector): number[] {
  return [
    vector.now,
    vector.now + 1,
    vector.now + 2,
    vector.now - 30 * DAY,
    vector.now + 400 * DAY,
    SGX_EXPIRED_NOW,
    1,
  ];
}

describe("verification with warm parse caches", () => {
  for (const vector of [SGX_VECTOR, TDX_VECTOR, TDX_OUTDATED_VECTOR]) {
    it(`${vector.name}: gives what it gives cold, at every now`, () => {
      for (const now of nowsOf(vector)) {
        clearParseCaches();
        const cold = outcome(verifyAt(vector, now));
        // Warm the caches with a verification at the vector's own now, then at `now` again.
        outcome(verifyAt(vector, vector.now));
        const warm = outcome(verifyAt(vector, now));
        expect(warm, `now = ${now}`).toEqual(cold);
        expect(outcome(verifyAt(vector, now)), `now = ${now}`).toEqual(cold);
      }
    });
  }

  it("still refuses an expired window after a successful verification at the valid now", () => {
    clearParseCaches();
    expect(verifyAt(SGX_VECTOR, SGX_VECTOR.now)().tcbStatus).toBe("ConfigurationAndSWHardeningNeeded");
    const expired = rejection(verifyAt(SGX_VECTOR, SGX_EXPIRED_NOW), "DCAP_COLLATERAL_EXPIRED");
    expect(expired.details).toMatchObject({ what: "TCB info", nextUpdate: 1752922571 });
    rejection(verifyAt(SGX_VECTOR, SGX_VECTOR.now + 2), "DCAP_COLLATERAL_EXPIRED");
    rejection(verifyAt(SGX_VECTOR, 1750330000), "DCAP_COLLATERAL_NOT_YET_VALID");
    expect(
      rejection(verifyAt(SGX_VECTOR, SGX_VECTOR.now + 400 * DAY), "DCAP_COLLATERAL_EXPIRED").details,
    ).toMatchObject({ what: "root CA CRL" });
    expect(verifyAt(SGX_VECTOR, SGX_VECTOR.now)().tcbStatus).toBe("ConfigurationAndSWHardeningNeeded");

    expect(verifyAt(TDX_VECTOR, TDX_VECTOR.now)().tcbStatus).toBe("UpToDate");
    expect(rejection(verifyAt(TDX_VECTOR, TDX_VECTOR.now + 2), "DCAP_COLLATERAL_EXPIRED").details).toMatchObject({
      what: "PCK CRL",
    });
    expect(verifyAt(TDX_VECTOR, TDX_VECTOR.now)().tcbStatus).toBe("UpToDate");
  });

  it("caches the PCK extension with the certificate, frozen", () => {
    const pem = new TextDecoder().decode(decodeDcapQuote(SGX_VECTOR.quote).pckChain);
    const fail = (message: string) => new AttestationError("DCAP_QUOTE_MALFORMED", message);
    const [leafDer, caDer] = decodePemCertificates(pem, fail) as [Uint8Array, Uint8Array];
    const extension = pckExtensionOf(parseCertificate(leafDer, fail));
    expect(pckExtensionOf(parseCertificate(Uint8Array.from(leafDer), fail))).toBe(extension);
    expect(Object.isFrozen(extension)).toBe(true);
    expect(Object.isFrozen(extension.tcbComponents)).toBe(true);
    // A certificate without the extension is refused every time.
    const ca = parseCertificate(caDer, fail);
    for (let i = 0; i < 2; i++) expect(() => pckExtensionOf(ca)).toThrow(/missing/);
  });
});

describe("time and revocation with warm caches, on a test PKI", () => {
  let pki: TestPki;
  beforeAll(async () => {
    // The PCK certificate expires a day after TEST_NOW; the collateral lasts 30 days.
    pki = await createTestPki({ pckNotAfter: TEST_NOW + DAY });
  });

  const verify = (now: number, collateral: CollateralSpec = {}) =>
    verifyDcapQuote(buildQuote(pki), {
      collateral: buildCollateral(pki, collateral),
      now,
      trustedRootCa: pki.root.der,
    });

  it("refuses an expired certificate after verifying it while valid", () => {
    clearParseCaches();
    expect(verify(TEST_NOW).tcbStatus).toBe("UpToDate");
    const error = rejection(() => verify(TEST_NOW + 2 * DAY), "DCAP_CERT_EXPIRED");
    expect(error.details).toMatchObject({ chain: "PCK certificate chain", index: 0, notAfter: TEST_NOW + DAY });
    expect(verify(TEST_NOW + DAY).tcbStatus).toBe("UpToDate");
    rejection(() => verify(TEST_NOW + 31 * DAY), "DCAP_COLLATERAL_EXPIRED");
  });

  it("refuses revoked certificates after verifying them unrevoked", async () => {
    const revokesPck = await issueCrl(pki.ca, ["0b01"]);
    const revokesCa = await issueCrl(pki.root, ["0a"]);
    clearParseCaches();
    expect(verify(TEST_NOW).tcbStatus).toBe("UpToDate");
    rejection(() => verify(TEST_NOW, { pckCrl: revokesPck }), "DCAP_PCK_REVOKED");
    rejection(() => verify(TEST_NOW, { rootCrl: revokesCa }), "DCAP_CERT_REVOKED");
    expect(verify(TEST_NOW).tcbStatus).toBe("UpToDate");
    rejection(() => verify(TEST_NOW, { pckCrl: revokesPck }), "DCAP_PCK_REVOKED");
  });
});
