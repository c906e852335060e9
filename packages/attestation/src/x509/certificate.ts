import type { KeyObject } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  Certificate as AsnCertificate,
  BasicConstraints,
  id_ce_basicConstraints,
  id_ce_keyUsage,
  KeyUsage,
  KeyUsageFlags,
  type Name,
} from "@peculiar/asn1-x509";
import { equalBytes, toHex } from "@phala-ts/core";
import type { AsnType } from "asn1js";
import { childrenOf, decodeDer, derOf, hasTag, LEAN_BER_OPTIONS } from "./derTree.js";
import { frozenMap, ParseCache } from "./parseCache.js";
import type { MalformedError } from "./pem.js";
import { publicKeyFromSpki } from "./signatures.js";

const ID_AT_COMMON_NAME = "2.5.4.3";
/** Extensions this verifier understands; any other extension marked critical makes the certificate unusable. */
const UNDERSTOOD_CRITICAL = new Set([id_ce_basicConstraints, id_ce_keyUsage]);

/** What the verifiers need from an X.509 certificate, decoded by `@peculiar/asn1-x509`. */
export interface Certificate {
  readonly der: Uint8Array;
  /** The exact DER of `tbsCertificate`, as signed. */
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: string;
  readonly signature: Uint8Array;
  /** Lower-case hex without leading zero bytes. */
  readonly serialNumber: string;
  /** DER of the subject and issuer names (compared byte for byte, as Intel's verifier does). */
  readonly subject: Uint8Array;
  readonly issuer: Uint8Array;
  readonly commonName: string | undefined;
  /** Unix seconds. */
  readonly notBefore: number;
  readonly notAfter: number;
  readonly publicKey: KeyObject;
  /** basicConstraints cA. */
  readonly isCa: boolean;
  /** keyUsage bits (`KeyUsageFlags`), or undefined when the extension is absent. */
  readonly keyUsage: number | undefined;
  /** extnID → extnValue (the DER inside the OCTET STRING). */
  readonly extensions: ReadonlyMap<string, Uint8Array>;
}

export { KeyUsageFlags };

function bytes(buffer: ArrayBuffer | ArrayBufferView): Uint8Array {
  return buffer instanceof ArrayBuffer
    ? new Uint8Array(buffer)
    : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Integer contents as lower-case hex without leading zero bytes (certificate and CRL serials). */
export function serialHex(integer: ArrayBuffer): string {
  const raw = bytes(integer);
  let start = 0;
  while (start < raw.length - 1 && raw[start] === 0) start++;
  return toHex(raw.subarray(start)).slice(2);
}

export function commonNameOf(name: Name): string | undefined {
  for (const rdn of name) {
    for (const attribute of rdn) {
      if (attribute.type === ID_AT_COMMON_NAME) return attribute.value.toString();
    }
  }
  return undefined;
}

function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

const cache = new ParseCache<Certificate>();

/**
 * Decodes a DER certificate. Only DER is accepted: the encoding must re-serialise to the same bytes
 * (which also rules out trailing data), the inner and outer signature algorithms must agree, and
 * critical extensions other than basicConstraints and keyUsage are refused.
 *
 * The result depends on the bytes only and is cached by them (see `ParseCache`): the same bytes give
 * the same frozen object, shared by every caller, who must not change its byte arrays. Nothing about
 * time is checked here. Input that does not parse is refused with `malformed`'s error every time.
 */
export function parseCertificate(der: Uint8Array, malformed: MalformedError): Certificate {
  return cache.parse(der, (input) => decodeCertificate(input, malformed));
}

/** The DER of the fields that are compared or used as bytes (views into the decoder's copy). */
interface CertificateFields {
  readonly outerAlgorithm: Uint8Array;
  readonly innerAlgorithm: Uint8Array;
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  readonly subjectPublicKeyInfo: Uint8Array;
}

/**
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }, and TBSCertificate ::=
 * SEQUENCE { version [0] (absent for v1, the DEFAULT), serialNumber, signature, issuer, validity,
 * subject, subjectPublicKeyInfo, ... }. Read from the tree of a certificate that re-serialised to its
 * input, so each slice is the field's DER as `AsnConvert.serialize` writes it.
 */
function certificateFields(tree: AsnType): CertificateFields {
  const [tbs, outerAlgorithm] = childrenOf(tree);
  const fields = childrenOf(tbs);
  const first = hasTag(fields[0], 3, 0) ? 1 : 0;
  return {
    outerAlgorithm: derOf(outerAlgorithm),
    innerAlgorithm: derOf(fields[first + 1]),
    issuer: derOf(fields[first + 2]),
    subject: derOf(fields[first + 4]),
    subjectPublicKeyInfo: derOf(fields[first + 5]),
  };
}

function decodeCertificate(der: Uint8Array, malformed: MalformedError): Certificate {
  let decoded: ReturnType<typeof decodeDer<AsnCertificate>>;
  try {
    decoded = decodeDer(der, AsnCertificate);
  } catch (cause) {
    throw malformed("certificate is not valid DER", { reason: String((cause as Error)?.message ?? cause) });
  }
  const { asn, tree } = decoded;
  // The one re-encoding: the value must serialise to exactly the input. Every slice taken from
  // `tree` below is therefore the DER of its field as `AsnConvert.serialize` would write it.
  if (asn.tbsCertificateRaw === undefined || !equalBytes(bytes(AsnConvert.serialize(asn)), der)) {
    throw malformed("certificate is not canonical DER (or has trailing bytes)");
  }
  const tbs = asn.tbsCertificate;
  let fields: CertificateFields;
  try {
    fields = certificateFields(tree);
  } catch (cause) {
    throw malformed("certificate is not valid DER", { reason: String((cause as Error)?.message ?? cause) });
  }
  if (!equalBytes(fields.innerAlgorithm, fields.outerAlgorithm)) {
    throw malformed("certificate signature algorithms disagree");
  }
  const extensions = new Map<string, Uint8Array>();
  let isCa = false;
  let keyUsage: number | undefined;
  for (const extension of tbs.extensions ?? []) {
    if (extensions.has(extension.extnID)) {
      throw malformed("certificate repeats an extension", { extension: extension.extnID });
    }
    const value = bytes(extension.extnValue.buffer);
    extensions.set(extension.extnID, value);
    try {
      if (extension.extnID === id_ce_basicConstraints) {
        isCa = AsnConvert.parse(value, BasicConstraints, LEAN_BER_OPTIONS).cA;
      }
      if (extension.extnID === id_ce_keyUsage) {
        keyUsage = AsnConvert.parse(value, KeyUsage, LEAN_BER_OPTIONS).toNumber();
      }
    } catch {
      throw malformed("certificate extension does not decode", { extension: extension.extnID });
    }
    if (extension.critical && !UNDERSTOOD_CRITICAL.has(extension.extnID)) {
      throw malformed("certificate has an unknown critical extension", { extension: extension.extnID });
    }
  }
  let publicKey: KeyObject;
  try {
    publicKey = publicKeyFromSpki(fields.subjectPublicKeyInfo);
  } catch {
    throw malformed("certificate public key does not decode");
  }
  return Object.freeze({
    der: Uint8Array.from(der),
    tbs: bytes(asn.tbsCertificateRaw).slice(),
    signatureAlgorithm: asn.signatureAlgorithm.algorithm,
    signature: bytes(asn.signatureValue).slice(),
    serialNumber: serialHex(tbs.serialNumber),
    subject: fields.subject.slice(),
    issuer: fields.issuer.slice(),
    commonName: commonNameOf(tbs.subject),
    notBefore: seconds(tbs.validity.notBefore.getTime()),
    notAfter: seconds(tbs.validity.notAfter.getTime()),
    publicKey,
    isCa,
    keyUsage,
    extensions: frozenMap(extensions),
  });
}

/** True when the certificate's keyUsage, if present, allows `flag`. */
export function allowsKeyUsage(certificate: Certificate, flag: KeyUsageFlags): boolean {
  return certificate.keyUsage === undefined || (certificate.keyUsage & flag) !== 0;
}
