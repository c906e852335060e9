import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex, utf8 } from "../bytes/bytes.js";
import { blake2_256 } from "../hashing/hashes.js";
import { ecdsaVerify } from "./ecdsa.js";
import { ed25519Verify } from "./ed25519.js";
import { UnknownKeyTypeError } from "./keyErrors.js";
import { isKeypairType, KEYPAIR_TYPES, type KeypairType, keypairFromSeed } from "./keypair.js";
import { sr25519Verify } from "./sr25519.js";

const SEED = fromHex("0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

const VERIFY: Record<KeypairType, (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean> = {
  ed25519: ed25519Verify,
  sr25519: sr25519Verify,
  ecdsa: ecdsaVerify,
};

const flip = (bytes: Uint8Array, index: number, mask: number): Uint8Array => {
  const out = bytes.slice();
  out[index % out.length]! ^= mask;
  return out;
};

describe("Keypair", () => {
  it("wraps the ed25519 keypair (RFC 8032 test 1, as in sp_core)", () => {
    const keypair = keypairFromSeed("ed25519", SEED);
    expect(toHex(keypair.publicKey)).toBe("0xd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    expect(keypair.accountId).toEqual(keypair.publicKey);
    expect(toHex(keypair.sign(new Uint8Array(0)))).toBe(
      "0xe5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    );
  });

  it("gives each scheme its public key and AccountId32", () => {
    for (const type of KEYPAIR_TYPES) {
      const keypair = keypairFromSeed(type, SEED);
      expect(keypair.type).toBe(type);
      expect(keypair.accountId.length).toBe(32);
      expect(keypair.publicKey.length).toBe(type === "ecdsa" ? 33 : 32);
      expect(keypair.accountId).toEqual(type === "ecdsa" ? blake2_256(keypair.publicKey) : keypair.publicKey);
    }
  });

  for (const type of KEYPAIR_TYPES) {
    it(`${type}: signatures verify, and a flipped byte of signature, message or key does not`, () => {
      const keypair = keypairFromSeed(type, SEED);
      const verify = VERIFY[type];
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 1, maxLength: 100 }),
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          (message, index, mask) => {
            const signature = keypair.sign(message);
            expect(verify(signature, message, keypair.publicKey)).toBe(true);
            expect(verify(flip(signature, index, mask), message, keypair.publicKey)).toBe(false);
            expect(verify(signature, flip(message, index, mask), keypair.publicKey)).toBe(false);
            expect(verify(signature, message, flip(keypair.publicKey, index, mask))).toBe(false);
          },
        ),
        { numRuns: 25 },
      );
    });
  }

  it("rejects unknown schemes with a typed error", () => {
    expect(() => keypairFromSeed("rsa" as KeypairType, SEED)).toThrow(UnknownKeyTypeError);
    expect(isKeypairType("sr25519")).toBe(true);
    expect(isKeypairType("Sr25519")).toBe(false);
    expect(isKeypairType(utf8("ecdsa"))).toBe(false);
  });
});
