import { fromHex } from "@phala-ts/core";
import { beforeAll, describe, expect, it } from "vitest";
import { assertProductionEnclave, assertReportData } from "../evidencePolicy.js";
import { rejection } from "../expectRejection.test-util.js";
import type { VerifiedEvidence } from "../verifiedEvidence.js";
import {
  CA_USAGES,
  createTestPki,
  DAY,
  encodePckExtension,
  issue,
  issueCrl,
  SGX_EXTENSION,
  SIGNER_USAGES,
  TEST_NOW,
  type TestPki,
  x509,
} from "./testPki.test-util.js";
import {
  buildCollateral,
  buildQuote,
  type CollateralSpec,
  type QuoteSpec,
  TEST_MRENCLAVE,
  TEST_MRSIGNER,
  TEST_MRTD,
  TEST_REPORT_DATA,
  testQeIdentity,
  testTcbInfo,
} from "./testQuote.test-util.js";
import { type DcapVerifyOptions, verifyDcapQuote } from "./verifyDcapQuote.js";

let pki: TestPki;
/** Another PKI with its own names. */
let other: TestPki;
/** Another PKI posing as the first: same names, other keys. */
let twin: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
  other = await createTestPki({ rootName: "CN=Other Root CA", caName: "CN=Other PCK CA" });
  twin = await createTestPki();
});

function verify(
  quote: QuoteSpec = {},
  collateral: CollateralSpec = {},
  options: Partial<DcapVerifyOptions> = {},
): VerifiedEvidence {
  return verifyDcapQuote(buildQuote(pki, quote), {
    collateral: buildCollateral(pki, collateral),
    now: TEST_NOW,
    trustedRootCa: pki.root.der,
    ...options,
  });
}

const tdx = { id: "TDX" } as const;
const tdQe = { qeIdentity: testQeIdentity({ id: "TD_QE" }) };

describe("DCAP verification against a test PKI", () => {
  it("verifies a well-formed SGX quote and reports what it says", () => {
    const result = verify();
    expect(result).toMatchObject({
      kind: "sgx-dcap",
      measurement: { mrEnclave: TEST_MRENCLAVE, mrSigner: TEST_MRSIGNER, isvProdId: 3, isvSvn: 2 },
      reportData: TEST_REPORT_DATA,
      debug: false,
      tcbStatus: "UpToDate",
      advisoryIds: [],
      confidence: 1,
      fmspc: "30606a000000",
    });
    expect(() => assertProductionEnclave(result)).not.toThrow();
    expect(() => assertReportData(result, TEST_REPORT_DATA)).not.toThrow();
  });

  it("reports a debug enclave, which assertProductionEnclave refuses", () => {
    const result = verify({ enclave: { attributes: Uint8Array.of(0x07) } });
    expect(result.debug).toBe(true);
    expect(result.tcbStatus).toBe("UpToDate");
    rejection(() => assertProductionEnclave(result), "ATTESTATION_DEBUG_ENCLAVE");
  });

  it("offers a report_data check for the relying party", () => {
    const result = verify();
    const wrong = TEST_REPORT_DATA.slice();
    wrong[63] = 0xff;
    const error = rejection(() => assertReportData(result, wrong), "ATTESTATION_REPORT_DATA_MISMATCH");
    expect(error.details).toMatchObject({ actual: expect.stringMatching(/^0x00010203/) });
    rejection(() => assertReportData(result, TEST_REPORT_DATA.subarray(0, 32)), "ATTESTATION_REPORT_DATA_MISMATCH");
  });

  it("trusts the pinned Intel root by default, never a root that travels with the evidence", () => {
    rejection(() => verify({}, {}, { trustedRootCa: undefined }), "DCAP_UNTRUSTED_ROOT");
    // Collateral from the trusted PKI, but the quote's PCK chain (with its own root) from another.
    const foreign = buildQuote(pki, { pckChainPem: other.pckChainPem, pckKey: other.pck.privateKey });
    const error = rejection(
      () => verifyDcapQuote(foreign, { collateral: buildCollateral(pki), now: TEST_NOW, trustedRootCa: pki.root.der }),
      "DCAP_UNTRUSTED_ROOT",
    );
    expect(error.details).toMatchObject({ chain: "PCK certificate chain" });
    // The same chain without its root: it does not lead to the trusted root either.
    const rootless = other.pck.pem + other.ca.pem;
    rejection(() => verify({ pckChainPem: rootless, pckKey: other.pck.privateKey }), "DCAP_UNTRUSTED_ROOT");
    // An impostor using the trusted root's name: its CA's signature does not verify under the root.
    const impostor = twin.pck.pem + twin.ca.pem;
    rejection(() => verify({ pckChainPem: impostor, pckKey: twin.pck.privateKey }), "DCAP_CERT_BAD_SIGNATURE");
    // TCB info signed under another root.
    rejection(
      () => verify({}, { tcbChainPem: other.tcbChainPem, signer: other.tcbSigner.privateKey }),
      "DCAP_UNTRUSTED_ROOT",
    );
    // A root CA CRL from another root.
    rejection(() => verify({}, { rootCrl: other.rootCrl }), "DCAP_UNTRUSTED_ROOT");
  });

  it("refuses an injected root that is not a self-signed CA", () => {
    rejection(() => verify({}, {}, { trustedRootCa: pki.ca.der }), "DCAP_UNTRUSTED_ROOT");
    rejection(() => verify({}, {}, { trustedRootCa: new Uint8Array(10) }), "DCAP_UNTRUSTED_ROOT");
  });

  it("refuses a PCK certificate on the PCK CRL, and CAs on the root CA CRL", async () => {
    const pckCrl = await issueCrl(pki.ca, ["0b01"]);
    const error = rejection(() => verify({}, { pckCrl }), "DCAP_PCK_REVOKED");
    expect(error.details).toEqual({ serialNumber: "0b01" });
    expect(verify({}, { pckCrl: await issueCrl(pki.ca, ["0b02", "77"]) }).tcbStatus).toBe("UpToDate");
    for (const serial of ["0a", "0c"]) {
      const rootCrl = await issueCrl(pki.root, [serial]);
      rejection(() => verify({}, { rootCrl }), "DCAP_CERT_REVOKED");
    }
  });

  it("checks the PCK CRL's issuer, signature and dates", async () => {
    const byRoot = await issueCrl(pki.root);
    rejection(() => verify({}, { pckCrl: byRoot }), "DCAP_CRL_INVALID");
    const byOtherCa = await issueCrl(other.ca);
    rejection(() => verify({}, { pckCrl: byOtherCa }), "DCAP_CRL_INVALID");
    const byImpostor = await issueCrl(twin.ca);
    rejection(() => verify({}, { pckCrl: byImpostor }), "DCAP_CRL_BAD_SIGNATURE");
    const expired = await issueCrl(pki.ca, [], { thisUpdate: TEST_NOW - 40 * DAY, nextUpdate: TEST_NOW - 1 });
    expect(rejection(() => verify({}, { pckCrl: expired }), "DCAP_COLLATERAL_EXPIRED").details).toMatchObject({
      what: "PCK CRL",
    });
    const future = await issueCrl(pki.ca, [], { thisUpdate: TEST_NOW + 1 });
    rejection(() => verify({}, { pckCrl: future }), "DCAP_COLLATERAL_NOT_YET_VALID");
    const tampered = pki.pckCrl.slice();
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] as number) ^ 0x01;
    rejection(() => verify({}, { pckCrl: tampered }), "DCAP_CRL_BAD_SIGNATURE");
  });

  it("refuses a QE report that does not bind the attestation key", () => {
    const error = rejection(() => verify({ qeReportData: new Uint8Array(32).fill(1) }), "DCAP_QE_BINDING_MISMATCH");
    expect(error.details).toHaveProperty("expected");
  });

  it("refuses quoting enclaves of other vendors, and malformed or truncated quotes", () => {
    const error = rejection(() => verify({ qeVendorId: new Uint8Array(16) }), "DCAP_QUOTE_UNSUPPORTED");
    expect(error.details).toMatchObject({ field: "qeVendorId" });
    const quote = buildQuote(pki);
    const collateral = buildCollateral(pki);
    for (const length of [0, 1, 47, 48, 431, 432, 435, 436, 500, quote.length - 1]) {
      rejection(
        () => verifyDcapQuote(quote.subarray(0, length), { collateral, now: TEST_NOW, trustedRootCa: pki.root.der }),
        "DCAP_QUOTE_MALFORMED",
      );
    }
  });

  it("refuses a QE report not signed by the PCK key", () => {
    rejection(() => verify({ pckKey: other.pck.privateKey }), "DCAP_QE_REPORT_BAD_SIGNATURE");
  });

  it("checks the QE against its identity", () => {
    const mismatch = (qe: QuoteSpec["qe"], field: string) =>
      expect(rejection(() => verify({ qe }), "DCAP_QE_IDENTITY_MISMATCH").details).toMatchObject({ field });
    mismatch({ mrSigner: new Uint8Array(32) }, "mrsigner");
    mismatch({ isvProdId: 7 }, "isvprodid");
    mismatch({ attributes: Uint8Array.of(0x13) }, "attributes"); // a debug QE
    mismatch({ miscSelect: 1 }, "miscselect");
    // Bits outside the attributes mask do not matter.
    expect(verify({ qe: { attributes: Uint8Array.of(0x15) } }).tcbStatus).toBe("UpToDate");
    expect(rejection(() => verify({}, tdQe), "DCAP_QE_IDENTITY_MISMATCH").details).toMatchObject({ field: "id" });
  });

  it("folds the QE's TCB status into the platform's as Intel's QVL does", () => {
    const outOfDateQe = { qe: { isvSvn: 6 } };
    expect(verify(outOfDateQe)).toMatchObject({
      tcbStatus: "OutOfDate",
      advisoryIds: ["INTEL-SA-00615"],
      confidence: 5,
    });
    const configurationNeeded = {
      tcbInfo: testTcbInfo({ levels: [{ status: "ConfigurationNeeded", advisories: ["A"] }] }),
    };
    expect(verify(outOfDateQe, configurationNeeded)).toMatchObject({
      tcbStatus: "OutOfDateConfigurationNeeded",
      advisoryIds: ["A", "INTEL-SA-00615"],
    });
    rejection(() => verify({ qe: { isvSvn: 5 } }), "DCAP_TCB_NO_MATCH");
    const revokedQe = { qeIdentity: testQeIdentity({ levels: [{ isvsvn: 8, status: "Revoked" }] }) };
    rejection(() => verify({}, revokedQe), "DCAP_TCB_REVOKED");
  });

  it("ranks TCB statuses by confidence, with the advisory allowlist deciding 3 against 4", () => {
    const level = (status: string, advisories?: string[]) => ({
      tcbInfo: testTcbInfo({ levels: [{ status, advisories }] }),
    });
    expect(verify({}, level("SWHardeningNeeded", ["INTEL-SA-1"]))).toMatchObject({ confidence: 2 });
    expect(verify({}, level("ConfigurationNeeded", ["INTEL-SA-1"])).confidence).toBe(4);
    expect(verify({}, level("ConfigurationNeeded")).confidence).toBe(3);
    const both = level("ConfigurationAndSWHardeningNeeded", ["INTEL-SA-1", "INTEL-SA-2"]);
    expect(verify({}, both, { advisoryAllowlist: ["INTEL-SA-1"] }).confidence).toBe(4);
    expect(verify({}, both, { advisoryAllowlist: ["INTEL-SA-2", "INTEL-SA-1"] }).confidence).toBe(3);
    expect(verify({}, level("OutOfDate", ["INTEL-SA-1"])).confidence).toBe(5);
    expect(verify({}, level("OutOfDateConfigurationNeeded")).confidence).toBe(5);
    rejection(() => verify({}, level("Revoked")), "DCAP_TCB_REVOKED");
  });

  it("takes the first TCB level the platform reaches, comparing every component and the PCESVN", () => {
    const higher = [6, 5, 2, 2, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const tcbInfo = testTcbInfo({
      levels: [
        { status: "UpToDate", sgx: higher },
        { status: "SWHardeningNeeded", pceSvn: 14 },
        { status: "ConfigurationNeeded", advisories: ["X"] },
      ],
    });
    expect(verify({}, { tcbInfo })).toMatchObject({ tcbStatus: "ConfigurationNeeded", advisoryIds: ["X"] });
    const lastComponent = [5, 5, 2, 2, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const none = testTcbInfo({ levels: [{ status: "UpToDate", sgx: lastComponent }] });
    const error = rejection(() => verify({}, { tcbInfo: none }), "DCAP_TCB_NO_MATCH");
    expect(error.details).toMatchObject({ what: "SGX", pceSvn: 13 });
  });

  it("requires the TCB info to be for the platform's FMSPC, PCE ID and TEE", () => {
    const fmspc = testTcbInfo({ fmspc: fromHex("0x00906ea10000") });
    expect(rejection(() => verify({}, { tcbInfo: fmspc }), "DCAP_TCB_INFO_MISMATCH").details).toMatchObject({
      field: "fmspc",
    });
    expect(
      rejection(() => verify({}, { tcbInfo: testTcbInfo({ pceId: "0100" }) }), "DCAP_TCB_INFO_MISMATCH").details,
    ).toMatchObject({ field: "pceId" });
    expect(rejection(() => verify({}, { tcbInfo: testTcbInfo(tdx) }), "DCAP_TCB_INFO_MISMATCH").details).toMatchObject({
      field: "id",
    });
  });

  it("checks the validity windows of TCB info, QE identity and certificates at now", async () => {
    const expired = testTcbInfo({ nextUpdate: TEST_NOW - 1 });
    expect(rejection(() => verify({}, { tcbInfo: expired }), "DCAP_COLLATERAL_EXPIRED").details).toMatchObject({
      what: "TCB info",
    });
    expect(verify({}, { tcbInfo: testTcbInfo({ nextUpdate: TEST_NOW }) }).tcbStatus).toBe("UpToDate");
    rejection(() => verify({}, { tcbInfo: testTcbInfo({ issueDate: TEST_NOW + 1 }) }), "DCAP_COLLATERAL_NOT_YET_VALID");
    const shortLived = await createTestPki({ pckNotAfter: TEST_NOW - 1 });
    rejection(
      () =>
        verifyDcapQuote(buildQuote(shortLived), {
          collateral: buildCollateral(shortLived),
          now: TEST_NOW,
          trustedRootCa: shortLived.root.der,
        }),
      "DCAP_CERT_EXPIRED",
    );
    const early = await createTestPki({ pckNotBefore: TEST_NOW + 1 });
    rejection(
      () =>
        verifyDcapQuote(buildQuote(early), {
          collateral: buildCollateral(early),
          now: TEST_NOW,
          trustedRootCa: early.root.der,
        }),
      "DCAP_CERT_NOT_YET_VALID",
    );
  });

  it("refuses TCB info signed by a PCK key or any other certificate than a root-issued signer", async () => {
    const byPck = { tcbChainPem: pki.pckChainPem, signer: pki.pck.privateKey };
    rejection(() => verify({}, byPck), "DCAP_CERT_CHAIN_INVALID");
    // A certificate straight under the root that carries the SGX extension is a PCK certificate too.
    const pckLike = await issue({
      subject: "CN=Test SGX TCB Signing, O=Phala Test",
      issuer: pki.root,
      serial: "0d",
      ca: false,
      usages: SIGNER_USAGES,
      extensions: [new x509.Extension(SGX_EXTENSION, false, encodePckExtension())],
    });
    const error = rejection(
      () => verify({}, { tcbChainPem: pckLike.pem + pki.root.pem, signer: pckLike.privateKey }),
      "DCAP_CERT_CHAIN_INVALID",
    );
    expect(error.message).toContain("PCK certificate cannot sign");
    // A CA cannot sign TCB info either.
    rejection(() => verify({}, { tcbChainPem: pki.caChainPem, signer: pki.ca.privateKey }), "DCAP_CERT_CHAIN_INVALID");
    // Nor can a signer whose key usage excludes signatures.
    const encipherOnly = await issue({
      subject: "CN=Test SGX TCB Signing, O=Phala Test",
      issuer: pki.root,
      serial: "0e",
      ca: false,
      usages: x509.KeyUsageFlags.keyEncipherment,
    });
    rejection(
      () => verify({}, { tcbChainPem: encipherOnly.pem + pki.root.pem, signer: encipherOnly.privateKey }),
      "DCAP_CERT_CHAIN_INVALID",
    );
  });

  it("refuses a PCK chain whose intermediate is not a CA or whose leaf is not a PCK certificate", async () => {
    const notCa = await issue({ subject: "CN=Not A CA", issuer: pki.root, serial: "21", ca: false, usages: CA_USAGES });
    const leaf = await issue({
      subject: "CN=Test SGX PCK Certificate",
      issuer: notCa,
      serial: "22",
      ca: false,
      usages: SIGNER_USAGES,
      extensions: [new x509.Extension(SGX_EXTENSION, false, encodePckExtension())],
    });
    rejection(
      () => verify({ pckChainPem: leaf.pem + notCa.pem + pki.root.pem, pckKey: leaf.privateKey }),
      "DCAP_CERT_CHAIN_INVALID",
    );
    const unnamed = await issue({
      subject: "CN=Test SGX Something",
      issuer: pki.ca,
      serial: "23",
      ca: false,
      usages: SIGNER_USAGES,
      extensions: [new x509.Extension(SGX_EXTENSION, false, encodePckExtension())],
    });
    rejection(
      () => verify({ pckChainPem: unnamed.pem + pki.caChainPem, pckKey: unnamed.privateKey }),
      "DCAP_PCK_CERT_INVALID",
    );
    const noExtension = await issue({
      subject: "CN=Test SGX PCK Certificate",
      issuer: pki.ca,
      serial: "24",
      ca: false,
      usages: SIGNER_USAGES,
    });
    rejection(
      () => verify({ pckChainPem: noExtension.pem + pki.caChainPem, pckKey: noExtension.privateKey }),
      "DCAP_PCK_CERT_INVALID",
    );
  });

  it("refuses collateral signatures by the wrong key", () => {
    rejection(() => verify({}, { signer: other.tcbSigner.privateKey }), "DCAP_TCB_INFO_BAD_SIGNATURE");
  });
});

describe("TDX verification against a test PKI", () => {
  const tdxCollateral = (options: Parameters<typeof testTcbInfo>[0] = {}): CollateralSpec => ({
    tcbInfo: testTcbInfo({ ...tdx, ...options }),
    ...tdQe,
  });

  it("verifies v4 and v5 (TD 1.0 and 1.5) quotes and reports the TD's measurements", () => {
    for (const spec of [{ tee: "td10" }, { tee: "td10", version: 5 }, { tee: "td15" }] as QuoteSpec[]) {
      const result = verify(spec, tdxCollateral());
      expect(result).toMatchObject({ kind: "tdx", tcbStatus: "UpToDate", confidence: 1, debug: false });
      expect(result.kind === "tdx" && result.measurement.mrTd).toEqual(TEST_MRTD);
      expect(result.kind === "tdx" && result.measurement.mrServiceTd).toEqual(
        spec.tee === "td15" ? new Uint8Array(48) : undefined,
      );
      expect(result.reportData).toEqual(TEST_REPORT_DATA);
    }
  });

  it("reports a debug TD", () => {
    const result = verify(
      { tee: "td10", td: { tdAttributes: Uint8Array.of(1, 0, 0, 0x10, 0, 0, 0, 0) } },
      tdxCollateral(),
    );
    expect(result.debug).toBe(true);
    rejection(() => assertProductionEnclave(result), "ATTESTATION_DEBUG_ENCLAVE");
  });

  it("checks the TDX module's signer and attributes, and its identity's TCB levels", () => {
    rejection(
      () => verify({ tee: "td10", td: { mrSignerSeam: new Uint8Array(48).fill(1) } }, tdxCollateral()),
      "DCAP_TDX_MODULE_MISMATCH",
    );
    rejection(
      () => verify({ tee: "td10", td: { seamAttributes: Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0) } }, tdxCollateral()),
      "DCAP_TDX_MODULE_MISMATCH",
    );
    // Module major version 3 has no identity in the test TCB info.
    const v3 = Uint8Array.of(4, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    rejection(() => verify({ tee: "td10", td: { teeTcbSvn: v3 } }, tdxCollateral()), "DCAP_TDX_MODULE_MISMATCH");
    // Module SVN 2 is OutOfDate for TDX_01.
    const old = Uint8Array.of(2, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    expect(verify({ tee: "td10", td: { teeTcbSvn: old } }, tdxCollateral())).toMatchObject({
      tcbStatus: "OutOfDate",
      advisoryIds: ["INTEL-SA-01036"],
    });
    const ancient = Uint8Array.of(1, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    const error = rejection(
      () => verify({ tee: "td10", td: { teeTcbSvn: ancient } }, tdxCollateral()),
      "DCAP_TCB_NO_MATCH",
    );
    expect(error.details).toMatchObject({ what: "TDX module" });
    const revoked = tdxCollateral({ moduleLevels: [{ isvsvn: 4, status: "Revoked" }] });
    rejection(() => verify({ tee: "td10" }, revoked), "DCAP_TCB_REVOKED");
  });

  it("matches TDX components after the module's own two, and all of them without a module version", () => {
    const lateMicrocode = Uint8Array.of(4, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    expect(verify({ tee: "td10", td: { teeTcbSvn: lateMicrocode } }, tdxCollateral())).toMatchObject({
      tcbStatus: "OutOfDate",
      advisoryIds: ["INTEL-SA-00001"],
    });
    // Without a module version, the module SVN (component 0) is compared with the TCB levels.
    const unversioned = Uint8Array.of(3, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    expect(verify({ tee: "td10", td: { teeTcbSvn: unversioned } }, tdxCollateral()).tcbStatus).toBe("OutOfDate");
    const below = Uint8Array.of(4, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    const error = rejection(
      () => verify({ tee: "td10", td: { teeTcbSvn: below } }, tdxCollateral()),
      "DCAP_TCB_NO_MATCH",
    );
    expect(error.details).toMatchObject({ what: "TDX" });
  });

  it("advises a TD 1.5 relaunch when the host already runs an up-to-date module", () => {
    const old = Uint8Array.of(2, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    const current = Uint8Array.of(4, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    expect(verify({ tee: "td15", td: { teeTcbSvn: old, teeTcbSvn2: current } }, tdxCollateral())).toMatchObject({
      tcbStatus: "TDRelaunchAdvised",
      confidence: 5,
    });
    expect(verify({ tee: "td15", td: { teeTcbSvn: old, teeTcbSvn2: old } }, tdxCollateral()).tcbStatus).toBe(
      "OutOfDate",
    );
    const configuration = tdxCollateral({ levels: [{ status: "ConfigurationNeeded" }] });
    expect(verify({ tee: "td15", td: { teeTcbSvn: old, teeTcbSvn2: current } }, configuration).tcbStatus).toBe(
      "TDRelaunchAdvisedConfigurationNeeded",
    );
    // A TD 1.0 report has no TEE_TCB_SVN2: no relaunch advice.
    expect(verify({ tee: "td10", td: { teeTcbSvn: old } }, tdxCollateral()).tcbStatus).toBe("OutOfDate");
  });

  it("requires TDX TCB info and the TD_QE identity for TDX quotes", () => {
    rejection(() => verify({ tee: "td10" }, { tcbInfo: testTcbInfo(), ...tdQe }), "DCAP_TCB_INFO_MISMATCH");
    rejection(() => verify({ tee: "td10" }, { tcbInfo: testTcbInfo(tdx) }), "DCAP_QE_IDENTITY_MISMATCH");
  });
});
