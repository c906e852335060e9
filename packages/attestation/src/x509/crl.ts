import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificateList } from "@peculiar/asn1-x509";
import { equalBytes } from "@phala-ts/core";
import { serialHex } from "./certificate.js";
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

/**
 * Decodes a DER CRL. Only DER is accepted (it must re-serialise to the same bytes), the signature
 * algorithms must agree, and `nextUpdate` is required: a CRL without one cannot be judged fresh.
 */
export function parseCrl(der: Uint8Array, malformed: MalformedError): Crl {
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
  const revoked = new Set<string>();
  for (const entry of tbs.revokedCertificates ?? []) revoked.add(serialHex(entry.userCertificate));
  return {
    der: Uint8Array.from(der),
    tbs: bytes(asn.tbsCertListRaw).slice(),
    signatureAlgorithm: asn.signatureAlgorithm.algorithm,
    signature: bytes(asn.signature).slice(),
    issuer: bytes(AsnConvert.serialize(tbs.issuer)),
    thisUpdate: Math.floor(tbs.thisUpdate.getTime().getTime() / 1000),
    nextUpdate: Math.floor(tbs.nextUpdate.getTime().getTime() / 1000),
    revoked,
  };
}
