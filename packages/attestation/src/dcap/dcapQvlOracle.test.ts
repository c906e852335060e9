import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import { AttestationError } from "../errors.js";
import { decodeDcapQuote } from "./quote.js";
import {
  type DcapVector,
  SGX_EXPIRED_NOW,
  SGX_VECTOR,
  TDX_OUTDATED_VECTOR,
  TDX_VECTOR,
} from "./realVectors.test-util.js";
import { createTestPki, TEST_NOW, type TestPki } from "./testPki.test-util.js";
import {
  buildCollateral,
  buildQuote,
  type CollateralSpec,
  type QuoteSpec,
  testQeIdentity,
  testTcbInfo,
} from "./testQuote.test-util.js";
import { verifyDcapQuote } from "./verifyDcapQuote.js";

/**
 * Cross-checks against Phala's own JavaScript verifier, @phala/dcap-qvl (a CommonJS package, hence
 * createRequire), on the real vectors: same verdicts, statuses, advisories and measurements.
 */
const qvl = createRequire(import.meta.url)("@phala/dcap-qvl") as typeof import("@phala/dcap-qvl");

function oracle(vector: DcapVector, now = vector.now, quote = vector.quote) {
  return qvl.verify(Buffer.from(quote), vector.collateral as unknown as import("@phala/dcap-qvl").Collateral, now);
}

function ours(vector: DcapVector, now = vector.now, quote = vector.quote) {
  return verifyDcapQuote(quote, { collateral: vector.collateral, now });
}

const bytes = (value: Uint8Array) => new Uint8Array(value);

describe("cross-check with @phala/dcap-qvl 0.3.9", () => {
  it("agrees on the SGX quote: status, advisories and the enclave's measurement", () => {
    const theirs = oracle(SGX_VECTOR);
    const mine = ours(SGX_VECTOR);
    expect(mine.tcbStatus).toBe(theirs.status);
    expect(mine.advisoryIds).toEqual(theirs.advisory_ids);
    const report = theirs.report.asSgx();
    expect(report).not.toBeNull();
    if (report === null || mine.kind !== "sgx-dcap") return;
    expect(mine.measurement).toEqual({
      mrEnclave: bytes(report.mrEnclave),
      mrSigner: bytes(report.mrSigner),
      isvProdId: report.isvProdId,
      isvSvn: report.isvSvn,
    });
    expect(mine.reportData).toEqual(bytes(report.reportData));
    expect(mine.debug).toBe((report.attributes[0]! & 0x02) !== 0);
  });

  it("agrees on the TDX quote: status, advisories and the TD's measurements", () => {
    const theirs = oracle(TDX_VECTOR);
    const mine = ours(TDX_VECTOR);
    expect(mine.tcbStatus).toBe(theirs.status);
    expect(mine.advisoryIds).toEqual(theirs.advisory_ids);
    const report = theirs.report.asTd10();
    expect(report).not.toBeNull();
    if (report === null || mine.kind !== "tdx") return;
    expect(mine.measurement).toMatchObject({
      mrTd: bytes(report.mrTd),
      rtmr0: bytes(report.rtMr0),
      rtmr1: bytes(report.rtMr1),
      rtmr2: bytes(report.rtMr2),
      rtmr3: bytes(report.rtMr3),
      mrConfigId: bytes(report.mrConfigId),
      mrOwner: bytes(report.mrOwner),
      mrOwnerConfig: bytes(report.mrOwnerConfig),
      mrSeam: bytes(report.mrSeam),
      mrSignerSeam: bytes(report.mrSignerSeam),
      tdAttributes: bytes(report.tdAttributes),
      xfam: bytes(report.xfam),
      teeTcbSvn: bytes(report.teeTcbSvn),
    });
    expect(mine.reportData).toEqual(bytes(report.reportData));
  });

  it("agrees on how the quotes decode", () => {
    for (const vector of [SGX_VECTOR, TDX_VECTOR, TDX_OUTDATED_VECTOR]) {
      const theirs = qvl.Quote.parse(Buffer.from(vector.quote));
      const mine = decodeDcapQuote(vector.quote);
      expect(mine.header).toMatchObject({
        version: theirs.header.version,
        attestationKeyType: theirs.header.attestationKeyType,
        teeType: theirs.header.teeType,
        qeSvn: theirs.header.qeSvn,
        pceSvn: theirs.header.pceSvn,
        qeVendorId: bytes(theirs.header.qeVendorId),
        userData: bytes(theirs.header.userData),
      });
      expect(mine.signedData.length).toBe(theirs.signedLength());
      const auth = theirs.authData.intoV3();
      expect(mine.signature).toEqual(bytes(auth.ecdsaSignature));
      expect(mine.attestationKey).toEqual(bytes(auth.ecdsaAttestationKey));
      expect(mine.qeReport).toEqual(bytes(auth.qeReport));
      expect(mine.qeAuthData).toEqual(bytes(auth.qeAuthData));
      expect(mine.pckChain).toEqual(bytes(auth.certificationData.body));
    }
  });

  it("agrees on what to refuse: expired collateral, no TCB level, tampered quotes", () => {
    const bothRefuse = (vector: DcapVector, now: number, quote = vector.quote) => {
      expect(() => oracle(vector, now, quote)).toThrow();
      expect(() => ours(vector, now, quote)).toThrow(AttestationError);
    };
    bothRefuse(SGX_VECTOR, SGX_EXPIRED_NOW);
    expect(() => oracle(SGX_VECTOR, SGX_EXPIRED_NOW)).toThrow(/TCBInfo expired/);
    bothRefuse(TDX_OUTDATED_VECTOR, TDX_OUTDATED_VECTOR.now);
    expect(() => oracle(TDX_OUTDATED_VECTOR)).toThrow(/No matching TCB level/);
    for (const vector of [SGX_VECTOR, TDX_VECTOR]) {
      for (const index of [30, 100, 440, 520, 800, 1000]) {
        const quote = vector.quote.slice();
        quote[index] = (quote[index] as number) ^ 0x01;
        bothRefuse(vector, vector.now, quote);
      }
    }
  });
});

describe("cross-check with @phala/dcap-qvl on quotes from a test PKI", () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
  });

  function both(quoteSpec: QuoteSpec, collateralSpec: CollateralSpec) {
    const quote = buildQuote(pki, quoteSpec);
    const collateral = buildCollateral(pki, collateralSpec);
    const run = <T>(verify: () => T): T | "refused" => {
      try {
        return verify();
      } catch {
        return "refused";
      }
    };
    const theirs = run(() =>
      qvl.QuoteVerifier.newWithRootCa(Buffer.from(pki.root.der)).verify(
        Buffer.from(quote),
        collateral as unknown as import("@phala/dcap-qvl").Collateral,
        TEST_NOW,
      ),
    );
    const mine = run(() => verifyDcapQuote(quote, { collateral, now: TEST_NOW, trustedRootCa: pki.root.der }));
    return {
      theirs: theirs === "refused" ? theirs : { status: theirs.status, advisoryIds: theirs.advisory_ids },
      mine: mine === "refused" ? mine : { status: mine.tcbStatus, advisoryIds: [...mine.advisoryIds] },
    };
  }

  it("agrees on every platform status with a current QE, and on refusing revoked TCBs", () => {
    const statuses = [
      "UpToDate",
      "SWHardeningNeeded",
      "ConfigurationNeeded",
      "ConfigurationAndSWHardeningNeeded",
      "OutOfDate",
      "OutOfDateConfigurationNeeded",
      "Revoked",
    ];
    for (const status of statuses) {
      const { theirs, mine } = both({}, { tcbInfo: testTcbInfo({ levels: [{ status, advisories: ["INTEL-SA-1"] }] }) });
      expect(mine, status).toEqual(theirs);
    }
    const revokedQe = { qeIdentity: testQeIdentity({ levels: [{ isvsvn: 8, status: "Revoked" }] }) };
    expect(both({}, revokedQe)).toEqual({ theirs: "refused", mine: "refused" });
    expect(both({ qe: { isvSvn: 5 } }, {})).toEqual({ theirs: "refused", mine: "refused" });
    const tdx = { tcbInfo: testTcbInfo({ id: "TDX" }), qeIdentity: testQeIdentity({ id: "TD_QE" }) };
    const { theirs, mine } = both({ tee: "td10" }, tdx);
    expect(mine).toEqual(theirs);
    expect(mine).toEqual({ status: "UpToDate", advisoryIds: [] });
  });

  it("differs where it departs from Intel's QVL: an out-of-date QE on a platform that needs configuration", () => {
    // Intel's convergeTcbStatusWithQeTcbStatus keeps "configuration needed"; dcap-qvl takes the
    // worse of the two statuses.
    for (const status of ["ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded"]) {
      const result = both({ qe: { isvSvn: 6 } }, { tcbInfo: testTcbInfo({ levels: [{ status, advisories: ["A"] }] }) });
      expect(result).toEqual({
        theirs: { status: "OutOfDate", advisoryIds: ["A", "INTEL-SA-00615"] },
        mine: { status: "OutOfDateConfigurationNeeded", advisoryIds: ["A", "INTEL-SA-00615"] },
      });
    }
    for (const status of ["UpToDate", "SWHardeningNeeded", "OutOfDate", "OutOfDateConfigurationNeeded"]) {
      const result = both({ qe: { isvSvn: 6 } }, { tcbInfo: testTcbInfo({ levels: [{ status }] }) });
      expect(result.mine, status).toEqual(result.theirs);
    }
  });

  it("differs where dcap-qvl 0.3.9 does not check the TDX module against the TCB info", () => {
    const tdx = { tcbInfo: testTcbInfo({ id: "TDX" }), qeIdentity: testQeIdentity({ id: "TD_QE" }) };
    const foreignModule = { tee: "td10", td: { mrSignerSeam: new Uint8Array(48).fill(1) } } as const;
    expect(both(foreignModule, tdx)).toEqual({
      theirs: { status: "UpToDate", advisoryIds: [] },
      mine: "refused",
    });
  });
});
