import { AttestationError } from "../errors.js";
import { asJsonObject, parseJsonObject } from "../jsonObject.js";
import { decodeUtf8 } from "../x509/pem.js";

/**
 * Quote collateral in the JSON shape of `@phala/dcap-qvl` (snake_case keys): PEM issuer chains,
 * hex DER CRLs, the TCB info and QE identity as the raw JSON text Intel signed, and their
 * signatures as hex `r || s`.
 */
export interface DcapCollateral {
  readonly pckCrlIssuerChain: string;
  readonly rootCaCrl: Uint8Array;
  readonly pckCrl: Uint8Array;
  readonly tcbInfoIssuerChain: string;
  /** The exact text Intel signed: never re-serialise it. */
  readonly tcbInfo: string;
  readonly tcbInfoSignature: Uint8Array;
  readonly qeIdentityIssuerChain: string;
  readonly qeIdentity: string;
  readonly qeIdentitySignature: Uint8Array;
}

/** The collateral JSON as text, UTF-8 bytes, or an already parsed object. */
export type CollateralInput = string | Uint8Array | Readonly<Record<string, unknown>>;

const FIELDS = {
  pck_crl_issuer_chain: "text",
  root_ca_crl: "hex",
  pck_crl: "hex",
  tcb_info_issuer_chain: "text",
  tcb_info: "text",
  tcb_info_signature: "signature",
  qe_identity_issuer_chain: "text",
  qe_identity: "text",
  qe_identity_signature: "signature",
} as const;
type Field = keyof typeof FIELDS;

function malformed(message: string, details: Record<string, unknown> = {}): AttestationError {
  return new AttestationError("DCAP_COLLATERAL_MALFORMED", `DCAP collateral: ${message}`, details);
}

function decodeHex(value: string, field: Field): Uint8Array {
  if (value.length === 0 || value.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(value)) {
    throw malformed(`${field} is not hex`, { field });
  }
  return new Uint8Array(Buffer.from(value, "hex"));
}

function asObject(input: CollateralInput): Readonly<Record<string, unknown>> {
  if (typeof input !== "string" && !(input instanceof Uint8Array)) return asJsonObject(input, malformed);
  const text = typeof input === "string" ? input : decodeUtf8(input, "collateral", malformed);
  return parseJsonObject(text, malformed);
}

/**
 * Parses collateral strictly: exactly the nine fields of the format, each a string of the right
 * kind (hex CRLs, 64-byte hex signatures). What the fields say is checked by the verifier.
 */
export function parseCollateral(input: CollateralInput): DcapCollateral {
  const object = asObject(input);
  for (const key of Object.keys(object)) {
    if (!(key in FIELDS)) throw malformed(`unknown field ${key}`, { field: key });
  }
  const values = {} as Record<Field, string | Uint8Array>;
  for (const [field, kind] of Object.entries(FIELDS) as [Field, (typeof FIELDS)[Field]][]) {
    const value = object[field];
    if (typeof value !== "string") throw malformed(`${field} is missing or not a string`, { field });
    if (kind === "text") {
      values[field] = value;
      continue;
    }
    const decoded = decodeHex(value, field);
    if (kind === "signature" && decoded.length !== 64) {
      throw malformed(`${field} is not a 64-byte r || s signature`, { field, length: decoded.length });
    }
    values[field] = decoded;
  }
  return {
    pckCrlIssuerChain: values.pck_crl_issuer_chain as string,
    rootCaCrl: values.root_ca_crl as Uint8Array,
    pckCrl: values.pck_crl as Uint8Array,
    tcbInfoIssuerChain: values.tcb_info_issuer_chain as string,
    tcbInfo: values.tcb_info as string,
    tcbInfoSignature: values.tcb_info_signature as Uint8Array,
    qeIdentityIssuerChain: values.qe_identity_issuer_chain as string,
    qeIdentity: values.qe_identity as string,
    qeIdentitySignature: values.qe_identity_signature as Uint8Array,
  };
}
