import { toHex, utf8 } from "@phala-ts/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AttestationError, type AttestationErrorCode } from "../errors.js";
import { rejection } from "../expectRejection.test-util.js";
import { decodeDcapQuote } from "./quote.js";
import {
  type DcapVector,
  SGX_EXPIRED_NOW,
  SGX_VECTOR,
  TDX_OUTDATED_VECTOR,
  TDX_VECTOR,
  tamperPemCertificate,
} from "./realVectors.test-util.js";
import { type DcapVerifyOptions, verifyDcapQuote } from "./verifyDcapQuote.js";

function verify(vector: DcapVector, overrides: Partial<DcapVerifyOptions> & { quote?: Uint8Array } = {}) {
  return verifyDcapQuote(overrides.quote ?? vector.quote, {
    collateral: vector.collateral,
    now: vector.now,
    ...overrides,
  });
}

function hex(bytes: Uint8Array): string {
  return toHex(bytes).slice(2);
}

describe("real DCAP evidence at its fixed now", () => {
  it("SGX v3: ConfigurationAndSWHardeningNeeded with the README's measurement", () => {
    const result = verify(SGX_VECTOR);
    expect(result.kind).toBe("sgx-dcap");
    if (result.kind !== "sgx-dcap") return;
    expect(result.tcbStatus).toBe("ConfigurationAndSWHardeningNeeded");
    expect(result.advisoryIds).toEqual(["INTEL-SA-00289", "INTEL-SA-00615"]);
    expect(hex(result.measurement.mrEnclave)).toBe("33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb");
    expect(hex(result.measurement.mrSigner)).toBe("815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6");
    expect(result.measurement.isvProdId).toBe(0);
    expect(result.measurement.isvSvn).toBe(0);
    expect(result.debug).toBe(false);
    const reportData = new Uint8Array(64);
    reportData.set(utf8("Hello, world!"));
    expect(result.reportData).toEqual(reportData);
    expect(result.fmspc).toBe("00a067110000");
    // Configuration needed with advisories: 4 unless the caller allows every one of them.
    expect(result.confidence).toBe(4);
    expect(verify(SGX_VECTOR, { advisoryAllowlist: ["INTEL-SA-00615"] }).confidence).toBe(4);
    expect(verify(SGX_VECTOR, { advisoryAllowlist: ["INTEL-SA-00615", "INTEL-SA-00289"] }).confidence).toBe(3);
  });

  it("accepts the collateral as JSON text, UTF-8 bytes or a parsed object", () => {
    const expected = verify(SGX_VECTOR);
    expect(verify(SGX_VECTOR, { collateral: SGX_VECTOR.collateralText })).toEqual(expected);
    expect(verify(SGX_VECTOR, { collateral: utf8(SGX_VECTOR.collateralText) })).toEqual(expected);
  });

  it("SGX one day past the window: the TCB info has expired", () => {
    const error = rejection(() => verify(SGX_VECTOR, { now: SGX_EXPIRED_NOW }), "DCAP_COLLATERAL_EXPIRED");
    expect(error.details).toMatchObject({ what: "TCB info", nextUpdate: 1752922571 });
    // The QE identity is the first to expire: its nextUpdate is one second after the vector's now.
    expect(verify(SGX_VECTOR, { now: SGX_VECTOR.now + 1 }).tcbStatus).toBe("ConfigurationAndSWHardeningNeeded");
    expect(
      rejection(() => verify(SGX_VECTOR, { now: SGX_VECTOR.now + 2 }), "DCAP_COLLATERAL_EXPIRED").details,
    ).toMatchObject({ what: "QE identity" });
    // Before the TCB info was issued.
    rejection(() => verify(SGX_VECTOR, { now: 1750330000 }), "DCAP_COLLATERAL_NOT_YET_VALID");
  });

  it("TDX v4 with trailing zero bytes: UpToDate", () => {
    expect(TDX_VECTOR.quote.length).toBe(5006);
    expect(decodeDcapQuote(TDX_VECTOR.quote).length).toBe(4936);
    const result = verify(TDX_VECTOR);
    expect(result).toMatchObject({ kind: "tdx", tcbStatus: "UpToDate", advisoryIds: [], confidence: 1, debug: false });
    expect(result.kind === "tdx" && hex(result.measurement.teeTcbSvn)).toBe("06010300000000000000000000000000");
    expect(result.kind === "tdx" && result.fmspc).toBe("b0c06f000000");
  });

  it("TDX v5 outdated: no TCB level matches", () => {
    const error = rejection(() => verify(TDX_OUTDATED_VECTOR), "DCAP_TCB_NO_MATCH");
    expect(error.details).toMatchObject({ what: "SGX", pceSvn: 13 });
    // It is rejected for its TCB, not for its collateral: the PCK CRL's window closes one second later.
    rejection(() => verify(TDX_OUTDATED_VECTOR, { now: TDX_OUTDATED_VECTOR.now + 2 }), "DCAP_COLLATERAL_EXPIRED");
  });

  it("never uses the wall clock: now is required, and so is collateral", () => {
    rejection(
      () => verifyDcapQuote(SGX_VECTOR.quote, { collateral: SGX_VECTOR.collateral } as never),
      "ATTESTATION_INVALID_ARGUMENT",
    );
    for (const now of [-1, 1.5, Number.NaN, "1752919277"]) {
      rejection(() => verify(SGX_VECTOR, { now: now as number }), "ATTESTATION_INVALID_ARGUMENT");
    }
    rejection(() => verify(SGX_VECTOR, { collateral: undefined as never }), "DCAP_COLLATERAL_MISSING");
    rejection(
      () => verify(SGX_VECTOR, { advisoryAllowlist: "INTEL-SA-00615" as never }),
      "ATTESTATION_INVALID_ARGUMENT",
    );
  });
});

/** Offsets of the signed and signing regions of a v3 (SGX) or v4 (TDX) quote. */
function regions(version: 3 | 4) {
  const signed = version === 3 ? 432 : 632;
  const signature = signed + 4;
  const attestationKey = signature + 64;
  const qeReport = attestationKey + 64 + (version === 3 ? 0 : 6);
  const qeReportSignature = qeReport + 384;
  const qeAuthData = qeReportSignature + 64 + 2;
  return {
    "header user data": { at: 28, length: 20, code: "DCAP_QUOTE_BAD_SIGNATURE" },
    "header QE SVN": { at: 8, length: 4, code: "DCAP_QUOTE_BAD_SIGNATURE" },
    "report body": { at: 48, length: signed - 48, code: "DCAP_QUOTE_BAD_SIGNATURE" },
    "quote signature": { at: signature, length: 64, code: "DCAP_QUOTE_BAD_SIGNATURE" },
    "attestation key": { at: attestationKey, length: 64, code: "DCAP_QE_BINDING_MISMATCH" },
    "QE report": { at: qeReport, length: 384, code: "DCAP_QE_REPORT_BAD_SIGNATURE" },
    "QE report signature": { at: qeReportSignature, length: 64, code: "DCAP_QE_REPORT_BAD_SIGNATURE" },
    "QE auth data": { at: qeAuthData, length: 32, code: "DCAP_QE_BINDING_MISMATCH" },
  } as const;
}

function flipped(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = (copy[index] as number) ^ 0x01;
  return copy;
}

describe("tampered real evidence", () => {
  for (const [vector, version] of [
    [SGX_VECTOR, 3],
    [TDX_VECTOR, 4],
  ] as const) {
    it(`${vector.name}: a flipped byte in each signed region is refused with that region's code`, () => {
      for (const [region, { at, length, code }] of Object.entries(regions(version))) {
        for (const index of [at, at + (length >> 1), at + length - 1]) {
          const error = rejection(() => verify(vector, { quote: flipped(vector.quote, index) }), code);
          expect(error.code, `${region} byte ${index}`).toBe(code);
        }
      }
    });

    it(`${vector.name}: a flipped signature in the quote's PCK chain is refused`, () => {
      const pem = Buffer.from(decodeDcapQuote(vector.quote).pckChain);
      const at = Buffer.from(vector.quote).indexOf(pem);
      for (const certificate of [0, 1]) {
        const quote = vector.quote.slice();
        quote.set(utf8(tamperPemCertificate(pem.toString("utf8"), certificate)), at);
        const error = rejection(() => verify(vector, { quote }), "DCAP_CERT_BAD_SIGNATURE");
        expect(error.details).toMatchObject({ chain: "PCK certificate chain", index: certificate });
      }
    });
  }

  const collateralCases: [string, (c: Record<string, string>) => void, AttestationErrorCode][] = [
    [
      "TCB info JSON",
      (c) => (c.tcb_info = c.tcb_info!.replace('"tcbEvaluationDataNumber":17', '"tcbEvaluationDataNumber":18')),
      "DCAP_TCB_INFO_BAD_SIGNATURE",
    ],
    [
      "TCB info JSON, re-serialised",
      (c) => (c.tcb_info = JSON.stringify(JSON.parse(c.tcb_info!), null, 1)),
      "DCAP_TCB_INFO_BAD_SIGNATURE",
    ],
    ["TCB info JSON, broken", (c) => (c.tcb_info = c.tcb_info!.slice(0, -1)), "DCAP_TCB_INFO_BAD_SIGNATURE"],
    [
      "TCB info signature",
      (c) => (c.tcb_info_signature = flipHex(c.tcb_info_signature!, 10)),
      "DCAP_TCB_INFO_BAD_SIGNATURE",
    ],
    [
      "QE identity JSON",
      (c) => (c.qe_identity = c.qe_identity!.replace('"tcbEvaluationDataNumber":17', '"tcbEvaluationDataNumber":16')),
      "DCAP_QE_IDENTITY_BAD_SIGNATURE",
    ],
    [
      "QE identity signature",
      (c) => (c.qe_identity_signature = flipHex(c.qe_identity_signature!, 70)),
      "DCAP_QE_IDENTITY_BAD_SIGNATURE",
    ],
    [
      "root CA CRL signature",
      (c) => (c.root_ca_crl = flipHex(c.root_ca_crl!, c.root_ca_crl!.length - 1)),
      "DCAP_CRL_BAD_SIGNATURE",
    ],
    ["PCK CRL signature", (c) => (c.pck_crl = flipHex(c.pck_crl!, c.pck_crl!.length - 1)), "DCAP_CRL_BAD_SIGNATURE"],
    [
      "TCB signing certificate",
      (c) => (c.tcb_info_issuer_chain = tamperPemCertificate(c.tcb_info_issuer_chain!, 0)),
      "DCAP_CERT_BAD_SIGNATURE",
    ],
    [
      "QE identity signing certificate",
      (c) => (c.qe_identity_issuer_chain = tamperPemCertificate(c.qe_identity_issuer_chain!, 0)),
      "DCAP_CERT_BAD_SIGNATURE",
    ],
    [
      "PCK CRL issuer certificate",
      (c) => (c.pck_crl_issuer_chain = tamperPemCertificate(c.pck_crl_issuer_chain!, 0)),
      "DCAP_CERT_BAD_SIGNATURE",
    ],
    [
      "root in a chain",
      (c) => (c.tcb_info_issuer_chain = tamperPemCertificate(c.tcb_info_issuer_chain!, 1)),
      "DCAP_UNTRUSTED_ROOT",
    ],
  ];

  for (const [what, tamper, code] of collateralCases) {
    it(`refuses collateral with a tampered ${what}`, () => {
      for (const vector of [SGX_VECTOR, TDX_VECTOR]) {
        const collateral = { ...vector.collateral };
        tamper(collateral);
        expect(collateral).not.toEqual(vector.collateral);
        rejection(() => verify(vector, { collateral }), code);
      }
    });
  }
});

describe("arbitrary corruption of real evidence", () => {
  const outcome = (run: () => unknown): unknown => {
    try {
      return run();
    } catch (error) {
      expect(error, String(error)).toBeInstanceOf(AttestationError);
      return "refused";
    }
  };

  it("any changed quote byte is refused or changes nothing that was verified", () => {
    for (const vector of [SGX_VECTOR, TDX_VECTOR]) {
      const original = verify(vector);
      fc.assert(
        fc.property(fc.nat(vector.quote.length - 1), fc.integer({ min: 1, max: 255 }), (index, mask) => {
          const quote = vector.quote.slice();
          quote[index] = (quote[index] as number) ^ mask;
          const result = outcome(() => verify(vector, { quote }));
          if (result !== "refused") expect(result).toEqual(original);
        }),
        { numRuns: 150 },
      );
    }
  });

  it("any changed collateral character is refused or changes nothing that was verified", () => {
    const original = verify(SGX_VECTOR);
    const fields = Object.keys(SGX_VECTOR.collateral);
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.nat(), fc.integer({ min: 1, max: 127 }), (field, at, mask) => {
        const text = SGX_VECTOR.collateral[field] as string;
        const index = at % text.length;
        const changed = String.fromCharCode(text.charCodeAt(index) ^ mask);
        const collateral = {
          ...SGX_VECTOR.collateral,
          [field]: text.slice(0, index) + changed + text.slice(index + 1),
        };
        const result = outcome(() => verify(SGX_VECTOR, { collateral }));
        if (result !== "refused") expect(result).toEqual(original);
      }),
      { numRuns: 200 },
    );
  });
});

function flipHex(text: string, index: number): string {
  const digit = Number.parseInt(text[index] as string, 16) ^ 1;
  return text.slice(0, index) + digit.toString(16) + text.slice(index + 1);
}
