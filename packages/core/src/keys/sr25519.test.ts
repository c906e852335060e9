import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex, utf8 } from "../bytes/bytes.js";
import { InvalidKeyError } from "./ed25519.js";
import { InvalidKeyMaterialError } from "./keyErrors.js";
import { sr25519DerivePublicSoft, sr25519FromSeed, sr25519Verify } from "./sr25519.js";

// sp_core sr25519 `sr_test_vector_should_work`: proves the Ed25519 expansion mode of the mini-secret.
const SP_CORE_MINI_SECRET = fromHex("0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const SP_CORE_PUBLIC_KEY = "0x44a996beb1eef7bdcab976ab6d2ca26104834164ecf28fb375600576fcc6eb0f";
// `subkey inspect` of the dev phrase: "Secret seed" and "Public key (hex)".
const DEV_SEED = fromHex("0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e");
const DEV_PUBLIC_KEY = "0x46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a";

const flip = (bytes: Uint8Array, index: number, mask: number): Uint8Array => {
  const out = bytes.slice();
  out[index % out.length]! ^= mask;
  return out;
};

describe("sr25519", () => {
  const keypair = sr25519FromSeed(SP_CORE_MINI_SECRET);

  it("expands a mini-secret as Substrate does", () => {
    expect(toHex(keypair.publicKey)).toBe(SP_CORE_PUBLIC_KEY);
    expect(toHex(sr25519FromSeed(DEV_SEED).publicKey)).toBe(DEV_PUBLIC_KEY);
    expect(keypair.accountId).toEqual(keypair.publicKey);
    expect(keypair.type).toBe("sr25519");
  });

  it("signs with the schnorrkel marker and verifies", () => {
    const message = utf8("hello phala");
    const signature = keypair.sign(message);
    expect(signature.length).toBe(64);
    expect(signature[63]! & 0x80).toBe(0x80);
    expect(sr25519Verify(signature, message, keypair.publicKey)).toBe(true);
    expect(sr25519Verify(signature, utf8("hello phalb"), keypair.publicKey)).toBe(false);
  });

  it("rejects any flipped byte of signature, message or key", () => {
    const message = utf8("a message of some length");
    const signature = keypair.sign(message);
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (index, mask) => {
        expect(sr25519Verify(flip(signature, index, mask), message, keypair.publicKey)).toBe(false);
        expect(sr25519Verify(signature, flip(message, index, mask), keypair.publicKey)).toBe(false);
        expect(sr25519Verify(signature, message, flip(keypair.publicKey, index, mask))).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it("returns false, never throws, on malformed input", () => {
    const message = utf8("m");
    const signature = keypair.sign(message);
    const unmarked = signature.slice();
    unmarked[63]! &= 0x7f;
    expect(sr25519Verify(unmarked, message, keypair.publicKey)).toBe(false);
    expect(sr25519Verify(signature.subarray(0, 63), message, keypair.publicKey)).toBe(false);
    expect(sr25519Verify(signature, message, new Uint8Array(32).fill(0xff))).toBe(false);
    expect(sr25519Verify(signature, message, new Uint8Array(32))).toBe(false);
    expect(sr25519Verify("nope" as unknown as Uint8Array, message, keypair.publicKey)).toBe(false);
    expect(sr25519Verify(signature, null as unknown as Uint8Array, keypair.publicKey)).toBe(false);
  });

  it("soft derivation of the secret matches soft derivation of the public key", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (chainCode) => {
        const child = keypair.deriveSoft(chainCode);
        expect(child.publicKey).toEqual(sr25519DerivePublicSoft(keypair.publicKey, chainCode));
        const signature = child.sign(chainCode);
        expect(sr25519Verify(signature, chainCode, child.publicKey)).toBe(true);
        expect(sr25519Verify(signature, chainCode, keypair.publicKey)).toBe(false);
      }),
      { numRuns: 10 },
    );
  });

  it("hard derivation is deterministic and depends on the chain code", () => {
    const a = new Uint8Array(32);
    const b = Uint8Array.from(a).fill(1, 0, 1);
    expect(keypair.deriveHard(a).publicKey).toEqual(sr25519FromSeed(SP_CORE_MINI_SECRET).deriveHard(a).publicKey);
    expect(keypair.deriveHard(a).publicKey).not.toEqual(keypair.deriveHard(b).publicKey);
    expect(keypair.deriveHard(a).publicKey).not.toEqual(keypair.deriveSoft(a).publicKey);
  });

  it("rejects wrong lengths and non-points with typed errors", () => {
    expect(() => sr25519FromSeed(new Uint8Array(31))).toThrow(InvalidKeyError);
    expect(() => keypair.deriveHard(new Uint8Array(31))).toThrow(InvalidKeyError);
    expect(() => keypair.deriveSoft(new Uint8Array(33))).toThrow(InvalidKeyError);
    expect(() => sr25519DerivePublicSoft(new Uint8Array(32).fill(0xff), new Uint8Array(32))).toThrow(
      InvalidKeyMaterialError,
    );
  });
});
