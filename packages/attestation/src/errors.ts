import { PhalaError } from "@phala-ts/core";

/**
 * Failures of a certificate chain; DCAP (PCK, TCB signing and CRL issuer chains) and IAS (report
 * signing chain) use the same checks under their own prefix.
 */
export type CertChainErrorCode<P extends string> =
  | `${P}_UNTRUSTED_ROOT`
  | `${P}_CERT_CHAIN_INVALID`
  | `${P}_CERT_BAD_SIGNATURE`
  | `${P}_CERT_EXPIRED`
  | `${P}_CERT_NOT_YET_VALID`
  | `${P}_CERT_REVOKED`;

export type DcapErrorCode =
  | CertChainErrorCode<"DCAP">
  | "DCAP_QUOTE_MALFORMED"
  | "DCAP_QUOTE_UNSUPPORTED"
  | "DCAP_QUOTE_BAD_SIGNATURE"
  | "DCAP_COLLATERAL_MISSING"
  | "DCAP_COLLATERAL_MALFORMED"
  | "DCAP_COLLATERAL_EXPIRED"
  | "DCAP_COLLATERAL_NOT_YET_VALID"
  | "DCAP_CRL_INVALID"
  | "DCAP_CRL_BAD_SIGNATURE"
  | "DCAP_TCB_INFO_BAD_SIGNATURE"
  | "DCAP_QE_IDENTITY_BAD_SIGNATURE"
  | "DCAP_PCK_CERT_INVALID"
  | "DCAP_PCK_REVOKED"
  | "DCAP_TCB_INFO_MISMATCH"
  | "DCAP_QE_REPORT_BAD_SIGNATURE"
  | "DCAP_QE_BINDING_MISMATCH"
  | "DCAP_QE_IDENTITY_MISMATCH"
  | "DCAP_TDX_MODULE_MISMATCH"
  | "DCAP_TCB_NO_MATCH"
  | "DCAP_TCB_REVOKED";

export type IasErrorCode =
  | CertChainErrorCode<"IAS">
  | "IAS_REPORT_MALFORMED"
  | "IAS_BAD_SIGNATURE"
  | "IAS_REPORT_STALE"
  | "IAS_QUOTE_REJECTED"
  | "IAS_REVOKED";

export type AttestationErrorCode =
  | "ATTESTATION_MALFORMED"
  | "ATTESTATION_UNSUPPORTED_VERSION"
  | "ATTESTATION_UNTRUSTED_SIGNER"
  | "ATTESTATION_BAD_SIGNATURE"
  | "ATTESTATION_INVALID_ARGUMENT"
  | "ATTESTATION_UNKNOWN_EVIDENCE"
  | "ATTESTATION_KIND_MISMATCH"
  | "ATTESTATION_DEBUG_ENCLAVE"
  | "ATTESTATION_REPORT_DATA_MISMATCH"
  | DcapErrorCode
  | IasErrorCode;

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
