import { ByteReader } from "../dcap/byteReader.js";

export const TD_REPORT10_LENGTH = 584;
export const TD_REPORT15_LENGTH = 648;

/** A TDX TD report body (TDX 1.0; TDX 1.5 adds `teeTcbSvn2` and `mrServiceTd`). */
export interface TdReport {
  readonly teeTcbSvn: Uint8Array;
  readonly mrSeam: Uint8Array;
  readonly mrSignerSeam: Uint8Array;
  readonly seamAttributes: Uint8Array;
  /** 8 bytes; byte 0 is the TUD (debug) group, DEBUG being bit 0. */
  readonly tdAttributes: Uint8Array;
  readonly xfam: Uint8Array;
  readonly mrTd: Uint8Array;
  readonly mrConfigId: Uint8Array;
  readonly mrOwner: Uint8Array;
  readonly mrOwnerConfig: Uint8Array;
  readonly rtmr0: Uint8Array;
  readonly rtmr1: Uint8Array;
  readonly rtmr2: Uint8Array;
  readonly rtmr3: Uint8Array;
  readonly reportData: Uint8Array;
  /** TDX 1.5 only. */
  readonly teeTcbSvn2: Uint8Array | undefined;
  readonly mrServiceTd: Uint8Array | undefined;
}

/** Decodes exactly 584 (TDX 1.0) or 648 (TDX 1.5) bytes. */
export function decodeTdReport(bytes: Uint8Array, version: "1.0" | "1.5"): TdReport {
  const reader = new ByteReader(bytes, `TD report ${version}`);
  const report = {
    teeTcbSvn: reader.take(16, "teeTcbSvn"),
    mrSeam: reader.take(48, "mrSeam"),
    mrSignerSeam: reader.take(48, "mrSignerSeam"),
    seamAttributes: reader.take(8, "seamAttributes"),
    tdAttributes: reader.take(8, "tdAttributes"),
    xfam: reader.take(8, "xfam"),
    mrTd: reader.take(48, "mrTd"),
    mrConfigId: reader.take(48, "mrConfigId"),
    mrOwner: reader.take(48, "mrOwner"),
    mrOwnerConfig: reader.take(48, "mrOwnerConfig"),
    rtmr0: reader.take(48, "rtmr0"),
    rtmr1: reader.take(48, "rtmr1"),
    rtmr2: reader.take(48, "rtmr2"),
    rtmr3: reader.take(48, "rtmr3"),
    reportData: reader.take(64, "reportData"),
  };
  if (version === "1.0") return { ...report, teeTcbSvn2: undefined, mrServiceTd: undefined };
  return { ...report, teeTcbSvn2: reader.take(16, "teeTcbSvn2"), mrServiceTd: reader.take(48, "mrServiceTd") };
}

/**
 * Whether the TD is under debug: any bit of the TUD byte (byte 0 of TD attributes: DEBUG is bit 0,
 * bits 1-7 are reserved for other debug features), as dcap-qvl judges it.
 */
export function tdIsDebug(report: TdReport): boolean {
  return report.tdAttributes[0] !== 0;
}
