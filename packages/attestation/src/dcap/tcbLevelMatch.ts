import { AttestationError } from "../errors.js";
import type { PckExtension } from "./pckExtension.js";
import type { TcbInfo, TcbLevel } from "./tcbInfo.js";

function atLeast(actual: ArrayLike<number>, required: readonly number[], from = 0): boolean {
  for (let i = from; i < required.length; i++) if ((actual[i] as number) < (required[i] as number)) return false;
  return true;
}

function meetsSgx(level: TcbLevel, pck: PckExtension): boolean {
  return atLeast(pck.tcbComponents, level.sgxComponents) && pck.pceSvn >= level.pceSvn;
}

function noMatch(what: string, pck: PckExtension, teeTcbSvn?: Uint8Array): AttestationError {
  return new AttestationError("DCAP_TCB_NO_MATCH", "the platform's TCB is below every level of its TCB info", {
    what,
    pceSvn: pck.pceSvn,
    tcbComponents: [...pck.tcbComponents],
    ...(teeTcbSvn === undefined ? {} : { teeTcbSvn: [...teeTcbSvn] }),
  });
}

/**
 * The platform's SGX TCB level (Intel QVL `matchTcbLevels`): the first level, in the TCB info's
 * order, whose 16 SGX component SVNs and PCESVN the PCK certificate all reaches.
 */
export function matchSgxTcbLevel(tcbInfo: TcbInfo, pck: PckExtension): TcbLevel {
  const level = tcbInfo.tcbLevels.find((candidate) => meetsSgx(candidate, pck));
  if (level === undefined) throw noMatch("SGX", pck);
  return level;
}

/**
 * For a TD, the SGX level as above and the TDX level: the first level that the platform reaches for
 * SGX and whose TDX component SVNs the TD report's TEE_TCB_SVN reaches too. With a TDX module major
 * version set (TEE_TCB_SVN[1] > 0) the first two components, the module's SVN and version, are
 * left to the module's identity, as Intel's QVL does.
 */
export function matchTdxTcbLevels(
  tcbInfo: TcbInfo,
  pck: PckExtension,
  teeTcbSvn: Uint8Array,
): { readonly sgx: TcbLevel; readonly tdx: TcbLevel } {
  const sgx = matchSgxTcbLevel(tcbInfo, pck);
  const from = (teeTcbSvn[1] as number) > 0 ? 2 : 0;
  const tdx = tcbInfo.tcbLevels.find(
    (level) =>
      meetsSgx(level, pck) && level.tdxComponents !== undefined && atLeast(teeTcbSvn, level.tdxComponents, from),
  );
  if (tdx === undefined) throw noMatch("TDX", pck, teeTcbSvn);
  return { sgx, tdx };
}
