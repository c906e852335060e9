import { createHmac } from "node:crypto";
import { PhalaError } from "../errors/phalaError.js";

export type KdfErrorCode = "KDF_INFO_TOO_LONG" | "KDF_INVALID_LENGTH";

export class KdfError extends PhalaError<KdfErrorCode> {
  override readonly name = "KdfError";
}

// node:crypto refuses longer info; RFC 5869 caps the output at 255 hash blocks.
export const HKDF_MAX_INFO_LENGTH = 1024;
export const HKDF_SHA256_MAX_LENGTH = 255 * 32;

/** HKDF-SHA256 (RFC 5869). An empty salt means HashLen zero bytes, as the RFC specifies. */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 1 || length > HKDF_SHA256_MAX_LENGTH) {
    throw new KdfError("KDF_INVALID_LENGTH", `HKDF output length must be 1..${HKDF_SHA256_MAX_LENGTH}`, { length });
  }
  if (info.length > HKDF_MAX_INFO_LENGTH) {
    throw new KdfError("KDF_INFO_TOO_LONG", `HKDF info must be at most ${HKDF_MAX_INFO_LENGTH} bytes`, {
      length: info.length,
    });
  }
  // Extract and expand with HMAC directly: node's hkdfSync costs twice as much per call (it builds
  // a key object and a job), and every contract command derives several keys.
  const prk = createHmac("sha256", salt.length === 0 ? ZERO_SALT : salt)
    .update(ikm)
    .digest();
  const okm = new Uint8Array(Math.ceil(length / 32) * 32);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 0; i * 32 < length; i++) {
    previous = createHmac("sha256", prk)
      .update(previous)
      .update(info)
      .update(Uint8Array.of(i + 1))
      .digest();
    okm.set(previous, i * 32);
  }
  prk.fill(0);
  return okm.length === length ? okm : okm.slice(0, length);
}

const ZERO_SALT = new Uint8Array(32);
