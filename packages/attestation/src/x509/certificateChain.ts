import { equalBytes } from "@phala-ts/core";
import { AttestationError, type CertChainErrorCode } from "../errors.js";
import { allowsKeyUsage, type Certificate, KeyUsageFlags, parseCertificate } from "./certificate.js";
import type { MalformedError } from "./pem.js";
import { algorithmIsScheme, keyFitsScheme, type SignatureScheme, verifySha256Signature } from "./signatures.js";

export type ChainPrefix = "DCAP" | "IAS";

/** A trusted root certificate: self-issued, self-signed, a CA. */
export interface TrustAnchor {
  readonly certificate: Certificate;
  readonly scheme: SignatureScheme;
}

/**
 * Checks that `der` can serve as a trust anchor for `scheme`. The caller decides that it is trusted
 * (the defaults are pinned by hash); this only refuses certificates that cannot be a root.
 */
export function trustAnchor(der: Uint8Array, scheme: SignatureScheme, prefix: ChainPrefix): TrustAnchor {
  const invalid = (message: string, details: Record<string, unknown> = {}) =>
    new AttestationError(`${prefix}_UNTRUSTED_ROOT`, `trusted root: ${message}`, details);
  if (!(der instanceof Uint8Array)) throw invalid("must be DER bytes");
  const certificate = parseCertificate(der, invalid);
  if (
    !equalBytes(certificate.subject, certificate.issuer) ||
    !certificate.isCa ||
    !allowsKeyUsage(certificate, KeyUsageFlags.keyCertSign) ||
    !algorithmIsScheme(certificate.signatureAlgorithm, scheme) ||
    !verifySha256Signature(scheme, certificate.publicKey, certificate.tbs, certificate.signature)
  ) {
    throw invalid("not a self-signed CA certificate for this signature scheme", { commonName: certificate.commonName });
  }
  return { certificate, scheme };
}

/**
 * Decodes the certificates of a chain as it travels. A certificate byte-identical to the anchor's is
 * the anchor's own decoded certificate: decoding the same bytes gives the same value, and the trusted
 * root, which ends most chains, is then not decoded again for every chain (it is not in the parse
 * caches, which a caller may empty, but held by the anchor). Others go through `parseCertificate`.
 */
export function parseChainCertificates(
  ders: readonly Uint8Array[],
  anchor: TrustAnchor,
  malformed: MalformedError,
): Certificate[] {
  const root = anchor.certificate;
  return ders.map((der) => (equalBytes(der, root.der) ? root : parseCertificate(der, malformed)));
}

export interface ChainPolicy<P extends ChainPrefix> {
  readonly prefix: P;
  /** Names the chain in errors ("PCK certificate chain", ...). */
  readonly what: string;
  readonly anchor: TrustAnchor;
  /** Unix seconds. */
  readonly now: number;
  /**
   * Certificates below the root, leaf included: Intel's chains have a fixed shape (PCK leaf → PCK
   * CA → root; TCB signing → root), and a chain of another shape could let, say, a PCK
   * certificate sign TCB info.
   */
  readonly depth: number;
  /** Whether the leaf is a CA (the PCK CRL issuer chain ends at a CA) or must not be one. */
  readonly leafIsCa: boolean;
  /** The key usage the leaf's key is used for. */
  readonly leafUsage: KeyUsageFlags;
  /** Serial numbers the root CA's CRL revokes; checked on certificates the root issued. */
  readonly revokedByRoot?: ReadonlySet<string>;
}

function chainError<P extends ChainPrefix>(
  policy: ChainPolicy<P>,
  code:
    | "UNTRUSTED_ROOT"
    | "CERT_CHAIN_INVALID"
    | "CERT_BAD_SIGNATURE"
    | "CERT_EXPIRED"
    | "CERT_NOT_YET_VALID"
    | "CERT_REVOKED",
  message: string,
  details: Record<string, unknown> = {},
): AttestationError {
  const full = `${policy.prefix}_${code}` as CertChainErrorCode<P>;
  return new AttestationError(full, `${policy.what}: ${message}`, { chain: policy.what, ...details });
}

/**
 * Signatures that verified: certificate → issuer → scheme. Whether a certificate's signature verifies
 * under its issuer's key depends on the bytes of the two only, and decoded certificates are frozen and
 * shared (their bytes never change), so a success is remembered with the two objects: a quote's
 * collateral carries the same PCK CA and TCB signing certificates in two chains each, and the same
 * objects come back from the parse caches for every quote. Failures are not kept.
 */
const verifiedSignatures = new WeakMap<Certificate, WeakMap<Certificate, SignatureScheme>>();

function signedBy(certificate: Certificate, issuer: Certificate, scheme: SignatureScheme): boolean {
  let byIssuer = verifiedSignatures.get(certificate);
  if (byIssuer?.get(issuer) === scheme) return true;
  if (!verifySha256Signature(scheme, issuer.publicKey, certificate.tbs, certificate.signature)) return false;
  if (Object.isFrozen(certificate) && Object.isFrozen(issuer)) {
    if (byIssuer === undefined) {
      byIssuer = new WeakMap();
      verifiedSignatures.set(certificate, byIssuer);
    }
    byIssuer.set(issuer, scheme);
  }
  return true;
}

function checkValidity<P extends ChainPrefix>(policy: ChainPolicy<P>, certificate: Certificate, index: number): void {
  const details = { index, commonName: certificate.commonName, now: policy.now };
  if (policy.now < certificate.notBefore) {
    throw chainError(policy, "CERT_NOT_YET_VALID", "certificate is not yet valid", {
      ...details,
      notBefore: certificate.notBefore,
    });
  }
  if (policy.now > certificate.notAfter) {
    throw chainError(policy, "CERT_EXPIRED", "certificate has expired", { ...details, notAfter: certificate.notAfter });
  }
}

/**
 * Verifies a chain as it travels (leaf first, the root optionally last) against the trust anchor:
 * shape, names, CA flags and key usages, signature algorithms and signatures, validity at `now`,
 * and revocation of certificates the root issued. A root in the chain is only accepted if it is
 * byte-identical to the anchor; it is never used as one. Returns the certificates below the root,
 * leaf first.
 */
export function verifyCertificateChain<P extends ChainPrefix>(
  chain: readonly Certificate[],
  policy: ChainPolicy<P>,
): Certificate[] {
  const root = policy.anchor.certificate;
  let path = [...chain];
  const last = path[path.length - 1];
  if (path.length === policy.depth + 1 && last !== undefined && equalBytes(last.subject, last.issuer)) {
    if (!equalBytes(last.der, root.der)) {
      throw chainError(policy, "UNTRUSTED_ROOT", "the chain ends at a root that is not the trusted one", {
        commonName: last.commonName,
      });
    }
    path = path.slice(0, -1);
  }
  if (path.length !== policy.depth) {
    throw chainError(policy, "CERT_CHAIN_INVALID", `expected ${policy.depth} certificate(s) below the root`, {
      length: chain.length,
    });
  }
  checkValidity(policy, root, path.length);
  for (let index = path.length - 1; index >= 0; index--) {
    const certificate = path[index] as Certificate;
    const issuer = index === path.length - 1 ? root : (path[index + 1] as Certificate);
    const details = { index, commonName: certificate.commonName };
    if (!equalBytes(certificate.issuer, issuer.subject)) {
      throw index === path.length - 1
        ? chainError(policy, "UNTRUSTED_ROOT", "the chain does not lead to the trusted root", details)
        : chainError(policy, "CERT_CHAIN_INVALID", "certificate is not issued by the next one", details);
    }
    if (!issuer.isCa || !allowsKeyUsage(issuer, KeyUsageFlags.keyCertSign)) {
      throw chainError(policy, "CERT_CHAIN_INVALID", "issuer is not a CA", details);
    }
    const isLeaf = index === 0;
    if (certificate.isCa !== (isLeaf ? policy.leafIsCa : true)) {
      throw chainError(policy, "CERT_CHAIN_INVALID", "certificate has the wrong CA flag", details);
    }
    if (isLeaf && !allowsKeyUsage(certificate, policy.leafUsage)) {
      throw chainError(policy, "CERT_CHAIN_INVALID", "leaf key usage does not allow this use", details);
    }
    const scheme = policy.anchor.scheme;
    if (!algorithmIsScheme(certificate.signatureAlgorithm, scheme) || !keyFitsScheme(certificate.publicKey, scheme)) {
      throw chainError(policy, "CERT_CHAIN_INVALID", `certificate does not use ${scheme}`, {
        ...details,
        algorithm: certificate.signatureAlgorithm,
      });
    }
    if (!signedBy(certificate, issuer, scheme)) {
      throw chainError(policy, "CERT_BAD_SIGNATURE", "certificate signature does not verify", details);
    }
    checkValidity(policy, certificate, index);
    if (issuer === root && policy.revokedByRoot?.has(certificate.serialNumber)) {
      throw chainError(policy, "CERT_REVOKED", "certificate is revoked by the root CA's CRL", {
        ...details,
        serialNumber: certificate.serialNumber,
      });
    }
  }
  return path;
}
