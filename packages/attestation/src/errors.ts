import { PhalaError } from "@phala-ts/core";

export type AttestationErrorCode =
  | "ATTESTATION_MALFORMED"
  | "ATTESTATION_UNSUPPORTED_VERSION"
  | "ATTESTATION_UNTRUSTED_SIGNER"
  | "ATTESTATION_BAD_SIGNATURE"
  | "ATTESTATION_INVALID_ARGUMENT";

/** Evidence that does not parse or does not verify, or arguments that cannot make valid evidence. */
export class AttestationError extends PhalaError<AttestationErrorCode> {
  override readonly name = "AttestationError";
}

export type GramineErrorCode =
  | "GRAMINE_NOT_AVAILABLE"
  | "GRAMINE_UNSUPPORTED_ATTESTATION"
  | "GRAMINE_BAD_REPORT_DATA"
  | "GRAMINE_BAD_TARGET_INFO"
  | "GRAMINE_QUOTE_FAILED"
  | "GRAMINE_IO_FAILED";

/** Gramine's `/dev/attestation` pseudo-files are missing, refuse, or answer something unusable. */
export class GramineError extends PhalaError<GramineErrorCode> {
  override readonly name = "GramineError";
}
