import { equalBytes, toHex } from "@phala-ts/core";
import { AttestationError } from "./errors.js";
import type { VerifiedEvidence } from "./verifiedEvidence.js";

/** Throws AttestationError("ATTESTATION_DEBUG_ENCLAVE") for a debug enclave or TD, whose memory its host can read. */
export function assertProductionEnclave(evidence: VerifiedEvidence): void {
  if (evidence.debug) {
    throw new AttestationError("ATTESTATION_DEBUG_ENCLAVE", `${evidence.kind} evidence comes from a debug enclave`, {
      kind: evidence.kind,
    });
  }
}

/**
 * Throws AttestationError("ATTESTATION_REPORT_DATA_MISMATCH") unless the evidence's 64-byte
 * report_data is exactly `expected` (e.g. the hash of the keys being registered).
 */
export function assertReportData(evidence: VerifiedEvidence, expected: Uint8Array): void {
  if (!(expected instanceof Uint8Array) || !equalBytes(evidence.reportData, expected)) {
    throw new AttestationError("ATTESTATION_REPORT_DATA_MISMATCH", "report_data is not the expected value", {
      expected: expected instanceof Uint8Array ? toHex(expected) : String(expected),
      actual: toHex(evidence.reportData),
    });
  }
}
