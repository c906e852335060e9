import { readFileSync } from "node:fs";
import { utf8 } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { SHARED_VECTORS_DIR } from "../../core/src/testing/sharedVectors.test-util.js";
import { SGX_EXPIRED_NOW, SGX_VECTOR, TDX_VECTOR } from "./dcap/realVectors.test-util.js";
import { encodeAttestation } from "./evidence.js";
import { rejection } from "./expectRejection.test-util.js";
import { parseIasEvidenceJson } from "./ias/iasEvidenceJson.js";
import { createSimulatedQuote } from "./simulated/simulatedQuote.js";
import { detectEvidence, verifyEvidence } from "./verifyEvidence.js";

const iasJson = readFileSync(`${SHARED_VECTORS_DIR}/attestation/phala-ias/pallet_ias_attestation.json`);
const IAS_NOW = 1631441180;

describe("verifyEvidence", () => {
  it("detects and verifies raw DCAP quotes with the given collateral", () => {
    const sgx = verifyEvidence(SGX_VECTOR.quote, { collateral: SGX_VECTOR.collateralText, now: SGX_VECTOR.now });
    expect(sgx).toMatchObject({ kind: "sgx-dcap", tcbStatus: "ConfigurationAndSWHardeningNeeded", confidence: 4 });
    const tdx = verifyEvidence(TDX_VECTOR.quote, {
      collateral: TDX_VECTOR.collateral,
      now: TDX_VECTOR.now,
      kind: "tdx",
    });
    expect(tdx).toMatchObject({ kind: "tdx", tcbStatus: "UpToDate", confidence: 1 });
    const allowed = ["INTEL-SA-00289", "INTEL-SA-00615"];
    expect(
      verifyEvidence(SGX_VECTOR.quote, {
        collateral: SGX_VECTOR.collateral,
        now: SGX_VECTOR.now,
        advisoryAllowlist: allowed,
      }).confidence,
    ).toBe(3);
    rejection(
      () => verifyEvidence(SGX_VECTOR.quote, { collateral: SGX_VECTOR.collateral, now: SGX_EXPIRED_NOW }),
      "DCAP_COLLATERAL_EXPIRED",
    );
  });

  it("detects and verifies IAS evidence JSON", () => {
    const result = verifyEvidence(new Uint8Array(iasJson), { now: IAS_NOW });
    expect(result).toMatchObject({ kind: "ias", tcbStatus: "SWHardeningNeeded", confidence: 2 });
    rejection(
      () => verifyEvidence(new Uint8Array(iasJson), { now: IAS_NOW, iasMaxAgeSeconds: -5 }),
      "ATTESTATION_INVALID_ARGUMENT",
    );
    expect(verifyEvidence(new Uint8Array(iasJson), { now: IAS_NOW + 8 * 3600 + 60, iasMaxAgeSeconds: 60 }).kind).toBe(
      "ias",
    );
  });

  it("verifies SCALE Attestation evidence, with the collateral it carries or the caller's", () => {
    const carried = encodeAttestation({
      type: "SgxDcap",
      value: { quote: SGX_VECTOR.quote, collateral: utf8(SGX_VECTOR.collateralText) },
    });
    expect(verifyEvidence(carried, { now: SGX_VECTOR.now }).kind).toBe("sgx-dcap");
    const bare = encodeAttestation({ type: "SgxDcap", value: { quote: TDX_VECTOR.quote, collateral: undefined } });
    rejection(() => verifyEvidence(bare, { now: TDX_VECTOR.now }), "DCAP_COLLATERAL_MISSING");
    expect(verifyEvidence(bare, { now: TDX_VECTOR.now, collateral: TDX_VECTOR.collateral }).kind).toBe("tdx");
    const ias = encodeAttestation({ type: "SgxIas", value: parseIasEvidenceJson(iasJson) });
    expect(verifyEvidence(ias, { now: IAS_NOW })).toMatchObject({ kind: "ias", iasStatus: "SW_HARDENING_NEEDED" });
  });

  it("refuses evidence of another kind than expected", () => {
    const error = rejection(
      () => verifyEvidence(SGX_VECTOR.quote, { collateral: SGX_VECTOR.collateral, now: SGX_VECTOR.now, kind: "tdx" }),
      "ATTESTATION_KIND_MISMATCH",
    );
    expect(error.details).toEqual({ expected: "tdx", actual: "sgx-dcap" });
    rejection(
      () => verifyEvidence(new Uint8Array(iasJson), { now: IAS_NOW, kind: "sgx-dcap" }),
      "ATTESTATION_KIND_MISMATCH",
    );
  });

  it("says what it cannot recognise", () => {
    rejection(() => detectEvidence(new Uint8Array(0)), "ATTESTATION_UNKNOWN_EVIDENCE");
    rejection(() => detectEvidence(utf8("hello")), "ATTESTATION_UNKNOWN_EVIDENCE");
    rejection(() => detectEvidence(Uint8Array.of(9, 0, 2, 0, 0, 0, 0, 0)), "ATTESTATION_UNKNOWN_EVIDENCE");
    rejection(() => detectEvidence(Uint8Array.of(3, 0, 3, 0)), "DCAP_QUOTE_MALFORMED");
    rejection(() => detectEvidence(SGX_VECTOR.quote.map((byte, i) => (i === 2 ? 3 : byte))), "DCAP_QUOTE_UNSUPPORTED");
    rejection(() => detectEvidence(Uint8Array.of(1, 0xff)), "ATTESTATION_MALFORMED");
    const simulated = encodeAttestation({
      type: "Simulated",
      value: createSimulatedQuote({ measurement: new Uint8Array(32), reportData: new Uint8Array(64), debug: false }),
    });
    expect(rejection(() => detectEvidence(simulated), "ATTESTATION_UNKNOWN_EVIDENCE").message).toContain(
      "verifySimulatedQuote",
    );
    expect(detectEvidence(SGX_VECTOR.quote).kind).toBe("sgx-dcap");
    expect(detectEvidence(utf8(` \n${iasJson.toString()}`)).kind).toBe("ias");
  });
});
