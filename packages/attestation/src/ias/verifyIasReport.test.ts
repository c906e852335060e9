import { KeyObject, sign, webcrypto } from "node:crypto";
import { readFileSync } from "node:fs";
import { utf8 } from "@phala-ts/core";
import { beforeAll, describe, expect, it } from "vitest";
import { SHARED_VECTORS_DIR } from "../../../core/src/testing/sharedVectors.test-util.js";
import { x509 } from "../dcap/testPki.test-util.js";
import { encodeSgxReport, TEST_MRENCLAVE, TEST_REPORT_DATA } from "../dcap/testQuote.test-util.js";
import type { SgxIasEvidence } from "../evidence.js";
import { rejection } from "../expectRejection.test-util.js";
import { parseIasEvidenceJson } from "./iasEvidenceJson.js";
import { parseIasTimestamp } from "./iasReport.js";
import { type IasVerifyOptions, verifyIasReport } from "./verifyIasReport.js";

const DIR = `${SHARED_VECTORS_DIR}/attestation/phala-ias`;
const palletText = readFileSync(`${DIR}/pallet_ias_attestation.json`, "utf8");
const crateText = readFileSync(`${DIR}/crate_ias_attestation.json`, "utf8");
const pallet = parseIasEvidenceJson(palletText);
const crate = parseIasEvidenceJson(utf8(crateText));
const PALLET_NOW = 1631441180;
/** 2021-09-12T18:06:20.402478 (UTC): eight hours after PALLET_NOW, which Phala's tests took as UTC+8. */
const PALLET_TIMESTAMP = 1631469980;
const CRATE_TIMESTAMP = parseIasTimestamp("2023-10-18T09:01:15.022794") as number;

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  const at = index < 0 ? copy.length + index : index;
  copy[at] = (copy[at] as number) ^ 0x01;
  return copy;
}

describe("real IAS reports", () => {
  it("pallet report: SW_HARDENING_NEEDED with the README's enclave", () => {
    const result = verifyIasReport(pallet, { now: PALLET_NOW });
    expect(result).toMatchObject({
      kind: "ias",
      iasStatus: "SW_HARDENING_NEEDED",
      tcbStatus: "SWHardeningNeeded",
      advisoryIds: ["INTEL-SA-00334"],
      confidence: 2,
      debug: false,
      timestamp: PALLET_TIMESTAMP,
    });
    expect(Buffer.from(result.measurement.mrEnclave).toString("hex")).toBe(
      "518422fa769d2d55982015a0e0417c6a8521fdfc7308f5ec18aaa1b6924bd0f3",
    );
    expect(Buffer.from(result.reportData.subarray(0, 32)).toString("hex")).toBe(
      "3178d13cb51f21159337cbe864c13ea2dff17dd5d49da05db3b53c1f0ff23e8c",
    );
  });

  it("crate report: GROUP_OUT_OF_DATE, signature and chain verify", () => {
    const result = verifyIasReport(crate, { now: CRATE_TIMESTAMP + 60 });
    expect(result).toMatchObject({ iasStatus: "GROUP_OUT_OF_DATE", tcbStatus: "OutOfDate", confidence: 5 });
    expect(result.advisoryIds).toContain("INTEL-SA-00828");
    expect(new TextDecoder().decode(result.reportData.subarray(0, 11))).toBe("Hello World");
  });

  it("is stale 7200 s after its timestamp, or after the caller's maximum age", () => {
    expect(verifyIasReport(pallet, { now: PALLET_TIMESTAMP + 7200 }).iasStatus).toBe("SW_HARDENING_NEEDED");
    const error = rejection(() => verifyIasReport(pallet, { now: PALLET_TIMESTAMP + 7201 }), "IAS_REPORT_STALE");
    expect(error.details).toMatchObject({ timestamp: PALLET_TIMESTAMP, maxAgeSeconds: 7200 });
    rejection(() => verifyIasReport(pallet, { now: PALLET_TIMESTAMP + 61, maxAgeSeconds: 60 }), "IAS_REPORT_STALE");
    rejection(() => verifyIasReport(pallet, { now: PALLET_NOW, maxAgeSeconds: -1 }), "ATTESTATION_INVALID_ARGUMENT");
  });

  it("checks the signing certificate's validity at now", () => {
    const expiry = Date.UTC(2026, 10, 20, 9, 36, 58) / 1000;
    rejection(() => verifyIasReport(pallet, { now: expiry + 1, maxAgeSeconds: 2 ** 40 }), "IAS_CERT_EXPIRED");
    rejection(() => verifyIasReport(pallet, { now: Date.UTC(2016, 0, 1) / 1000 }), "IAS_CERT_NOT_YET_VALID");
  });

  it("refuses a tampered report, signature or certificate", () => {
    const options: IasVerifyOptions = { now: PALLET_NOW };
    for (const index of [0, 30, 500, -2]) {
      rejection(() => verifyIasReport({ ...pallet, report: flip(pallet.report, index) }, options), "IAS_BAD_SIGNATURE");
    }
    rejection(
      () => verifyIasReport({ ...pallet, signature: flip(pallet.signature, 100) }, options),
      "IAS_BAD_SIGNATURE",
    );
    rejection(
      () => verifyIasReport({ ...pallet, signature: pallet.signature.subarray(1) }, options),
      "IAS_BAD_SIGNATURE",
    );
    rejection(
      () => verifyIasReport({ ...pallet, certificate: flip(pallet.certificate, -3) }, options),
      "IAS_CERT_BAD_SIGNATURE",
    );
    rejection(() => verifyIasReport({ ...pallet, certificate: crate.signature }, options), "IAS_CERT_CHAIN_INVALID");
  });

  it("reads evidence JSON with hex or base64 fields, and nothing else", () => {
    expect(pallet.certificate).toEqual(crate.certificate);
    const malformed = (text: string) => rejection(() => parseIasEvidenceJson(text), "IAS_REPORT_MALFORMED");
    const object = JSON.parse(palletText);
    malformed(JSON.stringify({ ...object, extra: 1 }));
    malformed(JSON.stringify({ ...object, signature: "not base64!" }));
    malformed(JSON.stringify({ raReport: object.raReport, signature: object.signature }));
    malformed("[]");
    malformed("{");
  });
});

/** An RSA report-signing PKI of our own, for statuses the real reports do not have. */
const RSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: Uint8Array.of(1, 0, 1), modulusLength: 2048 };
let rootDer: Uint8Array;
let leafDer: Uint8Array;
let leafPem: string;
let rootPem: string;
let leafKey: KeyObject;

beforeAll(async () => {
  const rootKeys = (await webcrypto.subtle.generateKey(RSA, false, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const leafKeys = (await webcrypto.subtle.generateKey(RSA, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=Test Attestation Report Signing CA",
    notBefore: new Date(Date.UTC(2020, 0, 1)),
    notAfter: new Date(Date.UTC(2040, 0, 1)),
    signingAlgorithm: RSA,
    keys: rootKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: "02",
    subject: "CN=Test Attestation Report Signing",
    issuer: root.subjectName,
    notBefore: new Date(Date.UTC(2020, 0, 1)),
    notAfter: new Date(Date.UTC(2030, 0, 1)),
    signingAlgorithm: RSA,
    publicKey: leafKeys.publicKey,
    signingKey: rootKeys.privateKey,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  rootDer = new Uint8Array(root.rawData);
  leafDer = new Uint8Array(leaf.rawData);
  rootPem = root.toString("pem");
  leafPem = leaf.toString("pem");
  leafKey = KeyObject.from(leafKeys.privateKey);
});

const NOW = Date.UTC(2025, 0, 1) / 1000;

function report(fields: Record<string, unknown> = {}, attributes?: Uint8Array): SgxIasEvidence {
  const body = new Uint8Array(432);
  body.set(encodeSgxReport({ attributes }), 48);
  const text = JSON.stringify({
    id: "1",
    timestamp: "2024-12-31T23:30:00.123456",
    version: 4,
    epidPseudonym: "x",
    isvEnclaveQuoteStatus: "OK",
    isvEnclaveQuoteBody: Buffer.from(body).toString("base64"),
    ...fields,
  });
  return { report: utf8(text), signature: new Uint8Array(sign("sha256", utf8(text), leafKey)), certificate: leafDer };
}

describe("IAS reports signed by a test root", () => {
  const verify = (evidence: SgxIasEvidence, options: Partial<IasVerifyOptions> = {}) =>
    verifyIasReport(evidence, { now: NOW, trustedRootCa: rootDer, ...options });

  it("maps IAS statuses to TCB statuses, refusing revoked and invalid quotes", () => {
    expect(verify(report())).toMatchObject({
      tcbStatus: "UpToDate",
      confidence: 1,
      measurement: { mrEnclave: TEST_MRENCLAVE, isvProdId: 3, isvSvn: 2 },
      reportData: TEST_REPORT_DATA,
    });
    const configuration = report({ isvEnclaveQuoteStatus: "CONFIGURATION_NEEDED", advisoryIDs: ["INTEL-SA-1"] });
    expect(verify(configuration)).toMatchObject({ tcbStatus: "ConfigurationNeeded", confidence: 4 });
    expect(verify(configuration, { advisoryAllowlist: ["INTEL-SA-1"] }).confidence).toBe(3);
    const both = report({ isvEnclaveQuoteStatus: "CONFIGURATION_AND_SW_HARDENING_NEEDED" });
    expect(verify(both)).toMatchObject({ tcbStatus: "ConfigurationAndSWHardeningNeeded", confidence: 3 });
    for (const status of ["GROUP_REVOKED", "KEY_REVOKED", "SIGNATURE_REVOKED"]) {
      rejection(() => verify(report({ isvEnclaveQuoteStatus: status })), "IAS_REVOKED");
    }
    for (const status of ["SIGNATURE_INVALID", "SIGRL_VERSION_MISMATCH", "SOMETHING_NEW"]) {
      rejection(() => verify(report({ isvEnclaveQuoteStatus: status })), "IAS_QUOTE_REJECTED");
    }
  });

  it("reports debug enclaves", () => {
    expect(verify(report({}, Uint8Array.of(0x07))).debug).toBe(true);
  });

  it("accepts the signing certificate as a PEM chain whose root is the trusted one", () => {
    const chain = (pem: string) => ({ ...report(), certificate: utf8(pem) });
    expect(verify(chain(leafPem)).tcbStatus).toBe("UpToDate");
    expect(verify(chain(`${leafPem}\n${rootPem}\n`)).tcbStatus).toBe("UpToDate");
    const intelRoot = readFileSync(
      `${SHARED_VECTORS_DIR}/attestation/Intel_SGX_Attestation_Report_Signing_CA.pem`,
      "utf8",
    );
    rejection(() => verify(chain(`${leafPem}\n${intelRoot}`)), "IAS_UNTRUSTED_ROOT");
    rejection(() => verify(chain(`${leafPem}\n${leafPem}\n`)), "IAS_CERT_CHAIN_INVALID");
    rejection(() => verify(chain("-----BEGIN nonsense")), "IAS_CERT_CHAIN_INVALID");
  });

  it("trusts only the pinned IAS root by default", () => {
    rejection(() => verifyIasReport(report(), { now: NOW }), "IAS_UNTRUSTED_ROOT");
    rejection(() => verify(report(), { trustedRootCa: leafDer }), "IAS_UNTRUSTED_ROOT");
  });

  it("refuses reports that are not IAS's format", () => {
    for (const fields of [
      { version: 5 },
      { version: "4" },
      { timestamp: "2024-12-31T23:30:00Z" },
      { timestamp: 1 },
      { isvEnclaveQuoteBody: Buffer.from(new Uint8Array(431)).toString("base64") },
      { isvEnclaveQuoteBody: "!!" },
      { advisoryIDs: "INTEL-SA-1" },
      { isvEnclaveQuoteStatus: 1 },
    ]) {
      rejection(() => verify(report(fields)), "IAS_REPORT_MALFORMED");
    }
    const notJson = utf8("not json");
    rejection(
      () =>
        verify({ report: notJson, signature: new Uint8Array(sign("sha256", notJson, leafKey)), certificate: leafDer }),
      "IAS_REPORT_MALFORMED",
    );
  });

  it("accepts a report timestamped after now (IAS's clock, not ours)", () => {
    expect(verify(report({ timestamp: "2025-01-01T05:00:00" })).timestamp).toBe(NOW + 5 * 3600);
  });
});
