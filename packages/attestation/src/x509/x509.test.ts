import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SHARED_VECTORS_DIR } from "../../../core/src/testing/sharedVectors.test-util.js";
import { INTEL_SGX_ROOT_CA_SHA256, intelSgxRootCa } from "../dcap/intelSgxRootCa.js";
import { SGX_VECTOR } from "../dcap/realVectors.test-util.js";
import { AttestationError } from "../errors.js";
import { IAS_ROOT_CA_SHA256, iasRootCa } from "../ias/iasRootCa.js";
import { KeyUsageFlags, parseCertificate } from "./certificate.js";
import { parseChainCertificates } from "./certificateChain.js";
import { parseCrl } from "./crl.js";
import { clearParseCaches } from "./parseCache.js";
import { decodePemCertificates } from "./pem.js";
import { pinnedAnchor } from "./pinnedAnchor.js";
import { p256PublicKeyFromRaw, publicKeyFromSpki, verifyP256RawSignature } from "./signatures.js";

const malformed = (message: string) => new AttestationError("DCAP_COLLATERAL_MALFORMED", message);

function rejects(run: () => unknown): void {
  expect(run).toThrow(AttestationError);
}

const rootPem = readFileSync(
  `${SHARED_VECTORS_DIR}/attestation/Intel_SGX_Provisioning_Certification_RootCA.pem`,
  "utf8",
);
const iasPem = readFileSync(`${SHARED_VECTORS_DIR}/attestation/Intel_SGX_Attestation_Report_Signing_CA.pem`, "utf8");
const iasDer = () => decodePemCertificates(iasPem, malformed)[0] as Uint8Array;

describe("PEM chains", () => {
  it("decode certificates in order, tolerating a trailing NUL", () => {
    const chain = SGX_VECTOR.collateral.tcb_info_issuer_chain as string;
    const ders = decodePemCertificates(`${chain}\0\0`, malformed);
    expect(ders.length).toBe(2);
    expect(parseCertificate(ders[0] as Uint8Array, malformed).commonName).toBe("Intel SGX TCB Signing");
    expect(decodePemCertificates(chain.replace(/\n/g, "\r\n"), malformed)).toEqual(ders);
  });

  it("refuse anything but whitespace-separated certificate blocks of canonical base64", () => {
    const block = rootPem.trim();
    for (const bad of [
      "",
      "hello",
      `${block}\ngarbage`,
      `junk\n${block}`,
      `${block}\n\0${block}`,
      block.replace("MIICjzCC", "MIICjzC!"),
      block.replace("-----END", "=\n-----END"),
      block.replace("-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----"),
      "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----",
    ]) {
      rejects(() => decodePemCertificates(bad, malformed));
    }
  });
});

describe("certificates and CRLs", () => {
  it("decode Intel's root with @peculiar/asn1-x509", () => {
    const [der] = decodePemCertificates(rootPem, malformed);
    const root = parseCertificate(der as Uint8Array, malformed);
    expect(root.commonName).toBe("Intel SGX Root CA");
    expect(root.isCa).toBe(true);
    expect(root.keyUsage).toBe(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign);
    expect(root.notAfter).toBe(Date.UTC(2049, 11, 31, 23, 59, 59) / 1000);
    expect(root.serialNumber).toBe("22650cd65a9d3489f383b49552bf501b392706ac");
    expect(root.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
  });

  it("accept DER only: no trailing bytes, no truncation", () => {
    const [der] = decodePemCertificates(rootPem, malformed) as [Uint8Array];
    rejects(() => parseCertificate(new Uint8Array([...der, 0]), malformed));
    rejects(() => parseCertificate(der.subarray(0, der.length - 1), malformed));
    rejects(() => parseCertificate(new Uint8Array(0), malformed));
    const crl = Buffer.from(SGX_VECTOR.collateral.root_ca_crl as string, "hex");
    const parsed = parseCrl(new Uint8Array(crl), malformed);
    expect(parsed.nextUpdate).toBe(Date.UTC(2026, 3, 3, 11, 21, 57) / 1000);
    rejects(() => parseCrl(new Uint8Array([...crl, 0]), malformed));
    rejects(() => parseCrl(new Uint8Array(crl.subarray(1)), malformed));
  });
});

describe("pinned roots", () => {
  it("are the roots of the vectors, checked against their pins", () => {
    const [root] = decodePemCertificates(rootPem, malformed);
    expect(intelSgxRootCa().certificate.der).toEqual(root);
    expect(INTEL_SGX_ROOT_CA_SHA256).toBe("44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3");
    const [ias] = decodePemCertificates(iasPem, malformed);
    expect(iasRootCa().certificate.der).toEqual(ias);
    expect(IAS_ROOT_CA_SHA256).toBe("7b42e41ec43b91db834a065de4f98a13c44d695570e839cfa8921e584e40735d");
    expect(iasRootCa().certificate.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
  });

  it("refuse to load a constant that does not match its pin", () => {
    const base64 = Buffer.from(decodePemCertificates(rootPem, malformed)[0] as Uint8Array).toString("base64");
    expect(() => pinnedAnchor(base64, IAS_ROOT_CA_SHA256, "ecdsa-p256-sha256", "DCAP")).toThrow(
      /does not match its pin/,
    );
    expect(pinnedAnchor(base64, INTEL_SGX_ROOT_CA_SHA256, "ecdsa-p256-sha256", "DCAP")().scheme).toBe(
      "ecdsa-p256-sha256",
    );
    // The right bytes for the wrong scheme cannot be an anchor.
    expect(() => pinnedAnchor(base64, INTEL_SGX_ROOT_CA_SHA256, "rsa-sha256", "IAS")()).toThrow(AttestationError);
  });
});

describe("chains as they travel", () => {
  it("hold the anchor's own certificate where they carry a copy of the root", () => {
    const [der] = decodePemCertificates(rootPem, malformed) as [Uint8Array];
    const anchor = intelSgxRootCa();
    for (let i = 0; i < 2; i++) {
      clearParseCaches();
      const [copy, other] = parseChainCertificates([Uint8Array.from(der), iasDer()], anchor, malformed);
      expect(copy).toBe(anchor.certificate);
      expect(other).not.toBe(anchor.certificate);
    }
    // One byte off (in the signature, so that it still decodes) is another certificate.
    const flipped = Uint8Array.from(der);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
    const [decoded] = parseChainCertificates([flipped], anchor, malformed);
    expect(decoded).not.toBe(anchor.certificate);
    expect(decoded?.der).toEqual(flipped);
  });
});

describe("raw P-256 signatures", () => {
  it("refuse keys off the curve and signatures of the wrong size", () => {
    expect(p256PublicKeyFromRaw(new Uint8Array(64))).toBeUndefined();
    expect(p256PublicKeyFromRaw(new Uint8Array(63))).toBeUndefined();
    const key = intelSgxRootCa().certificate.publicKey;
    expect(verifyP256RawSignature(key, new Uint8Array(1), new Uint8Array(63))).toBe(false);
    expect(verifyP256RawSignature(iasRootCa().certificate.publicKey, new Uint8Array(1), new Uint8Array(64))).toBe(
      false,
    );
  });
});

describe("public keys from SubjectPublicKeyInfo", () => {
  const P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
  const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
  const modPow = (base: bigint, exponent: bigint): bigint => {
    let result = 1n;
    let x = base % P;
    for (let e = exponent; e > 0n; e >>= 1n) {
      if (e & 1n) result = (result * x) % P;
      x = (x * x) % P;
    }
    return result;
  };
  const be32 = (n: bigint) => Buffer.from(n.toString(16).padStart(64, "0"), "hex");
  const uncompressedSpki = (x: bigint, y: bigint) =>
    new Uint8Array(
      Buffer.concat([Buffer.from("3059301306072a8648ce3d020106082a8648ce3d03010703420004", "hex"), be32(x), be32(y)]),
    );
  /** The SPKI route, which the P-256 shortcut must match. */
  const viaSpki = (spki: Uint8Array): KeyObject | undefined => {
    try {
      return createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
    } catch {
      return undefined;
    }
  };
  const viaShortcut = (spki: Uint8Array): KeyObject | undefined => {
    try {
      return publicKeyFromSpki(spki);
    } catch {
      return undefined;
    }
  };
  const jwkOf = (key: KeyObject | undefined) => key?.export({ format: "jwk" });

  /** A point on P-256 whose x is below 2^200, so that x + p still fits in 32 bytes. */
  function pointWithSmallX(): [bigint, bigint] {
    for (let x = 1n << 199n; ; x++) {
      const rhs = (((x * x * x - 3n * x + B) % P) + P) % P;
      const y = modPow(rhs, (P + 1n) / 4n);
      if ((y * y) % P === rhs) return [x, y];
    }
  }

  it("give the key the SPKI route gives, and refuse what it refuses", () => {
    const generated = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
    const spki = new Uint8Array(generated.export({ format: "der", type: "spki" }));
    expect(jwkOf(viaShortcut(spki))).toEqual(jwkOf(generated));
    const [x, y] = pointWithSmallX();
    const cases: Record<string, Uint8Array> = {
      "a real key": spki,
      "a point with a small x": uncompressedSpki(x, y),
      "a point off the curve": uncompressedSpki(x, y + 1n),
      "x + p for a point's x": uncompressedSpki(x + P, y),
      "the point at zero": uncompressedSpki(0n, 0n),
    };
    const accepted: string[] = [];
    for (const [name, bytes] of Object.entries(cases)) {
      expect(jwkOf(viaShortcut(bytes)), name).toEqual(jwkOf(viaSpki(bytes)));
      if (viaSpki(bytes) !== undefined) accepted.push(name);
    }
    expect(accepted).toEqual(["a real key", "a point with a small x"]);
  });

  it("take the SPKI route for other keys: compressed points, RSA", () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
    const compressed = Buffer.concat([
      Buffer.from("3039301306072a8648ce3d020106082a8648ce3d030107032200", "hex"),
      Buffer.from(ec.export({ format: "jwk" }).y as string, "base64url").readUInt8(31) & 1
        ? Buffer.of(3)
        : Buffer.of(2),
      Buffer.from(ec.export({ format: "jwk" }).x as string, "base64url"),
    ]);
    expect(jwkOf(publicKeyFromSpki(new Uint8Array(compressed)))).toEqual(jwkOf(ec));
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey;
    const rsaSpki = new Uint8Array(rsa.export({ format: "der", type: "spki" }));
    expect(jwkOf(publicKeyFromSpki(rsaSpki))).toEqual(jwkOf(rsa));
    expect(() => publicKeyFromSpki(rsaSpki.subarray(1))).toThrow();
  });
});
