import { AttestationError } from "../errors.js";
import { JsonFields } from "./jsonFields.js";
import { ENCLAVE_TCB_STATUSES, type EnclaveTcbStatus, TCB_LEVEL_STATUSES, type TcbLevelStatus } from "./tcbStatus.js";

export const TCB_COMPONENT_COUNT = 16;

/** One platform TCB level: the SVNs a platform needs at least to have `tcbStatus`. */
export interface TcbLevel {
  /** SGX TCB component SVNs 1..16 (each 0..255). */
  readonly sgxComponents: readonly number[];
  readonly pceSvn: number;
  /** TDX TCB component SVNs (TDX TCB info only). */
  readonly tdxComponents: readonly number[] | undefined;
  readonly tcbDate: number;
  readonly tcbStatus: TcbLevelStatus;
  readonly advisoryIds: readonly string[];
}

export interface EnclaveTcbLevel {
  readonly isvSvn: number;
  readonly tcbDate: number;
  readonly tcbStatus: EnclaveTcbStatus;
  readonly advisoryIds: readonly string[];
}

/** The expected TDX module signer and attributes (`tdxModule`, or one of `tdxModuleIdentities`). */
export interface TdxModule {
  readonly mrSigner: Uint8Array;
  readonly attributes: Uint8Array;
  readonly attributesMask: Uint8Array;
}

export interface TdxModuleIdentity extends TdxModule {
  /** `TDX_` and the module's major version as two hex digits (`TDX_01`). */
  readonly id: string;
  readonly tcbLevels: readonly EnclaveTcbLevel[];
}

/** Intel's TCB info for one FMSPC (v2: SGX; v3: SGX or TDX). */
export interface TcbInfo {
  readonly id: "SGX" | "TDX";
  readonly version: 2 | 3;
  /** Unix seconds. */
  readonly issueDate: number;
  readonly nextUpdate: number;
  readonly fmspc: Uint8Array;
  readonly pceId: Uint8Array;
  readonly tcbType: number;
  readonly tcbEvaluationDataNumber: number;
  /** In Intel's order, newest first: the first level a platform meets is its level. */
  readonly tcbLevels: readonly TcbLevel[];
  readonly tdxModule: TdxModule | undefined;
  readonly tdxModuleIdentities: readonly TdxModuleIdentity[] | undefined;
}

function malformed(message: string): AttestationError {
  return new AttestationError("DCAP_COLLATERAL_MALFORMED", `DCAP collateral: ${message}`, {});
}

function components(fields: JsonFields, key: string): number[] {
  return fields
    .array(key, TCB_COMPONENT_COUNT)
    .map(({ value, path }) => new JsonFields(value, path).integer("svn", 255));
}

function decodeTcbLevel(value: unknown, path: string, info: { version: 2 | 3; id: "SGX" | "TDX" }): TcbLevel {
  const level = new JsonFields(value, path);
  const tcb = level.child("tcb");
  const sgxComponents =
    info.version === 2
      ? Array.from({ length: TCB_COMPONENT_COUNT }, (_, i) =>
          tcb.integer(`sgxtcbcomp${String(i + 1).padStart(2, "0")}svn`, 255),
        )
      : components(tcb, "sgxtcbcomponents");
  return {
    sgxComponents,
    pceSvn: tcb.integer("pcesvn", 0xffff),
    tdxComponents: info.id === "TDX" ? components(tcb, "tdxtcbcomponents") : undefined,
    tcbDate: level.date("tcbDate"),
    tcbStatus: level.oneOf("tcbStatus", TCB_LEVEL_STATUSES),
    advisoryIds: level.strings("advisoryIDs"),
  };
}

export function decodeEnclaveTcbLevels(fields: JsonFields): EnclaveTcbLevel[] {
  const levels = fields.array("tcbLevels").map(({ value, path }) => {
    const level = new JsonFields(value, path);
    return {
      isvSvn: level.child("tcb").integer("isvsvn", 0xffff),
      tcbDate: level.date("tcbDate"),
      tcbStatus: level.oneOf("tcbStatus", ENCLAVE_TCB_STATUSES),
      advisoryIds: level.strings("advisoryIDs"),
    };
  });
  if (levels.length === 0) throw malformed("an identity has no TCB levels");
  return levels;
}

function decodeTdxModule(fields: JsonFields): TdxModule {
  return {
    mrSigner: fields.hex("mrsigner", 48),
    attributes: fields.hex("attributes", 8),
    attributesMask: fields.hex("attributesMask", 8),
  };
}

/**
 * Parses the signed TCB info text (the inner `tcbInfo` object). Every field the verifier uses must
 * be present with the right type; fields it does not use (component categories, ...) are ignored.
 */
export function parseTcbInfo(text: string): TcbInfo {
  const fields = JsonFields.parse(text, "tcbInfo");
  const version = fields.integer("version");
  if (version !== 2 && version !== 3) throw malformed(`TCB info version ${version} is not supported (2 and 3 are)`);
  const id = version === 2 ? "SGX" : fields.oneOf("id", ["SGX", "TDX"] as const);
  const tcbType = fields.integer("tcbType");
  if (tcbType !== 0) throw malformed(`TCB info tcbType ${tcbType} is not supported (0 is)`);
  const tcbLevels = fields.array("tcbLevels").map(({ value, path }) => decodeTcbLevel(value, path, { version, id }));
  if (tcbLevels.length === 0) throw malformed("TCB info has no TCB levels");
  return {
    id,
    version,
    issueDate: fields.date("issueDate"),
    nextUpdate: fields.date("nextUpdate"),
    fmspc: fields.hex("fmspc", 6),
    pceId: fields.hex("pceId", 2),
    tcbType,
    tcbEvaluationDataNumber: fields.integer("tcbEvaluationDataNumber"),
    tcbLevels,
    tdxModule: id === "TDX" ? decodeTdxModule(fields.child("tdxModule")) : undefined,
    tdxModuleIdentities:
      id === "TDX" && fields.has("tdxModuleIdentities")
        ? fields.array("tdxModuleIdentities").map(({ value, path }) => {
            const identity = new JsonFields(value, path);
            return {
              id: identity.string("id"),
              ...decodeTdxModule(identity),
              tcbLevels: decodeEnclaveTcbLevels(identity),
            };
          })
        : undefined,
  };
}
