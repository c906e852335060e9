import type { Confidence, TcbStatus } from "./dcap/tcbStatus.js";

/** What an SGX enclave's report says about its code. */
export interface SgxMeasurement {
  readonly mrEnclave: Uint8Array;
  readonly mrSigner: Uint8Array;
  readonly isvProdId: number;
  readonly isvSvn: number;
}

/** What a TDX TD report says about the TD and the TDX module under it. */
export interface TdxMeasurement {
  readonly mrTd: Uint8Array;
  readonly rtmr0: Uint8Array;
  readonly rtmr1: Uint8Array;
  readonly rtmr2: Uint8Array;
  readonly rtmr3: Uint8Array;
  readonly mrConfigId: Uint8Array;
  readonly mrOwner: Uint8Array;
  readonly mrOwnerConfig: Uint8Array;
  readonly mrSeam: Uint8Array;
  readonly mrSignerSeam: Uint8Array;
  readonly tdAttributes: Uint8Array;
  readonly xfam: Uint8Array;
  readonly teeTcbSvn: Uint8Array;
  /** TDX 1.5 quotes only. */
  readonly mrServiceTd: Uint8Array | undefined;
}

interface VerifiedCommon {
  /** The 64 bytes the enclave bound into its report. */
  readonly reportData: Uint8Array;
  /** Debug enclaves and TDs are reported, not refused: refusing them is the relying party's policy. */
  readonly debug: boolean;
  /** Never `Revoked`: revoked evidence is refused. */
  readonly tcbStatus: Exclude<TcbStatus, "Revoked">;
  readonly advisoryIds: readonly string[];
  readonly confidence: Confidence;
}

export interface VerifiedSgxDcap extends VerifiedCommon {
  readonly kind: "sgx-dcap";
  readonly measurement: SgxMeasurement;
  /** The platform's FMSPC, hex, from its PCK certificate. */
  readonly fmspc: string;
}

export interface VerifiedTdx extends VerifiedCommon {
  readonly kind: "tdx";
  readonly measurement: TdxMeasurement;
  readonly fmspc: string;
}

export interface VerifiedIas extends VerifiedCommon {
  readonly kind: "ias";
  readonly measurement: SgxMeasurement;
  /** IAS's own status word (`OK`, `SW_HARDENING_NEEDED`, `GROUP_OUT_OF_DATE`, ...). */
  readonly iasStatus: string;
  /** When IAS wrote the report, unix seconds. */
  readonly timestamp: number;
}

/** What verified evidence establishes. Whether that is acceptable is policy, not the verifier's call. */
export type VerifiedEvidence = VerifiedSgxDcap | VerifiedTdx | VerifiedIas;

export type EvidenceKind = VerifiedEvidence["kind"];
