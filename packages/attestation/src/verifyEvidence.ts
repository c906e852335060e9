import { ScaleDecodeError } from "@phala-ts/core";
import type { CollateralInput } from "./dcap/collateral.js";
import { decodeDcapQuote, TEE_TYPE_SGX } from "./dcap/quote.js";
import { verifyDcapQuote } from "./dcap/verifyDcapQuote.js";
import { AttestationError } from "./errors.js";
import { type Attestation, decodeAttestation, type SgxIasEvidence } from "./evidence.js";
import { parseIasEvidenceJson } from "./ias/iasEvidenceJson.js";
import { verifyIasReport } from "./ias/verifyIasReport.js";
import type { EvidenceKind, VerifiedEvidence } from "./verifiedEvidence.js";

export interface VerifyEvidenceOptions {
  /** The time to verify at, unix seconds. */
  readonly now: number;
  /** DCAP collateral; when absent, the collateral carried in `SgxDcap` evidence is used. */
  readonly collateral?: CollateralInput;
  /** The kind the caller expects; other evidence is ATTESTATION_KIND_MISMATCH. */
  readonly kind?: EvidenceKind;
  /** Advisory IDs accepted for confidence 3; default none. */
  readonly advisoryAllowlist?: readonly string[];
  /** IAS reports older than this at `now` are stale; default 7200 s. */
  readonly iasMaxAgeSeconds?: number;
  /** Replace the pinned Intel SGX Root CA (DCAP) or IAS root: tests and private PKIs only. */
  readonly trustedSgxRootCa?: Uint8Array;
  readonly trustedIasRootCa?: Uint8Array;
}

/** Evidence recognised in bytes, before verification. */
export type DetectedEvidence =
  | { readonly kind: "sgx-dcap" | "tdx"; readonly quote: Uint8Array; readonly collateral: Uint8Array | undefined }
  | { readonly kind: "ias"; readonly evidence: SgxIasEvidence };

function unknown(message: string, details: Record<string, unknown> = {}): AttestationError {
  return new AttestationError("ATTESTATION_UNKNOWN_EVIDENCE", message, details);
}

/**
 * The kind of a DCAP quote, judged by its header: version 3 to 5 (little-endian) is a quote, and
 * the decoder then says precisely what is wrong with it, if anything.
 */
function dcapKind(quote: Uint8Array): "sgx-dcap" | "tdx" | undefined {
  const first = quote[0];
  if (first === undefined || first < 3 || first > 5 || quote[1] !== 0) return undefined;
  return decodeDcapQuote(quote).header.teeType === TEE_TYPE_SGX ? "sgx-dcap" : "tdx";
}

function fromAttestation(attestation: Attestation): DetectedEvidence {
  switch (attestation.type) {
    case "SgxDcap": {
      const kind = dcapKind(attestation.value.quote);
      if (kind === undefined) throw unknown("SgxDcap evidence does not hold a DCAP quote (version 3 to 5)");
      return { kind, quote: attestation.value.quote, collateral: attestation.value.collateral };
    }
    case "SgxIas":
      return { kind: "ias", evidence: attestation.value };
    case "Simulated":
      throw unknown("simulated evidence is checked with verifySimulatedQuote against trusted signers", {
        type: "Simulated",
      });
  }
}

/**
 * Recognises evidence bytes: a raw DCAP quote (SGX v3, TDX v4/v5), IAS evidence JSON
 * (`{raReport, signature, rawSigningCert}`), or the SCALE `Attestation` enum carrying either.
 */
export function detectEvidence(bytes: Uint8Array): DetectedEvidence {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw unknown("evidence must be non-empty bytes");
  const first = bytes.find((byte) => byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d);
  if (first === 0x7b) return { kind: "ias", evidence: parseIasEvidenceJson(bytes) };
  const kind = dcapKind(bytes);
  if (kind !== undefined) return { kind, quote: bytes, collateral: undefined };
  if (bytes[0] !== undefined && bytes[0] <= 2) {
    try {
      return fromAttestation(decodeAttestation(bytes));
    } catch (cause) {
      if (!(cause instanceof ScaleDecodeError)) throw cause;
      throw new AttestationError(
        "ATTESTATION_MALFORMED",
        "evidence is not a well-formed SCALE Attestation",
        {},
        { cause },
      );
    }
  }
  throw unknown("evidence is neither a DCAP quote, IAS evidence JSON nor a SCALE Attestation", {
    firstBytes: Array.from(bytes.subarray(0, 4)),
  });
}

/**
 * Detects the kind of `bytes` and verifies it at `now`: DCAP quotes against collateral (given here
 * or carried in the evidence), IAS reports against the pinned IAS root. Returns what the evidence
 * establishes; policy (debug, measurements, accepted statuses) is the caller's.
 */
export function verifyEvidence(bytes: Uint8Array, options: VerifyEvidenceOptions): VerifiedEvidence {
  const detected = detectEvidence(bytes);
  if (options?.kind !== undefined && options.kind !== detected.kind) {
    throw new AttestationError("ATTESTATION_KIND_MISMATCH", `expected ${options.kind} evidence, got ${detected.kind}`, {
      expected: options.kind,
      actual: detected.kind,
    });
  }
  if (detected.kind === "ias") {
    return verifyIasReport(detected.evidence, {
      now: options.now,
      maxAgeSeconds: options.iasMaxAgeSeconds,
      advisoryAllowlist: options.advisoryAllowlist,
      trustedRootCa: options.trustedIasRootCa,
    });
  }
  const collateral = options.collateral ?? detected.collateral;
  if (collateral === undefined) {
    throw new AttestationError("DCAP_COLLATERAL_MISSING", "DCAP evidence needs collateral for its FMSPC", {
      kind: detected.kind,
    });
  }
  return verifyDcapQuote(detected.quote, {
    collateral,
    now: options.now,
    advisoryAllowlist: options.advisoryAllowlist,
    trustedRootCa: options.trustedSgxRootCa,
  });
}
