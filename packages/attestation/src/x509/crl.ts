import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificateList } from "@peculiar/asn1-x509";
import { equalBytes } from "@phala-ts/core";
import { serialHex } from "./certificate.js";
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

function decodeCrl(der: Uint8Array, malformed: MalformedError): Crl {
  let asn: CertificateList;
  try {
    asn = AsnConvert.parse(der, CertificateList);
  } catch (cause) {
    throw malformed("CRL is not valid DER", { reason: String((cause as Error)?.message ?? cause) });
  }
  if (asn.tbsCertListRaw === undefined || !equalBytes(bytes(AsnConvert.serialize(asn)), der)) {
    throw malformed("CRL is not canonical DER (or has trailing bytes)");
  }
  const tbs = asn.tbsCertList;
  if (!equalBytes(bytes(AsnConvert.serialize(tbs.signature)), bytes(AsnConvert.serialize(asn.signatureAlgorithm)))) {
    throw malformed("CRL signature algorithms disagree");
  }
  if (tbs.nextUpdate === undefined) throw malformed("CRL has no nextUpdate");
  const revoked = (tbs.revokedCertificates ?? []).map((entry) => serialHex(entry.userCertificate));
  return Object.freeze({
    der: Uint8Array.from(der),
    tbs: bytes(asn.tbsCertListRaw).slice(),
    signatureAlgorithm: asn.signatureAlgorithm.algorithm,
    signature: bytes(asn.signature).slice(),
    issuer: bytes(AsnConvert.serialize(tbs.issuer)),
    thisUpdate: Math.floor(tbs.thisUpdate.getTime().getTime() / 1000),
    nextUpdate: Math.floor(tbs.nextUpdate.getTime().getTime() / 1000),
    revoked: frozenSet(revoked),
  });
}
