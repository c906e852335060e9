import { checkTdRelaunch } from "../tdx/tdRelaunch.js";
import { tdxModuleTcbLevel } from "../tdx/tdxModule.js";
import type { PckExtension } from "./pckExtension.js";
import type { QuoteBody } from "./quote.js";
import type { EnclaveTcbLevel, TcbInfo, TdxModuleIdentity } from "./tcbInfo.js";
import { matchSgxTcbLevel, matchTdxTcbLevels } from "./tcbLevelMatch.js";
import { convergeTcbStatus, type TcbStatus } from "./tcbStatus.js";

export interface TcbEvaluation {
  readonly status: TcbStatus;
  /** The platform level's advisories, then the TDX module's, then the QE's, without repeats. */
  readonly advisoryIds: readonly string[];
}

/**
 * The evidence's TCB status as Intel's QVL computes it (`checkTcbLevel`): the platform's level,
 * for TDX converged with the TDX module's status and checked for relaunch, then converged with the
 * quoting enclave's status.
 */
export function evaluateTcb(input: {
  readonly tcbInfo: TcbInfo;
  readonly pck: PckExtension;
  readonly body: QuoteBody;
  readonly qeLevel: EnclaveTcbLevel;
  readonly tdxModuleIdentity: TdxModuleIdentity | undefined;
}): TcbEvaluation {
  const { tcbInfo, pck, body, qeLevel } = input;
  const qeStatus = qeLevel.tcbStatus;
  if (body.type === "sgx") {
    const sgx = matchSgxTcbLevel(tcbInfo, pck);
    return {
      status: convergeTcbStatus(sgx.tcbStatus, qeStatus),
      advisoryIds: [...new Set([...sgx.advisoryIds, ...qeLevel.advisoryIds])],
    };
  }
  const report = body.report;
  const { sgx, tdx: tdxLevel } = matchTdxTcbLevels(tcbInfo, pck, report.teeTcbSvn);
  const moduleLevel = tdxModuleTcbLevel(input.tdxModuleIdentity, report);
  let status = convergeTcbStatus(tdxLevel.tcbStatus, moduleLevel.status);
  if (status !== "Revoked" && report.teeTcbSvn2 !== undefined) {
    status = checkTdRelaunch({
      tcbInfo,
      teeTcbSvn2: report.teeTcbSvn2,
      sgxStatus: sgx.tcbStatus,
      tdxStatus: status,
      moduleStatus: moduleLevel.status,
      qeStatus,
    });
  }
  return {
    status: convergeTcbStatus(status, qeStatus),
    advisoryIds: [...new Set([...tdxLevel.advisoryIds, ...moduleLevel.advisoryIds, ...qeLevel.advisoryIds])],
  };
}
