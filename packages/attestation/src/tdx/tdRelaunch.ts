import type { TcbInfo } from "../dcap/tcbInfo.js";
import {
  type EnclaveTcbStatus,
  isConfigurationNeeded,
  type TcbLevelStatus,
  type TcbStatus,
} from "../dcap/tcbStatus.js";
import { AttestationError } from "../errors.js";
import { findTdxModuleIdentity } from "./tdxModule.js";

/**
 * Intel QVL's TD relaunch check for TDX 1.5 reports (`checkForRelaunch`): a TD that is out of date
 * only because it still runs on an out-of-date TDX module, while the host has already loaded a
 * current one (TEE_TCB_SVN2), is "TD relaunch advised" instead of "out of date".
 */
export function checkTdRelaunch(input: {
  readonly tcbInfo: TcbInfo;
  readonly teeTcbSvn2: Uint8Array;
  readonly sgxStatus: TcbLevelStatus;
  readonly tdxStatus: TcbStatus;
  readonly moduleStatus: EnclaveTcbStatus;
  readonly qeStatus: EnclaveTcbStatus;
}): TcbStatus {
  const { tcbInfo, teeTcbSvn2, sgxStatus, tdxStatus, moduleStatus, qeStatus } = input;
  const relaunchable =
    qeStatus === "UpToDate" &&
    (sgxStatus === "UpToDate" ||
      sgxStatus === "SWHardeningNeeded" ||
      sgxStatus === "ConfigurationNeeded" ||
      sgxStatus === "ConfigurationAndSWHardeningNeeded") &&
    (tdxStatus === "OutOfDate" || tdxStatus === "OutOfDateConfigurationNeeded") &&
    moduleStatus === "OutOfDate";
  if (!relaunchable) return tdxStatus;
  const latest = tcbInfo.tcbLevels[0];
  const latestTdx = latest?.tdxComponents;
  if (latestTdx === undefined) return tdxStatus;
  let requiredModuleSvn = latestTdx[0] as number;
  const loadedVersion = teeTcbSvn2[1] as number;
  if (loadedVersion > 0) {
    const identity = findTdxModuleIdentity(tcbInfo, loadedVersion);
    if (identity === undefined) {
      throw new AttestationError("DCAP_TDX_MODULE_MISMATCH", "TDX module: no identity for the loaded module version", {
        version: loadedVersion,
      });
    }
    requiredModuleSvn = (identity.tcbLevels[0] as { isvSvn: number }).isvSvn;
  }
  if ((teeTcbSvn2[0] as number) < requiredModuleSvn || (teeTcbSvn2[2] as number) < (latestTdx[2] as number)) {
    return tdxStatus;
  }
  return isConfigurationNeeded(sgxStatus) || isConfigurationNeeded(tdxStatus)
    ? "TDRelaunchAdvisedConfigurationNeeded"
    : "TDRelaunchAdvised";
}
