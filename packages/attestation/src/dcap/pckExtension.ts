import { Enumerated, fromBER, Integer, ObjectIdentifier, OctetString, Sequence } from "asn1js";
import { AttestationError } from "../errors.js";
import type { Certificate } from "../x509/certificate.js";

/** Intel's SGX extension of PCK certificates, and the parts of it the verifier uses. */
export const SGX_EXTENSION_OID = "1.2.840.113741.1.13.1";
const PPID = `${SGX_EXTENSION_OID}.1`;
const TCB = `${SGX_EXTENSION_OID}.2`;
const PCE_ID = `${SGX_EXTENSION_OID}.3`;
const FMSPC = `${SGX_EXTENSION_OID}.4`;
const SGX_TYPE = `${SGX_EXTENSION_OID}.5`;
const PCE_SVN = `${TCB}.17`;
const CPU_SVN = `${TCB}.18`;

/** What a PCK certificate says about its platform. */
export interface PckExtension {
  readonly ppid: Uint8Array;
  /** TCB component SVNs 1..16 (`…13.1.2.1` to `.2.16`). */
  readonly tcbComponents: readonly number[];
  readonly pceSvn: number;
  readonly cpuSvn: Uint8Array;
  readonly pceId: Uint8Array;
  readonly fmspc: Uint8Array;
  /** 0 Standard, 1 Scalable, 2 Scalable with integrity. */
  readonly sgxType: number;
}

function invalid(message: string, details: Record<string, unknown> = {}): AttestationError {
  return new AttestationError("DCAP_PCK_CERT_INVALID", `PCK certificate SGX extension: ${message}`, details);
}

/** `SEQUENCE { OID, value }` pairs of a SEQUENCE, keyed by OID; repeats are refused. */
function entries(node: unknown, where: string): Map<string, unknown> {
  if (!(node instanceof Sequence)) throw invalid(`${where} is not a SEQUENCE`);
  const map = new Map<string, unknown>();
  for (const entry of node.valueBlock.value) {
    const pair = entry instanceof Sequence ? entry.valueBlock.value : [];
    const [oid, value] = pair;
    if (pair.length !== 2 || !(oid instanceof ObjectIdentifier))
      throw invalid(`${where} has an entry that is not (OID, value)`);
    const key = oid.getValue();
    if (map.has(key)) throw invalid(`${where} repeats ${key}`, { oid: key });
    map.set(key, value);
  }
  return map;
}

function octets(map: Map<string, unknown>, oid: string, length: number): Uint8Array {
  const node = map.get(oid);
  if (
    !(node instanceof OctetString) ||
    node.valueBlock.isConstructed ||
    node.valueBlock.valueHexView.length !== length
  ) {
    throw invalid(`${oid} is not an OCTET STRING of ${length} bytes`, { oid });
  }
  return node.valueBlock.valueHexView.slice();
}

function integer(map: Map<string, unknown>, oid: string, max: number, type: typeof Integer = Integer): number {
  const node = map.get(oid);
  // Exactly the class: an ENUMERATED (a subclass of Integer in asn1js) is not an INTEGER.
  if (!(node instanceof type) || node.constructor !== type) {
    throw invalid(`${oid} is missing or not an ${type === Integer ? "INTEGER" : "ENUMERATED"}`, { oid });
  }
  const value = node.toBigInt();
  if (value < 0n || value > BigInt(max)) throw invalid(`${oid} is out of range 0..${max}`, { oid });
  return Number(value);
}

/**
 * Decodes the SGX extension's DER (the extnValue) with asn1js. Its OCTET STRINGs are read as bytes,
 * so asn1js is not asked to try decoding their contents as BER too (`parseEmbedded`).
 */
export function decodePckExtension(der: Uint8Array): PckExtension {
  const { offset, result } = fromBER(der, { parseEmbedded: false });
  if (offset !== der.length || result.error !== "") throw invalid("is not a single DER value");
  const top = entries(result, "extension");
  const tcb = entries(top.get(TCB), "TCB");
  return {
    ppid: octets(top, PPID, 16),
    tcbComponents: Array.from({ length: 16 }, (_, i) => integer(tcb, `${TCB}.${i + 1}`, 255)),
    pceSvn: integer(tcb, PCE_SVN, 0xffff),
    cpuSvn: octets(tcb, CPU_SVN, 16),
    pceId: octets(top, PCE_ID, 2),
    fmspc: octets(top, FMSPC, 6),
    sgxType: integer(top, SGX_TYPE, 2, Enumerated),
  };
}

/** Decoded extensions of (cached, immutable) certificates; failures are not kept. */
const decoded = new WeakMap<Certificate, PckExtension>();

/**
 * The SGX extension of a PCK leaf certificate; DCAP_PCK_CERT_INVALID if it is missing or malformed.
 * Kept with the certificate (which `parseCertificate` caches): the value is frozen and shared, and
 * its byte arrays must not be changed or handed out.
 */
export function pckExtensionOf(certificate: Certificate): PckExtension {
  const known = decoded.get(certificate);
  if (known !== undefined) return known;
  const der = certificate.extensions.get(SGX_EXTENSION_OID);
  if (der === undefined) throw invalid("missing", { commonName: certificate.commonName });
  const extension = Object.freeze(decodePckExtension(der));
  Object.freeze(extension.tcbComponents);
  decoded.set(certificate, extension);
  return extension;
}
