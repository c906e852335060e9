import { AttestationError } from "../errors.js";
import { JsonFields } from "./jsonFields.js";
import { decodeEnclaveTcbLevels, type EnclaveTcbLevel } from "./tcbInfo.js";

/** Intel's identity of its quoting enclave (`QE` for SGX quotes, `TD_QE` for TDX ones). */
export interface QeIdentity {
  readonly id: "QE" | "TD_QE" | "QVE";
  readonly version: 2;
  /** Unix seconds. */
  readonly issueDate: number;
  readonly nextUpdate: number;
  readonly tcbEvaluationDataNumber: number;
  /** MISCSELECT and its mask, little-endian as in the report. */
  readonly miscSelect: number;
  readonly miscSelectMask: number;
  readonly attributes: Uint8Array;
  readonly attributesMask: Uint8Array;
  readonly mrSigner: Uint8Array;
  readonly isvProdId: number;
  /** Newest first: the first level whose ISVSVN the QE reaches is its level. */
  readonly tcbLevels: readonly EnclaveTcbLevel[];
}

function littleEndian32(bytes: Uint8Array): number {
  return Buffer.from(bytes).readUInt32LE(0);
}

/** Parses the signed QE identity text (the inner `enclaveIdentity` object), version 2. */
export function parseQeIdentity(text: string): QeIdentity {
  const fields = JsonFields.parse(text, "qeIdentity");
  const version = fields.integer("version");
  if (version !== 2) {
    throw new AttestationError(
      "DCAP_COLLATERAL_MALFORMED",
      `DCAP collateral: QE identity version ${version} is not supported (2 is)`,
      { version },
    );
  }
  return {
    id: fields.oneOf("id", ["QE", "TD_QE", "QVE"] as const),
    version,
    issueDate: fields.date("issueDate"),
    nextUpdate: fields.date("nextUpdate"),
    tcbEvaluationDataNumber: fields.integer("tcbEvaluationDataNumber"),
    miscSelect: littleEndian32(fields.hex("miscselect", 4)),
    miscSelectMask: littleEndian32(fields.hex("miscselectMask", 4)),
    attributes: fields.hex("attributes", 16),
    attributesMask: fields.hex("attributesMask", 16),
    mrSigner: fields.hex("mrsigner", 32),
    isvProdId: fields.integer("isvprodid", 0xffff),
    tcbLevels: decodeEnclaveTcbLevels(fields),
  };
}
