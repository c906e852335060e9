import { createPublicKey, type KeyObject, verify } from "node:crypto";

/** The signature schemes Intel uses: ECDSA P-256 for DCAP, RSA PKCS#1 v1.5 for IAS. */
export type SignatureScheme = "ecdsa-p256-sha256" | "rsa-sha256";

const ALGORITHM_OID: Record<SignatureScheme, string> = {
  "ecdsa-p256-sha256": "1.2.840.10045.4.3.2",
  "rsa-sha256": "1.2.840.113549.1.1.11",
};
const MIN_RSA_BITS = 2048;

/** Whether `key` is a key of the scheme: a P-256 point, or an RSA key of at least 2048 bits. */
export function keyFitsScheme(key: KeyObject, scheme: SignatureScheme): boolean {
  const details = key.asymmetricKeyDetails;
  return scheme === "ecdsa-p256-sha256"
    ? key.asymmetricKeyType === "ec" && details?.namedCurve === "prime256v1"
    : key.asymmetricKeyType === "rsa" && (details?.modulusLength ?? 0) >= MIN_RSA_BITS;
}

/** Whether an X.509 signature algorithm OID is the scheme's. */
export function algorithmIsScheme(algorithmOid: string, scheme: SignatureScheme): boolean {
  return ALGORITHM_OID[scheme] === algorithmOid;
}

/**
 * An X.509-style signature (ECDSA as DER `ECDSA-Sig-Value`, RSA as PKCS#1 v1.5) over SHA-256 of
 * `data`. The key must fit the scheme; a signature that does not decode is simply invalid.
 */
export function verifySha256Signature(
  scheme: SignatureScheme,
  key: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!keyFitsScheme(key, scheme)) return false;
  try {
    return verify("sha256", data, key, signature);
  } catch {
    return false;
  }
}

/** ECDSA P-256 / SHA-256 with the signature as raw `r || s` (64 bytes), as in quotes and collateral. */
export function verifyP256RawSignature(key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64 || !keyFitsScheme(key, "ecdsa-p256-sha256")) return false;
  try {
    return verify("sha256", data, { key, dsaEncoding: "ieee-p1363" }, signature);
  } catch {
    return false;
  }
}

/** A P-256 public key from its 64-byte `x || y` form (the quote's attestation key); undefined if not on the curve. */
export function p256PublicKeyFromRaw(xy: Uint8Array): KeyObject | undefined {
  if (xy.length !== 64) return undefined;
  try {
    return createPublicKey({
      key: {
        kty: "EC",
        crv: "P-256",
        x: Buffer.from(xy.subarray(0, 32)).toString("base64url"),
        y: Buffer.from(xy.subarray(32)).toString("base64url"),
      },
      format: "jwk",
    });
  } catch {
    return undefined;
  }
}
