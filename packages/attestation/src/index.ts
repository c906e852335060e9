export type { AttestationErrorCode, GramineErrorCode } from "./errors.js";
export { AttestationError, GramineError } from "./errors.js";
export type { Attestation, AttestationType, SgxDcapEvidence, SgxIasEvidence } from "./evidence.js";
export { assertValidAttestation, attestationCodec, decodeAttestation, encodeAttestation } from "./evidence.js";
export type { GramineSourceOptions } from "./gramine/gramineQuoteSource.js";
export {
  assertGramineDcap,
  GRAMINE_ATTESTATION_ROOT,
  gramineAttestationType,
  gramineMeasurement,
  gramineQuote,
  SGX_TARGET_INFO_LENGTH,
} from "./gramine/gramineQuoteSource.js";
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
