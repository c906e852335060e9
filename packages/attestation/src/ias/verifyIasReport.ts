import { checkAllowlist, checkNow } from "../checkArguments.js";
import { decodeSgxReportBody, sgxIsDebug } from "../dcap/sgxReportBody.js";
import { confidenceOf, type TcbStatus } from "../dcap/tcbStatus.js";
import { AttestationError } from "../errors.js";
import type { SgxIasEvidence } from "../evidence.js";
import type { VerifiedIas } from "../verifiedEvidence.js";
import { type Certificate, KeyUsageFlags, parseCertificate } from "../x509/certificate.js";
import { type TrustAnchor, trustAnchor, verifyCertificateChain } from "../x509/certificateChain.js";
import { decodePemCertificates, decodeUtf8, type MalformedError } from "../x509/pem.js";
import { verifySha256Signature } from "../x509/signatures.js";
import { parseIasReport } from "./iasReport.js";
import { iasRootCa } from "./iasRootCa.js";

/** Phala's registry accepted IAS reports for two hours. */
export const IAS_DEFAULT_MAX_AGE_SECONDS = 7200;

export interface IasVerifyOptions {
  /** The time to verify at, unix seconds. */
  readonly now: number;
  /** A report older than this at `now` is stale (IAS_REPORT_STALE); default 7200. */
  readonly maxAgeSeconds?: number;
  /** Advisory IDs the caller accepts for confidence 3; default none. */
  readonly advisoryAllowlist?: readonly string[];
  /** DER of another report-signing root to trust instead of the pinned IAS root: tests only. */
  readonly trustedRootCa?: Uint8Array;
}

/** IAS's quote statuses that describe a TCB; the others refuse the quote. */
const STATUS: Readonly<Record<string, Exclude<TcbStatus, "Revoked">>> = {
  OK: "UpToDate",
  SW_HARDENING_NEEDED: "SWHardeningNeeded",
  CONFIGURATION_NEEDED: "ConfigurationNeeded",
  CONFIGURATION_AND_SW_HARDENING_NEEDED: "ConfigurationAndSWHardeningNeeded",
  GROUP_OUT_OF_DATE: "OutOfDate",
};
const REVOKED = new Set(["GROUP_REVOKED", "KEY_REVOKED", "SIGNATURE_REVOKED"]);

const certificateMalformed: MalformedError = (message, details = {}) =>
  new AttestationError("IAS_CERT_CHAIN_INVALID", `IAS signing certificate: ${message}`, details);

/** The signing certificate as DER, or a PEM chain (leaf first; a root in it must be the trusted one). */
function signingChain(certificate: Uint8Array): Certificate[] {
  const pem = certificate[0] === 0x2d; // "-----BEGIN CERTIFICATE-----"
  const ders = pem
    ? decodePemCertificates(
        decodeUtf8(certificate, "IAS signing certificate", certificateMalformed),
        certificateMalformed,
      )
    : [certificate];
  return ders.map((der) => parseCertificate(der, certificateMalformed));
}

function anchorOf(options: IasVerifyOptions): TrustAnchor {
  return options.trustedRootCa === undefined ? iasRootCa() : trustAnchor(options.trustedRootCa, "rsa-sha256", "IAS");
}

/**
 * Verifies a legacy IAS (EPID) attestation report: the signing certificate chains to the pinned
 * IAS root and is valid at `now`, RSA-SHA256 (PKCS#1 v1.5) over the exact report bytes verifies,
 * the report is at most `maxAgeSeconds` old at `now`, and its quote status is a TCB status (revoked
 * and invalid quotes are refused). A timestamp after `now` is accepted: IAS's clock is not ours to
 * judge, and Phala's registry did the same.
 */
export function verifyIasReport(evidence: SgxIasEvidence, options: IasVerifyOptions): VerifiedIas {
  const now = checkNow(options?.now);
  const allowlist = checkAllowlist(options.advisoryAllowlist);
  const maxAge = options.maxAgeSeconds ?? IAS_DEFAULT_MAX_AGE_SECONDS;
  if (!Number.isSafeInteger(maxAge) || maxAge < 0) {
    throw new AttestationError("ATTESTATION_INVALID_ARGUMENT", "maxAgeSeconds must be a non-negative integer", {
      maxAgeSeconds: String(maxAge),
    });
  }
  const { report, signature, certificate } = evidence;
  if (!(report instanceof Uint8Array) || !(signature instanceof Uint8Array) || !(certificate instanceof Uint8Array)) {
    throw new AttestationError("IAS_REPORT_MALFORMED", "IAS evidence: report, signature and certificate must be bytes");
  }
  const [signer] = verifyCertificateChain(signingChain(certificate), {
    prefix: "IAS",
    what: "IAS signing certificate",
    anchor: anchorOf(options),
    now,
    depth: 1,
    leafIsCa: false,
    leafUsage: KeyUsageFlags.digitalSignature,
  }) as [Certificate];
  if (!verifySha256Signature("rsa-sha256", signer.publicKey, report, signature)) {
    throw new AttestationError("IAS_BAD_SIGNATURE", "IAS report signature does not verify");
  }
  const parsed = parseIasReport(
    decodeUtf8(report, "IAS report", (message) => new AttestationError("IAS_REPORT_MALFORMED", message)),
  );
  if (now - parsed.timestamp > maxAge) {
    throw new AttestationError("IAS_REPORT_STALE", `IAS report is older than ${maxAge} s`, {
      timestamp: parsed.timestamp,
      now,
      maxAgeSeconds: maxAge,
    });
  }
  const iasStatus = parsed.isvEnclaveQuoteStatus;
  if (REVOKED.has(iasStatus)) {
    throw new AttestationError("IAS_REVOKED", `IAS says ${iasStatus}`, { iasStatus });
  }
  const tcbStatus = STATUS[iasStatus];
  if (tcbStatus === undefined) {
    throw new AttestationError("IAS_QUOTE_REJECTED", `IAS did not accept the quote: ${iasStatus}`, { iasStatus });
  }
  const body = decodeSgxReportBody(parsed.isvEnclaveQuoteBody.subarray(48), "IAS quote body");
  return {
    kind: "ias",
    measurement: { mrEnclave: body.mrEnclave, mrSigner: body.mrSigner, isvProdId: body.isvProdId, isvSvn: body.isvSvn },
    reportData: body.reportData,
    debug: sgxIsDebug(body),
    tcbStatus,
    advisoryIds: parsed.advisoryIds,
    confidence: confidenceOf(tcbStatus, parsed.advisoryIds, allowlist),
    iasStatus,
    timestamp: parsed.timestamp,
  };
}
