export type { CollateralInput, DcapCollateral } from "./dcap/collateral.js";
export { parseCollateral } from "./dcap/collateral.js";
export { INTEL_SGX_ROOT_CA_SHA256 } from "./dcap/intelSgxRootCa.js";
export type { PckExtension } from "./dcap/pckExtension.js";
export { decodePckExtension, SGX_EXTENSION_OID } from "./dcap/pckExtension.js";
export type { QeIdentity } from "./dcap/qeIdentity.js";
export { parseQeIdentity } from "./dcap/qeIdentity.js";
export type { DcapQuote, QuoteBody, QuoteHeader } from "./dcap/quote.js";
export { decodeDcapQuote, INTEL_QE_VENDOR_ID, TEE_TYPE_SGX, TEE_TYPE_TDX } from "./dcap/quote.js";
export type { SgxReportBody } from "./dcap/sgxReportBody.js";
export type { EnclaveTcbLevel, TcbInfo, TcbLevel, TdxModule, TdxModuleIdentity } from "./dcap/tcbInfo.js";
export { parseTcbInfo } from "./dcap/tcbInfo.js";
export type { Confidence, EnclaveTcbStatus, TcbLevelStatus, TcbStatus } from "./dcap/tcbStatus.js";
export { confidenceOf, convergeTcbStatus } from "./dcap/tcbStatus.js";
export type { DcapVerifyOptions } from "./dcap/verifyDcapQuote.js";
export { verifyDcapQuote } from "./dcap/verifyDcapQuote.js";
export type {
  AttestationErrorCode,
  CertChainErrorCode,
  DcapErrorCode,
  GramineErrorCode,
  IasErrorCode,
} from "./errors.js";
export { AttestationError, GramineError } from "./errors.js";
export type { Attestation, AttestationType, SgxDcapEvidence, SgxIasEvidence } from "./evidence.js";
export { assertValidAttestation, attestationCodec, decodeAttestation, encodeAttestation } from "./evidence.js";
export { assertProductionEnclave, assertReportData } from "./evidencePolicy.js";
export type { GramineSourceOptions } from "./gramine/gramineQuoteSource.js";
export {
  assertGramineDcap,
  GRAMINE_ATTESTATION_ROOT,
  gramineAttestationType,
  gramineMeasurement,
  gramineQuote,
  SGX_TARGET_INFO_LENGTH,
} from "./gramine/gramineQuoteSource.js";
export { parseIasEvidenceJson } from "./ias/iasEvidenceJson.js";
export type { IasReport } from "./ias/iasReport.js";
export { parseIasReport } from "./ias/iasReport.js";
export { IAS_ROOT_CA_SHA256 } from "./ias/iasRootCa.js";
export type { IasVerifyOptions } from "./ias/verifyIasReport.js";
export { IAS_DEFAULT_MAX_AGE_SECONDS, verifyIasReport } from "./ias/verifyIasReport.js";
export { SIM_QUOTING_KEY_URI, simQuotingPublicKey } from "./simulated/simQuotingKey.js";
export type {
  SimulatedQuote,
  SimulatedQuoteInput,
  SimulatedReportBody,
  VerifiedSimulatedQuote,
} from "./simulated/simulatedQuote.js";
export {
  createSimulatedQuote,
  decodeSimulatedQuote,
  encodeSimulatedQuote,
  MEASUREMENT_LENGTH,
  REPORT_DATA_LENGTH,
  SIMULATED_QUOTE_DOMAIN,
  SIMULATED_QUOTE_VERSION,
  simulatedQuoteCodec,
  simulatedQuoteSigningPayload,
  verifySimulatedQuote,
} from "./simulated/simulatedQuote.js";
export type { TdReport } from "./tdx/tdReport.js";
export type {
  EvidenceKind,
  SgxMeasurement,
  TdxMeasurement,
  VerifiedEvidence,
  VerifiedIas,
  VerifiedSgxDcap,
  VerifiedTdx,
} from "./verifiedEvidence.js";
export type { DetectedEvidence, VerifyEvidenceOptions } from "./verifyEvidence.js";
export { detectEvidence, verifyEvidence } from "./verifyEvidence.js";
export { clearParseCaches } from "./x509/parseCache.js";
