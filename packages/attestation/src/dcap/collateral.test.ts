import { utf8 } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { AttestationError } from "../errors.js";
import { parseCollateral } from "./collateral.js";
import { parseIsoDate } from "./jsonFields.js";
import { parseQeIdentity } from "./qeIdentity.js";
import { SGX_VECTOR, TDX_VECTOR } from "./realVectors.test-util.js";
import { parseTcbInfo } from "./tcbInfo.js";

function malformed(run: () => unknown): AttestationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AttestationError);
    expect((error as AttestationError).code, (error as Error).message).toBe("DCAP_COLLATERAL_MALFORMED");
    return error as AttestationError;
  }
  return expect.unreachable("expected DCAP_COLLATERAL_MALFORMED");
}

describe("collateral JSON", () => {
  it("parses the vectors' collateral, keeping the signed texts exactly", () => {
    const collateral = parseCollateral(SGX_VECTOR.collateralText);
    expect(collateral.tcbInfo).toBe(SGX_VECTOR.collateral.tcb_info);
    expect(collateral.qeIdentity).toBe(SGX_VECTOR.collateral.qe_identity);
    expect(collateral.tcbInfoSignature.length).toBe(64);
    expect(collateral.rootCaCrl[0]).toBe(0x30);
    expect(parseCollateral(utf8(SGX_VECTOR.collateralText))).toEqual(collateral);
    expect(parseCollateral(SGX_VECTOR.collateral)).toEqual(collateral);
  });

  it("is strict about its fields", () => {
    const base = SGX_VECTOR.collateral;
    const without = (key: string) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== key));
    for (const key of Object.keys(base)) malformed(() => parseCollateral(without(key)));
    malformed(() => parseCollateral({ ...base, pck_certificate_chain: "" }));
    malformed(() => parseCollateral({ ...base, root_ca_crl: [1, 2, 3] as unknown as string }));
    malformed(() => parseCollateral({ ...base, pck_crl: "abc" }));
    malformed(() => parseCollateral({ ...base, pck_crl: "zz" }));
    malformed(() => parseCollateral({ ...base, pck_crl: "" }));
    malformed(() => parseCollateral({ ...base, tcb_info_signature: `${base.tcb_info_signature}00` }));
    malformed(() => parseCollateral("not json"));
    malformed(() => parseCollateral("[]"));
    malformed(() => parseCollateral('"text"'));
    malformed(() => parseCollateral(Uint8Array.of(0xff, 0xfe)));
  });
});

describe("TCB info and QE identity", () => {
  it("parse Intel's SGX and TDX TCB info v3", () => {
    const sgx = parseTcbInfo(SGX_VECTOR.collateral.tcb_info as string);
    expect(sgx).toMatchObject({ id: "SGX", version: 3, tcbType: 0, tcbEvaluationDataNumber: 17 });
    expect(sgx.issueDate).toBe(Date.UTC(2025, 5, 19, 10, 56, 11) / 1000);
    expect(sgx.tcbLevels[1]).toMatchObject({
      sgxComponents: [11, 11, 2, 2, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      pceSvn: 13,
      tcbStatus: "ConfigurationAndSWHardeningNeeded",
      advisoryIds: ["INTEL-SA-00289", "INTEL-SA-00615"],
      tdxComponents: undefined,
    });
    const tdx = parseTcbInfo(TDX_VECTOR.collateral.tcb_info as string);
    expect(tdx.tdxModule?.mrSigner).toEqual(new Uint8Array(48));
    expect(tdx.tdxModuleIdentities?.map((identity) => identity.id)).toEqual(["TDX_03", "TDX_01"]);
    expect(tdx.tcbLevels[0]?.tdxComponents?.slice(0, 3)).toEqual([5, 0, 2]);
  });

  it("parse TCB info v2 (SGX, numbered component fields)", () => {
    const tcb = Object.fromEntries([
      ...Array.from({ length: 16 }, (_, i) => [`sgxtcbcomp${String(i + 1).padStart(2, "0")}svn`, i]),
      ["pcesvn", 9],
    ]);
    const info = parseTcbInfo(
      JSON.stringify({
        version: 2,
        issueDate: "2020-01-01T00:00:00Z",
        nextUpdate: "2020-02-01T00:00:00Z",
        fmspc: "00906EA10000",
        pceId: "0000",
        tcbType: 0,
        tcbEvaluationDataNumber: 5,
        tcbLevels: [{ tcb, tcbDate: "2019-11-13T00:00:00Z", tcbStatus: "UpToDate" }],
      }),
    );
    expect(info.id).toBe("SGX");
    expect(info.tcbLevels[0]?.sgxComponents).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(info.tcbLevels[0]?.pceSvn).toBe(9);
  });

  it("refuse what does not have Intel's shape", () => {
    const info = JSON.parse(SGX_VECTOR.collateral.tcb_info as string);
    const level = info.tcbLevels[0];
    const variants: unknown[] = [
      { ...info, version: 4 },
      { ...info, id: "SEV" },
      { ...info, tcbType: 1 },
      { ...info, fmspc: "00A0671100" },
      { ...info, issueDate: "2025-06-19 10:56:11" },
      { ...info, nextUpdate: "2025-02-30T00:00:00Z" },
      { ...info, tcbLevels: [] },
      { ...info, tcbLevels: [{ ...level, tcbStatus: "Fine" }] },
      { ...info, tcbLevels: [{ ...level, advisoryIDs: [1] }] },
      { ...info, tcbLevels: [{ ...level, tcb: { ...level.tcb, pcesvn: -1 } }] },
      {
        ...info,
        tcbLevels: [{ ...level, tcb: { ...level.tcb, sgxtcbcomponents: level.tcb.sgxtcbcomponents.slice(1) } }],
      },
      {
        ...info,
        tcbLevels: [
          { ...level, tcb: { ...level.tcb, sgxtcbcomponents: [{ svn: 256 }, ...level.tcb.sgxtcbcomponents.slice(1)] } },
        ],
      },
      { ...info, id: "TDX" },
    ];
    for (const variant of variants) malformed(() => parseTcbInfo(JSON.stringify(variant)));
    malformed(() => parseTcbInfo("{"));
    const identity = JSON.parse(SGX_VECTOR.collateral.qe_identity as string);
    for (const variant of [
      { ...identity, version: 1 },
      { ...identity, id: "XE" },
      { ...identity, mrsigner: "00" },
      { ...identity, miscselect: "0000" },
      { ...identity, tcbLevels: [] },
      { ...identity, tcbLevels: [{ ...identity.tcbLevels[0], tcbStatus: "SWHardeningNeeded" }] },
    ]) {
      malformed(() => parseQeIdentity(JSON.stringify(variant)));
    }
  });

  it("parse QE identity v2", () => {
    const identity = parseQeIdentity(SGX_VECTOR.collateral.qe_identity as string);
    expect(identity).toMatchObject({ id: "QE", version: 2, isvProdId: 1, miscSelect: 0, miscSelectMask: 0xffffffff });
    expect(identity.attributesMask[0]).toBe(0xfb);
    expect(identity.tcbLevels.map((level) => level.isvSvn)).toEqual([8, 6, 5, 4, 2, 1]);
  });

  it("read Intel's dates strictly", () => {
    expect(parseIsoDate("2025-06-19T10:56:11Z")).toBe(1750330571);
    expect(parseIsoDate("2025-06-19T10:56:11.5Z")).toBe(1750330571);
    for (const bad of ["2025-06-19T10:56:11", "2025-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2025-06-19T24:00:00Z"]) {
      expect(parseIsoDate(bad), bad).toBeUndefined();
    }
  });
});
