import { utf8 } from "@phala-ts/core";
import { AttestationError } from "../errors.js";
import { type Certificate, KeyUsageFlags } from "../x509/certificate.js";
import { parseChainCertificates, type TrustAnchor, verifyCertificateChain } from "../x509/certificateChain.js";
import { decodePemCertificates, type MalformedError } from "../x509/pem.js";
import { verifyP256RawSignature } from "../x509/signatures.js";
import type { DcapCollateral } from "./collateral.js";
import { SGX_EXTENSION_OID } from "./pckExtension.js";
import { parseQeIdentity, type QeIdentity } from "./qeIdentity.js";
import { parseTcbInfo, type TcbInfo } from "./tcbInfo.js";

export const collateralMalformed: MalformedError = (message, details = {}) =>
  new AttestationError("DCAP_COLLATERAL_MALFORMED", `DCAP collateral: ${message}`, details);

/** Decodes a PEM chain from the collateral (a copy of the anchor's root is the anchor's certificate). */
export function collateralChain(pem: string, what: string, anchor: TrustAnchor): Certificate[] {
  const malformed: MalformedError = (message, details = {}) => collateralMalformed(`${what}: ${message}`, details);
  return parseChainCertificates(decodePemCertificates(pem, malformed), anchor, malformed);
}

/**
 * Verifies the certificate that signs TCB info or QE identity: issued directly by the root, not a
 * CA, allowed to sign, and not a PCK certificate (a platform's PCK key must never vouch for TCB
 * data). Returns the signing certificate.
 */
function verifyCollateralSigner(
  pem: string,
  what: string,
  anchor: TrustAnchor,
  now: number,
  revokedByRoot: ReadonlySet<string>,
): Certificate {
  const [signer] = verifyCertificateChain(collateralChain(pem, what, anchor), {
    prefix: "DCAP",
    what,
    anchor,
    now,
    depth: 1,
    leafIsCa: false,
    leafUsage: KeyUsageFlags.digitalSignature,
    revokedByRoot,
  }) as [Certificate];
  if (signer.extensions.has(SGX_EXTENSION_OID)) {
    throw new AttestationError("DCAP_CERT_CHAIN_INVALID", `${what}: a PCK certificate cannot sign collateral`, {
      chain: what,
    });
  }
  return signer;
}

/** ECDSA P-256 over the exact UTF-8 bytes of the signed JSON text, as Intel signed it. */
function verifySignedJson(
  text: string,
  signature: Uint8Array,
  signer: Certificate,
  code: "DCAP_TCB_INFO_BAD_SIGNATURE" | "DCAP_QE_IDENTITY_BAD_SIGNATURE",
  what: string,
): void {
  if (!verifyP256RawSignature(signer.publicKey, utf8(text), signature)) {
    throw new AttestationError(code, `${what} signature does not verify`, { what });
  }
}

/** `issueDate <= now <= nextUpdate`, else DCAP_COLLATERAL_NOT_YET_VALID / DCAP_COLLATERAL_EXPIRED. */
function checkCollateralWindow(what: string, window: { issueDate: number; nextUpdate: number }, now: number): void {
  if (now < window.issueDate) {
    throw new AttestationError("DCAP_COLLATERAL_NOT_YET_VALID", `${what} is not valid yet`, {
      what,
      now,
      issueDate: window.issueDate,
    });
  }
  if (now > window.nextUpdate) {
    throw new AttestationError("DCAP_COLLATERAL_EXPIRED", `${what} has expired`, {
      what,
      now,
      nextUpdate: window.nextUpdate,
    });
  }
}

/** TCB info: its signer's chain, its signature over the exact text, then its contents and validity window. */
export function verifyTcbInfo(
  collateral: DcapCollateral,
  anchor: TrustAnchor,
  now: number,
  revokedByRoot: ReadonlySet<string>,
): TcbInfo {
  const what = "TCB info issuer chain";
  const signer = verifyCollateralSigner(collateral.tcbInfoIssuerChain, what, anchor, now, revokedByRoot);
  verifySignedJson(collateral.tcbInfo, collateral.tcbInfoSignature, signer, "DCAP_TCB_INFO_BAD_SIGNATURE", "TCB info");
  const tcbInfo = parseTcbInfo(collateral.tcbInfo);
  checkCollateralWindow("TCB info", tcbInfo, now);
  return tcbInfo;
}

/** QE identity: its signer's chain, its signature over the exact text, then its contents and validity window. */
export function verifyQeIdentity(
  collateral: DcapCollateral,
  anchor: TrustAnchor,
  now: number,
  revokedByRoot: ReadonlySet<string>,
): QeIdentity {
  const what = "QE identity issuer chain";
  const signer = verifyCollateralSigner(collateral.qeIdentityIssuerChain, what, anchor, now, revokedByRoot);
  const code = "DCAP_QE_IDENTITY_BAD_SIGNATURE";
  verifySignedJson(collateral.qeIdentity, collateral.qeIdentitySignature, signer, code, "QE identity");
  const qeIdentity = parseQeIdentity(collateral.qeIdentity);
  checkCollateralWindow("QE identity", qeIdentity, now);
  return qeIdentity;
}
