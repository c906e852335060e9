import { concatBytes, equalBytes, sha256, toHex } from "@phala-ts/core";
import { checkAllowlist, checkNow } from "../checkArguments.js";
import { AttestationError } from "../errors.js";
import { tdIsDebug } from "../tdx/tdReport.js";
import { checkTdxModule } from "../tdx/tdxModule.js";
import type { VerifiedSgxDcap, VerifiedTdx } from "../verifiedEvidence.js";
import { type TrustAnchor, trustAnchor } from "../x509/certificateChain.js";
import { parseCrl } from "../x509/crl.js";
import { p256PublicKeyFromRaw, verifyP256RawSignature } from "../x509/signatures.js";
import { type CollateralInput, parseCollateral } from "./collateral.js";
import { intelSgxRootCa } from "./intelSgxRootCa.js";
import { verifyPckCertificate } from "./pckCertificate.js";
import type { PckExtension } from "./pckExtension.js";
import type { QeIdentity } from "./qeIdentity.js";
import { checkQeIdentity } from "./qeIdentityPolicy.js";
import { type DcapQuote, decodeDcapQuote, TEE_TYPE_SGX } from "./quote.js";
import { sgxIsDebug } from "./sgxReportBody.js";
import { collateralMalformed, verifyQeIdentity, verifyTcbInfo } from "./signedCollateral.js";
import { evaluateTcb } from "./tcbEvaluation.js";
import type { TcbInfo } from "./tcbInfo.js";
import { confidenceOf } from "./tcbStatus.js";
import { verifyCrl } from "./verifyCrl.js";

export interface DcapVerifyOptions {
  /** Collateral for the quote's FMSPC, in `@phala/dcap-qvl`'s JSON shape. */
  readonly collateral: CollateralInput;
  /** The time to verify at, unix seconds. Never read from the clock here. */
  readonly now: number;
  /** Advisory IDs the caller accepts for confidence 3 (see `confidenceOf`); default none. */
  readonly advisoryAllowlist?: readonly string[];
  /**
   * DER of the root CA to trust instead of the pinned Intel SGX Root CA: for tests and private
   * PKIs only. Leave it out in production.
   */
  readonly trustedRootCa?: Uint8Array;
}

function anchorOf(options: DcapVerifyOptions): TrustAnchor {
  return options.trustedRootCa === undefined
    ? intelSgxRootCa()
    : trustAnchor(options.trustedRootCa, "ecdsa-p256-sha256", "DCAP");
}

function checkTcbInfoMatches(quote: DcapQuote, tcbInfo: TcbInfo, pck: PckExtension): void {
  const expectedId = quote.header.teeType === TEE_TYPE_SGX ? "SGX" : "TDX";
  if (tcbInfo.id !== expectedId || (expectedId === "TDX" && tcbInfo.version < 3)) {
    throw new AttestationError(
      "DCAP_TCB_INFO_MISMATCH",
      `the TCB info is for ${tcbInfo.id}, the quote is ${expectedId}`,
      {
        field: "id",
        tcbInfoId: tcbInfo.id,
        version: tcbInfo.version,
      },
    );
  }
  if (!equalBytes(pck.fmspc, tcbInfo.fmspc)) {
    throw new AttestationError("DCAP_TCB_INFO_MISMATCH", "the TCB info is for another FMSPC", {
      field: "fmspc",
      pck: toHex(pck.fmspc),
      tcbInfo: toHex(tcbInfo.fmspc),
    });
  }
  if (!equalBytes(pck.pceId, tcbInfo.pceId)) {
    throw new AttestationError("DCAP_TCB_INFO_MISMATCH", "the TCB info is for another PCE ID", {
      field: "pceId",
      pck: toHex(pck.pceId),
      tcbInfo: toHex(tcbInfo.pceId),
    });
  }
}

function checkQeIdentityMatches(quote: DcapQuote, identity: QeIdentity): void {
  const expected = quote.header.teeType === TEE_TYPE_SGX ? "QE" : "TD_QE";
  if (identity.id !== expected) {
    throw new AttestationError(
      "DCAP_QE_IDENTITY_MISMATCH",
      `the QE identity is ${identity.id}, the quote needs ${expected}`,
      {
        field: "id",
        id: identity.id,
      },
    );
  }
}

/** The QE report's binding to the attestation key: report_data[0..32] = SHA-256(attestation key ++ QE auth data). */
function checkQeBinding(quote: DcapQuote): void {
  const expected = sha256(concatBytes(quote.attestationKey, quote.qeAuthData));
  if (!equalBytes(quote.qeReportBody.reportData.subarray(0, 32), expected)) {
    throw new AttestationError(
      "DCAP_QE_BINDING_MISMATCH",
      "the QE report does not bind the attestation key and QE authentication data",
      { expected: toHex(expected), actual: toHex(quote.qeReportBody.reportData.subarray(0, 32)) },
    );
  }
}

function checkQuoteSignature(quote: DcapQuote): void {
  const key = p256PublicKeyFromRaw(quote.attestationKey);
  if (key === undefined) {
    throw new AttestationError("DCAP_QUOTE_MALFORMED", "DCAP quote: the attestation key is not a P-256 point", {
      field: "attestationKey",
    });
  }
  if (!verifyP256RawSignature(key, quote.signedData, quote.signature)) {
    throw new AttestationError(
      "DCAP_QUOTE_BAD_SIGNATURE",
      "the quote signature does not verify with its attestation key",
    );
  }
}

/**
 * Verifies an SGX (v3) or TDX (v4, v5) DCAP quote against its collateral at `now`, in the order of
 * Intel's QVL: the root CA CRL; TCB info and QE identity (signer chain, signature over the raw
 * text, validity window); the PCK chain and the PCK CRL; FMSPC and PCE ID; for TDX the TDX module;
 * the QE report's signature by the PCK key and its binding to the attestation key; the QE identity;
 * the quote signature; the TCB level. Every failure is a typed AttestationError. Revoked TCBs are
 * refused (DCAP_TCB_REVOKED); debug enclaves are reported, not refused.
 */
export function verifyDcapQuote(bytes: Uint8Array, options: DcapVerifyOptions): VerifiedSgxDcap | VerifiedTdx {
  const now = checkNow(options?.now);
  const allowlist = checkAllowlist(options.advisoryAllowlist);
  const quote = decodeDcapQuote(bytes);
  if (options.collateral === undefined) {
    throw new AttestationError(
      "DCAP_COLLATERAL_MISSING",
      "DCAP quotes are verified against collateral for their FMSPC",
    );
  }
  const collateral = parseCollateral(options.collateral);
  const anchor = anchorOf(options);

  const rootCrl = parseCrl(collateral.rootCaCrl, (message, details) =>
    collateralMalformed(`root CA CRL: ${message}`, details),
  );
  verifyCrl(rootCrl, anchor.certificate, now, "root CA CRL", "DCAP_UNTRUSTED_ROOT");
  const revoked = rootCrl.revoked;

  const tcbInfo = verifyTcbInfo(collateral, anchor, now, revoked);
  const qeIdentity = verifyQeIdentity(collateral, anchor, now, revoked);
  const { leaf, extension: pck } = verifyPckCertificate(quote, collateral, anchor, now, revoked);
  checkTcbInfoMatches(quote, tcbInfo, pck);
  const tdxModuleIdentity = quote.body.type === "tdx" ? checkTdxModule(tcbInfo, quote.body.report) : undefined;

  if (!verifyP256RawSignature(leaf.publicKey, quote.qeReport, quote.qeReportSignature)) {
    throw new AttestationError(
      "DCAP_QE_REPORT_BAD_SIGNATURE",
      "the QE report signature does not verify with the PCK key",
    );
  }
  checkQeBinding(quote);
  checkQeIdentityMatches(quote, qeIdentity);
  const qeLevel = checkQeIdentity(quote.qeReportBody, qeIdentity);
  checkQuoteSignature(quote);

  const { status, advisoryIds } = evaluateTcb({ tcbInfo, pck, body: quote.body, qeLevel, tdxModuleIdentity });
  if (status === "Revoked") {
    throw new AttestationError("DCAP_TCB_REVOKED", "the platform's TCB is revoked", { advisoryIds });
  }
  const common = {
    tcbStatus: status,
    advisoryIds,
    confidence: confidenceOf(status, advisoryIds, allowlist),
    fmspc: toHex(pck.fmspc).slice(2),
  };
  if (quote.body.type === "sgx") {
    const report = quote.body.report;
    return {
      kind: "sgx-dcap",
      measurement: {
        mrEnclave: report.mrEnclave,
        mrSigner: report.mrSigner,
        isvProdId: report.isvProdId,
        isvSvn: report.isvSvn,
      },
      reportData: report.reportData,
      debug: sgxIsDebug(report),
      ...common,
    };
  }
  const report = quote.body.report;
  return {
    kind: "tdx",
    measurement: {
      mrTd: report.mrTd,
      rtmr0: report.rtmr0,
      rtmr1: report.rtmr1,
      rtmr2: report.rtmr2,
      rtmr3: report.rtmr3,
      mrConfigId: report.mrConfigId,
      mrOwner: report.mrOwner,
      mrOwnerConfig: report.mrOwnerConfig,
      mrSeam: report.mrSeam,
      mrSignerSeam: report.mrSignerSeam,
      tdAttributes: report.tdAttributes,
      xfam: report.xfam,
      teeTcbSvn: report.teeTcbSvn,
      mrServiceTd: report.mrServiceTd,
    },
    reportData: report.reportData,
    debug: tdIsDebug(report),
    ...common,
  };
}
