import { readFileSync } from "node:fs";
import { SHARED_VECTORS_DIR } from "../../../core/src/testing/sharedVectors.test-util.js";

/** The real Intel-signed DCAP vectors of `../shared/vectors/attestation/phala-dcap-qvl`, at their fixed `now`s. */

const DIR = `${SHARED_VECTORS_DIR}/attestation/phala-dcap-qvl`;

export interface DcapVector {
  readonly name: string;
  readonly quote: Uint8Array;
  /** The collateral JSON text, as stored. */
  readonly collateralText: string;
  readonly collateral: Record<string, string>;
  readonly now: number;
}

function load(quote: string, collateral: string, now: number): DcapVector {
  const collateralText = readFileSync(`${DIR}/${collateral}`, "utf8");
  return {
    name: quote,
    quote: new Uint8Array(readFileSync(`${DIR}/${quote}`)),
    collateralText,
    collateral: JSON.parse(collateralText) as Record<string, string>,
    now,
  };
}

/** SGX v3, ConfigurationAndSWHardeningNeeded. */
export const SGX_VECTOR = load("sgx_quote", "sgx_quote_collateral.json", 1752919277);
/** One day later: the TCB info has expired. */
export const SGX_EXPIRED_NOW = 1753005679;
/** TDX v4 with 70 trailing zero bytes, UpToDate. */
export const TDX_VECTOR = load("tdx_quote", "tdx_quote_collateral.json", 1752919234);
/** TDX v5 (TD 1.5) whose platform reaches no TCB level. */
export const TDX_OUTDATED_VECTOR = load("tdx_quote_outdated", "tdx_quote_outdated_collateral.json", 1774003274);

const PEM_BLOCK = /(-----BEGIN CERTIFICATE-----\n)([\s\S]*?)(-----END CERTIFICATE-----)/g;

/**
 * Changes one byte of the `index`-th certificate of a PEM chain (default its last byte, inside the
 * signature) and re-encodes it with the same 64-column base64, so the text keeps its length.
 */
export function tamperPemCertificate(pem: string, index: number, offsetFromEnd = 1): string {
  let seen = 0;
  const out = pem.replace(PEM_BLOCK, (whole, begin: string, body: string, end: string) => {
    if (seen++ !== index) return whole;
    const der = Buffer.from(body.replace(/\n/g, ""), "base64");
    der[der.length - offsetFromEnd] = (der[der.length - offsetFromEnd] as number) ^ 0x01;
    const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
    return `${begin}${lines.join("\n")}\n${end}`;
  });
  if (out.length !== pem.length || out === pem) throw new Error("tamperPemCertificate changed the length or nothing");
  return out;
}
