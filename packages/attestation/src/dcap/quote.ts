import { equalBytes, fromHex, toHex } from "@phala-ts/core";
import { AttestationError } from "../errors.js";
import { decodeTdReport, TD_REPORT10_LENGTH, TD_REPORT15_LENGTH, type TdReport } from "../tdx/tdReport.js";
import { ByteReader } from "./byteReader.js";
import { decodeSgxReportBody, SGX_REPORT_BODY_LENGTH, type SgxReportBody } from "./sgxReportBody.js";

export const QUOTE_HEADER_LENGTH = 48;
export const TEE_TYPE_SGX = 0x00000000;
export const TEE_TYPE_TDX = 0x00000081;
/** ECDSA-256-with-P-256; the only attestation key type Intel's quoting enclaves produce for DCAP. */
export const ATTESTATION_KEY_TYPE_ECDSA_P256 = 2;
/** Intel's QE vendor id, 939A7233-F79C-4CA9-940A-0DB3957F0607. */
export const INTEL_QE_VENDOR_ID: Uint8Array = fromHex("0x939a7233f79c4ca9940a0db3957f0607");
/** Certification data types: a PEM PCK chain, and (v4+) QE report certification data wrapping one. */
export const CERT_DATA_PCK_CHAIN = 5;
export const CERT_DATA_QE_REPORT = 6;

const BODY_TYPE_TD10 = 2;
const BODY_TYPE_TD15 = 3;

export interface QuoteHeader {
  readonly version: 3 | 4 | 5;
  readonly attestationKeyType: number;
  readonly teeType: number;
  readonly qeSvn: number;
  readonly pceSvn: number;
  readonly qeVendorId: Uint8Array;
  readonly userData: Uint8Array;
}

export type QuoteBody =
  | { readonly type: "sgx"; readonly report: SgxReportBody }
  | { readonly type: "tdx"; readonly version: "1.0" | "1.5"; readonly report: TdReport };

/** A decoded SGX (v3) or TDX (v4, v5) ECDSA quote. Nothing here is verified yet. */
export interface DcapQuote {
  readonly header: QuoteHeader;
  readonly body: QuoteBody;
  /** What the attestation key signs: the header and the body (in v5 with its type and size). */
  readonly signedData: Uint8Array;
  /** ECDSA P-256 `r || s` over `signedData`. */
  readonly signature: Uint8Array;
  /** The attestation key, `x || y`. */
  readonly attestationKey: Uint8Array;
  /** The quoting enclave's report, as signed by the PCK key. */
  readonly qeReport: Uint8Array;
  readonly qeReportBody: SgxReportBody;
  readonly qeReportSignature: Uint8Array;
  readonly qeAuthData: Uint8Array;
  /** The PCK certificate chain (certification data type 5), PEM bytes as they travel. */
  readonly pckChain: Uint8Array;
  /** Bytes the quote occupies; anything after it was zero padding. */
  readonly length: number;
}

function malformed(message: string, details: Record<string, unknown> = {}): AttestationError {
  return new AttestationError("DCAP_QUOTE_MALFORMED", `DCAP quote: ${message}`, details);
}

function unsupported(message: string, details: Record<string, unknown>): AttestationError {
  return new AttestationError("DCAP_QUOTE_UNSUPPORTED", `DCAP quote: ${message}`, details);
}

function decodeHeader(reader: ByteReader): QuoteHeader {
  const version = reader.u16("version");
  const attestationKeyType = reader.u16("attestationKeyType");
  const teeType = reader.u32("teeType");
  const qeSvn = reader.u16("qeSvn");
  const pceSvn = reader.u16("pceSvn");
  const qeVendorId = reader.take(16, "qeVendorId");
  const userData = reader.take(20, "userData");
  if (version !== 3 && version !== 4 && version !== 5) {
    throw unsupported(`version ${version} is not supported (3, 4 and 5 are)`, { field: "version", version });
  }
  if (attestationKeyType !== ATTESTATION_KEY_TYPE_ECDSA_P256) {
    throw unsupported(`attestation key type ${attestationKeyType} is not ECDSA P-256`, {
      field: "attestationKeyType",
      attestationKeyType,
    });
  }
  const expectedTee = version === 3 ? TEE_TYPE_SGX : TEE_TYPE_TDX;
  if (teeType !== expectedTee) {
    throw unsupported(`TEE type 0x${teeType.toString(16)} is not supported in a version ${version} quote`, {
      field: "teeType",
      teeType,
      version,
    });
  }
  if (!equalBytes(qeVendorId, INTEL_QE_VENDOR_ID)) {
    throw unsupported("the quoting enclave is not Intel's", { field: "qeVendorId", qeVendorId: toHex(qeVendorId) });
  }
  return { version, attestationKeyType, teeType, qeSvn, pceSvn, qeVendorId, userData };
}

function decodeBody(reader: ByteReader, version: 3 | 4 | 5): QuoteBody {
  if (version === 3) return { type: "sgx", report: decodeSgxReportBody(reader.take(SGX_REPORT_BODY_LENGTH, "body")) };
  if (version === 4) {
    return { type: "tdx", version: "1.0", report: decodeTdReport(reader.take(TD_REPORT10_LENGTH, "body"), "1.0") };
  }
  const bodyType = reader.u16("bodyType");
  const bodySize = reader.u32("bodySize");
  if (bodyType !== BODY_TYPE_TD10 && bodyType !== BODY_TYPE_TD15) {
    // Body type 1 (an SGX report in a v5 quote) is refused like its TEE type: SGX quotes are v3 here.
    throw unsupported(`v5 body type ${bodyType} is not supported (2 and 3, TD reports, are)`, {
      field: "bodyType",
      bodyType,
    });
  }
  const expected = bodyType === BODY_TYPE_TD10 ? TD_REPORT10_LENGTH : TD_REPORT15_LENGTH;
  if (bodySize !== expected) throw malformed(`v5 body size ${bodySize} is not ${expected}`, { bodyType, bodySize });
  const tdVersion = bodyType === BODY_TYPE_TD10 ? "1.0" : "1.5";
  return { type: "tdx", version: tdVersion, report: decodeTdReport(reader.take(bodySize, "body"), tdVersion) };
}

interface QeReportCertification {
  readonly qeReport: Uint8Array;
  readonly qeReportSignature: Uint8Array;
  readonly qeAuthData: Uint8Array;
  readonly pckChain: Uint8Array;
}

function decodeCertificationData(reader: ByteReader): { type: number; data: Uint8Array } {
  const type = reader.u16("certificationDataType");
  const size = reader.u32("certificationDataSize");
  return { type, data: reader.take(size, "certificationData") };
}

function decodePckChain(reader: ByteReader): Uint8Array {
  const { type, data } = decodeCertificationData(reader);
  if (type !== CERT_DATA_PCK_CHAIN) {
    throw unsupported(`certification data type ${type} is not a PCK certificate chain (5)`, {
      field: "certificationDataType",
      certificationDataType: type,
    });
  }
  if (data.length === 0) throw malformed("the PCK certificate chain is empty");
  return data;
}

/** QE report, its signature, QE authentication data and the PCK chain (v3 inline, v4+ inside type 6). */
function decodeQeReportCertification(reader: ByteReader): QeReportCertification {
  const qeReport = reader.take(SGX_REPORT_BODY_LENGTH, "qeReport");
  const qeReportSignature = reader.take(64, "qeReportSignature");
  const qeAuthData = reader.take(reader.u16("qeAuthDataSize"), "qeAuthData");
  return { qeReport, qeReportSignature, qeAuthData, pckChain: decodePckChain(reader) };
}

function expectConsumed(reader: ByteReader, what: string): void {
  if (reader.remaining !== 0) {
    throw malformed(`${what} is ${reader.remaining} byte(s) longer than its contents`, { extra: reader.remaining });
  }
}

/**
 * Decodes an SGX v3 or TDX v4/v5 ECDSA quote, bounds-checked. Every declared length must match its
 * contents exactly; zero padding after the quote is tolerated (TDX quoting libraries hand out
 * zero-padded buffers) but any other trailing byte is refused.
 */
export function decodeDcapQuote(input: Uint8Array): DcapQuote {
  if (!(input instanceof Uint8Array)) throw malformed("input is not bytes");
  // A copy, as a plain Uint8Array: a Buffer's slice() is a view, and the result must not alias the input.
  const bytes = Uint8Array.from(input);
  const reader = new ByteReader(bytes, "DCAP quote");
  const header = decodeHeader(reader);
  const body = decodeBody(reader, header.version);
  const signedData = bytes.slice(0, reader.offset);
  const signatureData = new ByteReader(reader.take(reader.u32("signatureDataSize"), "signatureData"), "signature data");
  const signature = signatureData.take(64, "signature");
  const attestationKey = signatureData.take(64, "attestationKey");
  let certification: QeReportCertification;
  if (header.version === 3) {
    certification = decodeQeReportCertification(signatureData);
  } else {
    const { type, data } = decodeCertificationData(signatureData);
    if (type !== CERT_DATA_QE_REPORT) {
      throw unsupported(`certification data type ${type} is not QE report certification data (6)`, {
        field: "certificationDataType",
        certificationDataType: type,
      });
    }
    const inner = new ByteReader(data, "QE report certification data");
    certification = decodeQeReportCertification(inner);
    expectConsumed(inner, "QE report certification data");
  }
  expectConsumed(signatureData, "signature data");
  const length = reader.offset;
  if (bytes.subarray(length).some((byte) => byte !== 0)) {
    throw malformed("non-zero bytes follow the quote", { length, total: bytes.length });
  }
  return {
    header,
    body,
    signedData,
    signature,
    attestationKey,
    qeReport: certification.qeReport,
    qeReportBody: decodeSgxReportBody(certification.qeReport, "QE report"),
    qeReportSignature: certification.qeReportSignature,
    qeAuthData: certification.qeAuthData,
    pckChain: certification.pckChain,
    length,
  };
}
