import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { equalBytes } from "@phala-ts/core";

/** The signature schemes Intel uses: ECDSA P-256 for DCAP, RSA PKCS#1 v1.5 for IAS. */
export type SignatureScheme = "ecdsa-p256-sha256" | "rsa-sha256";

const ALGORITHM_OID: Record<SignatureScheme, string> = {
  "ecdsa-p256-sha256": "1.2.840.10045.4.3.2",
  "rsa-sha256": "1.2.840.113549.1.1.11",
};
const MIN_RSA_BITS = 2048;

/**
 * The scheme each key fits (null: none), by key. KeyObjects are immutable, and reading
 * `asymmetricKeyDetails` asks OpenSSL and builds a new object each time.
 */
const schemeOfKey = new WeakMap<KeyObject, SignatureScheme | null>();

function schemeOf(key: KeyObject): SignatureScheme | null {
  let scheme = schemeOfKey.get(key);
  if (scheme === undefined) {
    const details = key.asymmetricKeyDetails;
    scheme =
      key.asymmetricKeyType === "ec" && details?.namedCurve === "prime256v1"
        ? "ecdsa-p256-sha256"
        : key.asymmetricKeyType === "rsa" && (details?.modulusLength ?? 0) >= MIN_RSA_BITS
          ? "rsa-sha256"
          : null;
    schemeOfKey.set(key, scheme);
  }
  return scheme;
}

/** Whether `key` is a key of the scheme: a P-256 point, or an RSA key of at least 2048 bits. */
export function keyFitsScheme(key: KeyObject, scheme: SignatureScheme): boolean {
  return schemeOf(key) === scheme;
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

/** P-256 from `x || y` as a JWK: OpenSSL checks that the point is on the curve and its coordinates below p. */
function p256FromXy(xy: Uint8Array): KeyObject {
  return createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: Buffer.from(xy.buffer, xy.byteOffset, 32).toString("base64url"),
      y: Buffer.from(xy.buffer, xy.byteOffset + 32, 32).toString("base64url"),
    },
    format: "jwk",
  });
}

/** A P-256 public key from its 64-byte `x || y` form (the quote's attestation key); undefined if not on the curve. */
export function p256PublicKeyFromRaw(xy: Uint8Array): KeyObject | undefined {
  if (xy.length !== 64) return undefined;
  try {
    return p256FromXy(xy);
  } catch {
    return undefined;
  }
}

/**
 * DER of SubjectPublicKeyInfo { AlgorithmIdentifier { id-ecPublicKey, prime256v1 }, BIT STRING
 * (no unused bits) { 0x04 (uncompressed) } }: then come x and y, 32 bytes each.
 */
const P256_UNCOMPRESSED_SPKI_PREFIX = Uint8Array.from(
  Buffer.from("3059301306072a8648ce3d020106082a8648ce3d03010703420004", "hex"),
);

/**
 * The public key of a DER SubjectPublicKeyInfo; throws if it does not decode. An uncompressed P-256
 * key (Intel's DCAP certificates) is built from its point as a JWK, which gives the same key and
 * refuses the same points as the SPKI route (off the curve, or a coordinate not below p) in about
 * 60% of the time; any other key (RSA, compressed points, explicit curve parameters) takes the SPKI route.
 */
export function publicKeyFromSpki(spki: Uint8Array): KeyObject {
  const prefix = P256_UNCOMPRESSED_SPKI_PREFIX;
  if (spki.length === prefix.length + 64 && equalBytes(spki.subarray(0, prefix.length), prefix)) {
    return p256FromXy(spki.subarray(prefix.length));
  }
  return createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
}
