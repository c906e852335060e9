import type { AttestationError } from "../errors.js";

/** Builds the caller's typed error for input that does not parse. */
export type MalformedError = (message: string, details?: Record<string, unknown>) => AttestationError;

const BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const WHITESPACE = /^[ \t\r\n]*$/;

/**
 * The DER certificates of a PEM chain, in order. Only `CERTIFICATE` blocks, separated by ASCII
 * whitespace, are accepted; a C string's terminating NUL bytes at the very end are tolerated (Intel's
 * quoting library writes one into the quote). The base64 must be canonical.
 */
export function decodePemCertificates(text: string, malformed: MalformedError): Uint8Array[] {
  const trimmed = text.replace(/\0+$/, "");
  const certificates: Uint8Array[] = [];
  let end = 0;
  for (const match of trimmed.matchAll(BLOCK)) {
    if (!WHITESPACE.test(trimmed.slice(end, match.index))) {
      throw malformed("PEM chain: unexpected text between certificates", { offset: end });
    }
    const body = (match[1] as string).replace(/[\r\n]/g, "");
    const der = Buffer.from(body, "base64");
    if (!BASE64.test(body) || body.length % 4 !== 0 || der.toString("base64") !== body || der.length === 0) {
      throw malformed("PEM chain: certificate body is not canonical base64", { index: certificates.length });
    }
    certificates.push(new Uint8Array(der));
    end = match.index + match[0].length;
  }
  if (!WHITESPACE.test(trimmed.slice(end))) throw malformed("PEM chain: unexpected text after the certificates");
  if (certificates.length === 0) throw malformed("PEM chain: no certificate");
  return certificates;
}

/** `bytes` as strict UTF-8 text. */
export function decodeUtf8(bytes: Uint8Array, what: string, malformed: MalformedError): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw malformed(`${what} is not UTF-8 text`);
  }
}
