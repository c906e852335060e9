import { secp256k1 } from "@noble/curves/secp256k1.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, fromHex, toHex, utf8 } from "../bytes/bytes.js";
import { blake2_256 } from "../hashing/hashes.js";
import {
  ecdsaAccountId,
  ecdsaFromSeed,
  ecdsaRecover,
  ecdsaRecoverPrehashed,
  ecdsaVerify,
  secp256k1EcdsaRecoverCompressed,
} from "./ecdsa.js";
import { InvalidKeyError } from "./ed25519.js";
import { InvalidKeyMaterialError } from "./keyErrors.js";

// sp_core ecdsa `test_vector_should_work`: the public key is given uncompressed there (x || y, y even).
const SP_CORE_SEED = fromHex("0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const SP_CORE_PUBLIC_KEY = "0x028db55b05db86c0b1786ca49f095d76344c9e6056b2f02701a7e7f3c20aabfd91";
const SP_CORE_EMPTY_MESSAGE_SIGNATURE =
  "0x3dde91174bd9359027be59a428b8146513df80a2a3c7eda2194f64de04a69ab97b753169e94db6ffd50921a2668a48b94ca11e3d32c1ff19cfe88890aa7e8f3c00";
// `subkey inspect --scheme ecdsa //Alice`.
const ALICE_SEED = fromHex("0xcb6df9de1efca7a3998a8ead4e02159d5fa99c3e0d4fd6432667390bb4726854");
const ALICE_PUBLIC_KEY = "0x020a1091341fe5664bfa1782d5e04779689068c916b04cb365ec3153755684d9a1";
const ALICE_ACCOUNT_ID = "0x01e552298e47454041ea31273b4b630c64c104e4514aa3643490b8aaca9cf8ed";

const CURVE_ORDER = secp256k1.Point.CURVE().n;

const flip = (bytes: Uint8Array, index: number, mask: number): Uint8Array => {
  const out = bytes.slice();
  out[index % out.length]! ^= mask;
  return out;
};

describe("ecdsa", () => {
  const keypair = ecdsaFromSeed(SP_CORE_SEED);

  it("reproduces sp_core's test vector byte for byte (deterministic signing)", () => {
    expect(toHex(keypair.publicKey)).toBe(SP_CORE_PUBLIC_KEY);
    expect(toHex(keypair.sign(new Uint8Array(0)))).toBe(SP_CORE_EMPTY_MESSAGE_SIGNATURE);
    expect(ecdsaVerify(fromHex(SP_CORE_EMPTY_MESSAGE_SIGNATURE), new Uint8Array(0), keypair.publicKey)).toBe(true);
  });

  it("maps Alice's key to subkey's account id", () => {
    const alice = ecdsaFromSeed(ALICE_SEED);
    expect(toHex(alice.publicKey)).toBe(ALICE_PUBLIC_KEY);
    expect(toHex(alice.accountId)).toBe(ALICE_ACCOUNT_ID);
    expect(toHex(ecdsaAccountId(alice.publicKey))).toBe(ALICE_ACCOUNT_ID);
  });

  it("signs blake2_256(message) as r || s || v and recovers the signer", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (message) => {
        const signature = keypair.sign(message);
        expect(signature.length).toBe(65);
        expect(signature[64]! <= 1).toBe(true);
        expect(signature).toEqual(keypair.signPrehashed(blake2_256(message)));
        expect(ecdsaRecover(signature, message)).toEqual(keypair.publicKey);
        expect(ecdsaVerify(signature, message, keypair.publicKey)).toBe(true);
        const s = secp256k1.Signature.fromBytes(signature.subarray(0, 64), "compact");
        expect(s.hasHighS()).toBe(false);
      }),
      { numRuns: 30 },
    );
  });

  it("rejects any flipped byte of signature, message or key", () => {
    const message = utf8("a message of some length, long enough");
    const signature = keypair.sign(message);
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (index, mask) => {
        expect(ecdsaVerify(flip(signature, index, mask), message, keypair.publicKey)).toBe(false);
        expect(ecdsaVerify(signature, flip(message, index, mask), keypair.publicKey)).toBe(false);
        expect(ecdsaVerify(signature, message, flip(keypair.publicKey, index, mask))).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it("recovers high-s signatures, and v + 27 only in the runtime's recovery", () => {
    const message = utf8("recovery");
    const hash = blake2_256(message);
    const signature = keypair.sign(message);
    const v = signature[64]!;
    const ethereumV = concatBytes(signature.subarray(0, 64), Uint8Array.of(v + 27));
    expect(ecdsaRecover(ethereumV, message)).toBeUndefined();
    expect(ecdsaVerify(ethereumV, message, keypair.publicKey)).toBe(false);
    expect(secp256k1EcdsaRecoverCompressed(ethereumV, hash)).toEqual(keypair.publicKey);
    expect(secp256k1EcdsaRecoverCompressed(signature, hash)).toEqual(keypair.publicKey);
    // (r, n - s) with the other parity is the same signature for libsecp256k1 recovery.
    const low = secp256k1.Signature.fromBytes(signature.subarray(0, 64), "compact");
    const high = concatBytes(
      new secp256k1.Signature(low.r, CURVE_ORDER - low.s).toBytes("compact"),
      Uint8Array.of(v ^ 1),
    );
    expect(ecdsaRecover(high, message)).toEqual(keypair.publicKey);
    expect(secp256k1EcdsaRecoverCompressed(high, hash)).toEqual(keypair.publicKey);
  });

  it("returns undefined / false, never throws, on malformed signatures", () => {
    const message = utf8("m");
    const signature = keypair.sign(message);
    for (const v of [4, 26, 31, 255]) {
      expect(ecdsaRecover(concatBytes(signature.subarray(0, 64), Uint8Array.of(v)), message)).toBeUndefined();
    }
    expect(ecdsaRecover(new Uint8Array(65), message)).toBeUndefined();
    expect(ecdsaRecover(new Uint8Array(65).fill(0xff), message)).toBeUndefined();
    expect(ecdsaRecover(signature.subarray(0, 64), message)).toBeUndefined();
    expect(ecdsaRecoverPrehashed(signature, new Uint8Array(31))).toBeUndefined();
    expect(secp256k1EcdsaRecoverCompressed(signature, new Uint8Array(33))).toBeUndefined();
    for (const v of [31, 255]) {
      const bad = concatBytes(signature.subarray(0, 64), Uint8Array.of(v));
      expect(secp256k1EcdsaRecoverCompressed(bad, blake2_256(message))).toBeUndefined();
    }
    expect(ecdsaVerify(signature, message, keypair.publicKey.subarray(1))).toBe(false);
    expect(ecdsaVerify(null as unknown as Uint8Array, message, keypair.publicKey)).toBe(false);
    expect(ecdsaVerify(signature, "m" as unknown as Uint8Array, keypair.publicKey)).toBe(false);
  });

  it("refuses seeds that are not secp256k1 scalars", () => {
    expect(() => ecdsaFromSeed(new Uint8Array(32))).toThrow(InvalidKeyMaterialError);
    const order = fromHex(`0x${CURVE_ORDER.toString(16).padStart(64, "0")}`);
    expect(() => ecdsaFromSeed(order)).toThrow(InvalidKeyMaterialError);
    expect(() => ecdsaFromSeed(new Uint8Array(33))).toThrow(InvalidKeyError);
    expect(() => keypair.signPrehashed(new Uint8Array(31))).toThrow(InvalidKeyError);
  });
});
