import { AsnConvert, AsnIntegerArrayBufferConverter, AsnParser } from "@peculiar/asn1-schema";
import { CertificateList, Extension, RevokedCertificate, Time } from "@peculiar/asn1-x509";
import { equalBytes } from "@phala-ts/core";
import type { AsnType, Integer } from "asn1js";
import { serialHex } from "./certificate.js";
import {
  CanonicalParts,
  childrenOf,
  decodeTree,
  derOf,
  detachChildren,
  hasTag,
  LEAN_BER_OPTIONS,
  NotCanonicalError,
} from "./derTree.js";
import { frozenSet, ParseCache } from "./parseCache.js";
import type { MalformedError } from "./pem.js";

/** What the verifiers need from an X.509 CRL, decoded by `@peculiar/asn1-x509`. */
export interface Crl {
  readonly der: Uint8Array;
  /** The exact DER of `tbsCertList`, as signed. */
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: string;
  readonly signature: Uint8Array;
  readonly issuer: Uint8Array;
  /** Unix seconds. */
  readonly thisUpdate: number;
  readonly nextUpdate: number;
  /** Revoked serial numbers, as `Certificate.serialNumber` spells them. */
  readonly revoked: ReadonlySet<string>;
}

function bytes(buffer: ArrayBuffer): Uint8Array {
  return new Uint8Array(buffer);
}

const cache = new ParseCache<Crl>();

/**
 * Decodes a DER CRL. Only DER is accepted (it must re-serialise to the same bytes), the signature
 * algorithms must agree, and `nextUpdate` is required: a CRL without one cannot be judged fresh.
 *
 * Like `parseCertificate`, the result is cached by the bytes and frozen; whether the CRL is current
 * at some time is for the verifier (`thisUpdate`, `nextUpdate` are only read here).
 */
export function parseCrl(der: Uint8Array, malformed: MalformedError): Crl {
  return cache.parse(der, (input) => decodeCrl(input, malformed));
}

/**
 * CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }, and TBSCertList ::=
 * SEQUENCE { version INTEGER OPTIONAL, signature, issuer, thisUpdate, ... }. Read from the tree of a
 * CRL that re-serialised to its input, so each slice is the field's DER as `AsnConvert.serialize` writes it.
 */
function crlFields(tree: AsnType): { outerAlgorithm: Uint8Array; innerAlgorithm: Uint8Array; issuer: Uint8Array } {
  const [tbs, outerAlgorithm] = childrenOf(tree);
  const fields = childrenOf(tbs);
  const first = hasTag(fields[0], 1, 2) ? 1 : 0;
  return {
    outerAlgorithm: derOf(outerAlgorithm),
    innerAlgorithm: derOf(fields[first]),
    issuer: derOf(fields[first + 1]),
  };
}

/**
 * The revokedCertificates SEQUENCE of a CRL's tree, if any: TBSCertList ::= SEQUENCE { version INTEGER
 * OPTIONAL, signature, issuer, thisUpdate, nextUpdate Time OPTIONAL, revokedCertificates SEQUENCE OF
 * OPTIONAL, crlExtensions [0] OPTIONAL } (the only universal SEQUENCE after thisUpdate).
 */
function revokedListOf(tree: AsnType): AsnType | undefined {
  const fields = childrenOf(childrenOf(tree)[0]);
  let index = (hasTag(fields[0], 1, 2) ? 1 : 0) + 3;
  if (hasTag(fields[index], 1, 23) || hasTag(fields[index], 1, 24)) index++;
  const list = fields[index];
  return hasTag(list, 1, 16) ? list : undefined;
}

/**
 * RevokedCertificate ::= SEQUENCE { userCertificate INTEGER, revocationDate Time, crlEntryExtensions
 * SEQUENCE OF Extension OPTIONAL }, mapped as `AsnParser` maps it (`AsnIntegerArrayBufferConverter`
 * for the serial; an empty extension list is left out, as `AsnParser` leaves it). The date and the
 * extensions, the same bytes in every entry of Intel's CRLs, are round-tripped once each (`parts`).
 */
function revokedEntry(entry: AsnType, parts: CanonicalParts): RevokedCertificate {
  const [serial, date, extensions, ...more] = childrenOf(entry);
  if (
    !hasTag(entry, 1, 16) ||
    !hasTag(serial, 1, 2) ||
    date === undefined ||
    (extensions !== undefined && !hasTag(extensions, 1, 16)) ||
    more.length > 0
  ) {
    throw new Error("a revoked certificate entry does not have the RevokedCertificate shape");
  }
  const extensionList = childrenOf(extensions);
  return new RevokedCertificate({
    userCertificate: AsnIntegerArrayBufferConverter.fromASN(serial as Integer),
    revocationDate: parts.standIn(date, Time),
    crlEntryExtensions:
      extensionList.length === 0 ? undefined : extensionList.map((extension) => parts.standIn(extension, Extension)),
  });
}

/**
 * `AsnParser.fromASN(tree, CertificateList)`, with the revoked entries mapped by `revokedEntry`
 * instead: a PCK CRL lists dozens, and the schema-driven parse and serialisation of each entry's
 * date and extensions dominated the cost of a CRL. The entries are taken out of the tree before the
 * rest is parsed (an empty list parses as no list, exactly as it would in the input) and put back
 * into the value; `decodeCrl` then serialises the whole and compares it with the input as before.
 */
function decodeCertificateList(der: Uint8Array): { readonly asn: CertificateList; readonly tree: AsnType } {
  const tree = decodeTree(der);
  const list = revokedListOf(tree);
  const entries = list === undefined ? [] : detachChildren(list);
  const asn = AsnParser.fromASN(tree, CertificateList, LEAN_BER_OPTIONS);
  if (entries.length > 0) {
    const parts = new CanonicalParts();
    asn.tbsCertList.revokedCertificates = entries.map((entry) => revokedEntry(entry, parts));
  }
  return { asn, tree };
}

function decodeCrl(der: Uint8Array, malformed: MalformedError): Crl {
  const notCanonical = () => malformed("CRL is not canonical DER (or has trailing bytes)");
  let decoded: ReturnType<typeof decodeCertificateList>;
  try {
    decoded = decodeCertificateList(der);
  } catch (cause) {
    if (cause instanceof NotCanonicalError) throw notCanonical();
    throw malformed("CRL is not valid DER", { reason: String((cause as Error)?.message ?? cause) });
  }
  const { asn, tree } = decoded;
  if (asn.tbsCertListRaw === undefined || !equalBytes(bytes(AsnConvert.serialize(asn)), der)) {
    throw notCanonical();
  }
  const tbs = asn.tbsCertList;
  let fields: ReturnType<typeof crlFields>;
  try {
    fields = crlFields(tree);
  } catch (cause) {
    throw malformed("CRL is not valid DER", { reason: String((cause as Error)?.message ?? cause) });
  }
  if (!equalBytes(fields.innerAlgorithm, fields.outerAlgorithm)) {
    throw malformed("CRL signature algorithms disagree");
  }
  if (tbs.nextUpdate === undefined) throw malformed("CRL has no nextUpdate");
  const revoked = (tbs.revokedCertificates ?? []).map((entry) => serialHex(entry.userCertificate));
  return Object.freeze({
    der: Uint8Array.from(der),
    tbs: bytes(asn.tbsCertListRaw).slice(),
    signatureAlgorithm: asn.signatureAlgorithm.algorithm,
    signature: bytes(asn.signature).slice(),
    issuer: fields.issuer.slice(),
    thisUpdate: Math.floor(tbs.thisUpdate.getTime().getTime() / 1000),
    nextUpdate: Math.floor(tbs.nextUpdate.getTime().getTime() / 1000),
    revoked: frozenSet(revoked),
  });
}
