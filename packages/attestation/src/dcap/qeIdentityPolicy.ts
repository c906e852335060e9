import { equalBytes, toHex } from "@phala-ts/core";
import { AttestationError } from "../errors.js";
import type { QeIdentity } from "./qeIdentity.js";
import type { SgxReportBody } from "./sgxReportBody.js";
import type { EnclaveTcbLevel } from "./tcbInfo.js";

function mismatch(field: string, details: Record<string, unknown>): AttestationError {
  return new AttestationError(
    "DCAP_QE_IDENTITY_MISMATCH",
    `the quoting enclave does not match Intel's QE identity (${field})`,
    {
      field,
      ...details,
    },
  );
}

/**
 * Checks the QE's report against Intel's QE identity as Intel's QVL does (masked MISCSELECT and
 * ATTRIBUTES, MRSIGNER, ISVPRODID) and returns the QE's TCB level: the first whose ISVSVN the QE
 * reaches. A QE below every level is DCAP_TCB_NO_MATCH.
 */
export function checkQeIdentity(qeReport: SgxReportBody, identity: QeIdentity): EnclaveTcbLevel {
  if ((qeReport.miscSelect & identity.miscSelectMask) >>> 0 !== identity.miscSelect) {
    throw mismatch("miscselect", { miscSelect: qeReport.miscSelect });
  }
  const maskedAttributes = qeReport.attributes.map((byte, i) => byte & (identity.attributesMask[i] as number));
  if (!equalBytes(maskedAttributes, identity.attributes)) {
    throw mismatch("attributes", { attributes: toHex(qeReport.attributes) });
  }
  if (!equalBytes(qeReport.mrSigner, identity.mrSigner))
    throw mismatch("mrsigner", { mrSigner: toHex(qeReport.mrSigner) });
  if (qeReport.isvProdId !== identity.isvProdId) throw mismatch("isvprodid", { isvProdId: qeReport.isvProdId });
  const level = identity.tcbLevels.find((candidate) => qeReport.isvSvn >= candidate.isvSvn);
  if (level === undefined) {
    throw new AttestationError(
      "DCAP_TCB_NO_MATCH",
      "the quoting enclave's ISVSVN is below every TCB level of its identity",
      {
        what: "QE",
        isvSvn: qeReport.isvSvn,
      },
    );
  }
  return level;
}
