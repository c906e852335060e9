import { equalBytes } from "@phala-ts/core";
import { AttestationError } from "../errors.js";
import { allowsKeyUsage, type Certificate, KeyUsageFlags } from "../x509/certificate.js";
import type { Crl } from "../x509/crl.js";
import { algorithmIsScheme, verifySha256Signature } from "../x509/signatures.js";

/**
 * Checks a CRL against the CA that must have issued it: issuer name, the CA's right to sign CRLs,
 * the ECDSA P-256 signature, and `thisUpdate <= now <= nextUpdate`. A root CA CRL from another
 * root is DCAP_UNTRUSTED_ROOT (the collateral belongs to another PKI), any other issuer mismatch
 * DCAP_CRL_INVALID.
 */
export function verifyCrl(
  crl: Crl,
  issuer: Certificate,
  now: number,
  what: string,
  issuerMismatch: "DCAP_UNTRUSTED_ROOT" | "DCAP_CRL_INVALID",
): void {
  if (!equalBytes(crl.issuer, issuer.subject)) {
    throw new AttestationError(issuerMismatch, `${what} is not issued by ${issuer.commonName ?? "its CA"}`, {
      crl: what,
    });
  }
  if (!issuer.isCa || !allowsKeyUsage(issuer, KeyUsageFlags.cRLSign)) {
    throw new AttestationError("DCAP_CRL_INVALID", `${what}: its issuer may not sign CRLs`, { crl: what });
  }
  if (
    !algorithmIsScheme(crl.signatureAlgorithm, "ecdsa-p256-sha256") ||
    !verifySha256Signature("ecdsa-p256-sha256", issuer.publicKey, crl.tbs, crl.signature)
  ) {
    throw new AttestationError("DCAP_CRL_BAD_SIGNATURE", `${what} signature does not verify`, { crl: what });
  }
  if (now < crl.thisUpdate) {
    throw new AttestationError("DCAP_COLLATERAL_NOT_YET_VALID", `${what} is not valid yet`, {
      what,
      now,
      thisUpdate: crl.thisUpdate,
    });
  }
  if (now > crl.nextUpdate) {
    throw new AttestationError("DCAP_COLLATERAL_EXPIRED", `${what} has expired`, {
      what,
      now,
      nextUpdate: crl.nextUpdate,
    });
  }
}
