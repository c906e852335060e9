import { equalBytes } from "@phala-ts/core";
import { AttestationError } from "../errors.js";
import { type Certificate, KeyUsageFlags } from "../x509/certificate.js";
import { parseChainCertificates, type TrustAnchor, verifyCertificateChain } from "../x509/certificateChain.js";
import { parseCrl } from "../x509/crl.js";
import { decodePemCertificates, decodeUtf8, type MalformedError } from "../x509/pem.js";
import type { DcapCollateral } from "./collateral.js";
import { type PckExtension, pckExtensionOf } from "./pckExtension.js";
import type { DcapQuote } from "./quote.js";
import { collateralChain, collateralMalformed } from "./signedCollateral.js";
import { verifyCrl } from "./verifyCrl.js";

/** Intel's QVL requires this phrase in the PCK certificate's common name. */
const PCK_CN_PHRASE = "SGX PCK Certificate";

const quoteMalformed: MalformedError = (message, details = {}) =>
  new AttestationError("DCAP_QUOTE_MALFORMED", `DCAP quote: PCK certificate chain: ${message}`, details);

/** The verified PCK certificate and what its SGX extension says about the platform. */
export interface VerifiedPck {
  readonly leaf: Certificate;
  readonly extension: PckExtension;
}

/**
 * The quote's PCK certificate: its chain (leaf → PCK CA → root) verified against the anchor at
 * `now`, its name and SGX extension, and the PCK CRL, which must be issued by the leaf's CA (its
 * own issuer chain verified too), be current, and not list the leaf.
 */
export function verifyPckCertificate(
  quote: DcapQuote,
  collateral: DcapCollateral,
  anchor: TrustAnchor,
  now: number,
  revokedByRoot: ReadonlySet<string>,
): VerifiedPck {
  const pem = decodeUtf8(quote.pckChain, "PCK certificate chain", quoteMalformed);
  const chain = parseChainCertificates(decodePemCertificates(pem, quoteMalformed), anchor, quoteMalformed);
  const [leaf] = verifyCertificateChain(chain, {
    prefix: "DCAP",
    what: "PCK certificate chain",
    anchor,
    now,
    depth: 2,
    leafIsCa: false,
    leafUsage: KeyUsageFlags.digitalSignature,
    revokedByRoot,
  }) as [Certificate, Certificate];
  if (!leaf.commonName?.includes(PCK_CN_PHRASE)) {
    throw new AttestationError("DCAP_PCK_CERT_INVALID", `the PCK certificate's CN lacks "${PCK_CN_PHRASE}"`, {
      commonName: leaf.commonName,
    });
  }
  const extension = pckExtensionOf(leaf);

  const [crlIssuer] = verifyCertificateChain(
    collateralChain(collateral.pckCrlIssuerChain, "PCK CRL issuer chain", anchor),
    {
      prefix: "DCAP",
      what: "PCK CRL issuer chain",
      anchor,
      now,
      depth: 1,
      leafIsCa: true,
      leafUsage: KeyUsageFlags.cRLSign,
      revokedByRoot,
    },
  ) as [Certificate];
  const pckCrl = parseCrl(collateral.pckCrl, (message, details) => collateralMalformed(`PCK CRL: ${message}`, details));
  if (!equalBytes(pckCrl.issuer, leaf.issuer)) {
    throw new AttestationError("DCAP_CRL_INVALID", "the PCK CRL is not issued by the PCK certificate's CA", {
      crl: "PCK CRL",
      pckIssuer: leaf.commonName,
    });
  }
  verifyCrl(pckCrl, crlIssuer, now, "PCK CRL", "DCAP_CRL_INVALID");
  if (pckCrl.revoked.has(leaf.serialNumber)) {
    throw new AttestationError("DCAP_PCK_REVOKED", "the PCK certificate is revoked", {
      serialNumber: leaf.serialNumber,
    });
  }
  return { leaf, extension };
}
