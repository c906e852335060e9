import { ByteReader } from "./byteReader.js";

export const SGX_REPORT_BODY_LENGTH = 384;

/** An SGX enclave report body (the ISV enclave's in an SGX quote, and the QE's report in every quote). */
export interface SgxReportBody {
  readonly cpuSvn: Uint8Array;
  readonly miscSelect: number;
  readonly isvExtProdId: Uint8Array;
  /** 16 bytes; DEBUG is bit 1 of byte 0. */
  readonly attributes: Uint8Array;
  readonly mrEnclave: Uint8Array;
  readonly mrSigner: Uint8Array;
  readonly configId: Uint8Array;
  readonly isvProdId: number;
  readonly isvSvn: number;
  readonly configSvn: number;
  readonly isvFamilyId: Uint8Array;
  readonly reportData: Uint8Array;
}

/** Decodes exactly 384 bytes (the caller has already cut them out of the quote). */
export function decodeSgxReportBody(bytes: Uint8Array, what = "SGX report body"): SgxReportBody {
  const reader = new ByteReader(bytes, what);
  const cpuSvn = reader.take(16, "cpuSvn");
  const miscSelect = reader.u32("miscSelect");
  reader.take(12, "reserved1");
  const isvExtProdId = reader.take(16, "isvExtProdId");
  const attributes = reader.take(16, "attributes");
  const mrEnclave = reader.take(32, "mrEnclave");
  reader.take(32, "reserved2");
  const mrSigner = reader.take(32, "mrSigner");
  reader.take(32, "reserved3");
  const configId = reader.take(64, "configId");
  const isvProdId = reader.u16("isvProdId");
  const isvSvn = reader.u16("isvSvn");
  const configSvn = reader.u16("configSvn");
  reader.take(42, "reserved4");
  const isvFamilyId = reader.take(16, "isvFamilyId");
  const reportData = reader.take(64, "reportData");
  return {
    cpuSvn,
    miscSelect,
    isvExtProdId,
    attributes,
    mrEnclave,
    mrSigner,
    configId,
    isvProdId,
    isvSvn,
    configSvn,
    isvFamilyId,
    reportData,
  };
}

/** The DEBUG attribute (bit 1 of the first attributes byte). */
export function sgxIsDebug(report: SgxReportBody): boolean {
  return ((report.attributes[0] as number) & 0x02) !== 0;
}
