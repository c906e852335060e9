import { equalBytes, toHex } from "@phala-ts/core";
import type { TcbInfo, TdxModule, TdxModuleIdentity } from "../dcap/tcbInfo.js";
import type { EnclaveTcbStatus } from "../dcap/tcbStatus.js";
import { AttestationError } from "../errors.js";
import type { TdReport } from "./tdReport.js";

function mismatch(message: string, details: Record<string, unknown> = {}): AttestationError {
  return new AttestationError("DCAP_TDX_MODULE_MISMATCH", `TDX module: ${message}`, details);
}

/** The identity of TDX module major version `version` (`TDX_01` for 1), or undefined. */
export function findTdxModuleIdentity(tcbInfo: TcbInfo, version: number): TdxModuleIdentity | undefined {
  const id = `TDX_${version.toString(16).padStart(2, "0").toUpperCase()}`;
  return tcbInfo.tdxModuleIdentities?.find((identity) => identity.id.toUpperCase() === id);
}

/**
 * Checks the TDX module that produced the TD report against the TCB info (Intel QVL 4.1.2.4.11):
 * MRSIGNERSEAM must be the expected signer and SEAMATTRIBUTES must be zero and match. With a
 * module major version (TEE_TCB_SVN[1]) above 0, the expectations come from that version's module
 * identity, which must exist; it is returned for the module's TCB status.
 */
export function checkTdxModule(tcbInfo: TcbInfo, report: TdReport): TdxModuleIdentity | undefined {
  const version = report.teeTcbSvn[1] as number;
  let expected: TdxModule | undefined = tcbInfo.tdxModule;
  let identity: TdxModuleIdentity | undefined;
  if (version > 0) {
    identity = findTdxModuleIdentity(tcbInfo, version);
    if (identity === undefined) throw mismatch(`TCB info has no identity for module version ${version}`, { version });
    expected = identity;
  }
  if (expected === undefined) throw mismatch("TCB info has no TDX module");
  if (!equalBytes(report.mrSignerSeam, expected.mrSigner)) {
    throw mismatch("MRSIGNERSEAM is not the expected signer", { mrSignerSeam: toHex(report.mrSignerSeam) });
  }
  const masked = report.seamAttributes.map((byte, i) => byte & (expected.attributesMask[i] as number));
  const expectedMasked = expected.attributes.map((byte, i) => byte & (expected.attributesMask[i] as number));
  if (report.seamAttributes.some((byte) => byte !== 0) || !equalBytes(masked, expectedMasked)) {
    throw mismatch("SEAMATTRIBUTES are not zero and as expected", { seamAttributes: toHex(report.seamAttributes) });
  }
  return identity;
}

/**
 * The TDX module's TCB status (Intel QVL `checkTdxModuleTcbStatus`): UpToDate when no module
 * version is set, otherwise the first level of its identity whose ISVSVN (TEE_TCB_SVN[0]) the module
 * reaches; below every level is DCAP_TCB_NO_MATCH.
 */
export function tdxModuleTcbLevel(
  identity: TdxModuleIdentity | undefined,
  report: TdReport,
): { status: EnclaveTcbStatus; advisoryIds: readonly string[] } {
  if (identity === undefined) return { status: "UpToDate", advisoryIds: [] };
  const isvSvn = report.teeTcbSvn[0] as number;
  const level = identity.tcbLevels.find((candidate) => isvSvn >= candidate.isvSvn);
  if (level === undefined) {
    throw new AttestationError("DCAP_TCB_NO_MATCH", "the TDX module's SVN is below every level of its identity", {
      what: "TDX module",
      id: identity.id,
      isvSvn,
    });
  }
  return { status: level.tcbStatus, advisoryIds: level.advisoryIds };
}
