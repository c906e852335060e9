import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, toHex, utf8 } from "../bytes/bytes.js";
import { ScaleDecodeError } from "../scale/decodeExact.js";
import { devAccounts } from "./devAccounts.js";
import { KEYPAIR_TYPES } from "./keypair.js";
import {
  decodeMultiSignature,
  encodeMultiSignature,
  type MultiSignature,
  MultiSignatureError,
  multiSign,
  verifyMultiSignature,
} from "./multiSignature.js";

const LENGTH = { Ed25519: 64, Sr25519: 64, Ecdsa: 65 } as const;
const INDEX = { Ed25519: 0, Sr25519: 1, Ecdsa: 2 } as const;

const arbitraryMultiSignature: fc.Arbitrary<MultiSignature> = fc
  .constantFrom("Ed25519", "Sr25519", "Ecdsa" as const)
  .chain((type) =>
    fc
      .uint8Array({ minLength: LENGTH[type], maxLength: LENGTH[type] })
      .map((value) => ({ type, value }) as MultiSignature),
  );

function decodeError(bytes: Uint8Array): ScaleDecodeError {
  try {
    decodeMultiSignature(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ScaleDecodeError);
    return error as ScaleDecodeError;
  }
  throw new Error("decoded without error");
}

describe("MultiSignature codec", () => {
  it("encodes the variant index then the fixed-size signature", () => {
    for (const type of ["Ed25519", "Sr25519", "Ecdsa"] as const) {
      const value = new Uint8Array(LENGTH[type]).fill(0xab);
      const encoded = encodeMultiSignature({ type, value } as MultiSignature);
      expect(encoded.length).toBe(1 + LENGTH[type]);
      expect(encoded[0]).toBe(INDEX[type]);
      expect(encoded.subarray(1)).toEqual(value);
    }
  });

  it("round-trips every variant", () => {
    fc.assert(
      fc.property(arbitraryMultiSignature, (signature) => {
        expect(decodeMultiSignature(encodeMultiSignature(signature))).toEqual(signature);
      }),
    );
  });

  it("rejects every truncation with SCALE_TRUNCATED", () => {
    fc.assert(
      fc.property(arbitraryMultiSignature, fc.nat(), (signature, cut) => {
        const encoded = encodeMultiSignature(signature);
        expect(decodeError(encoded.subarray(0, cut % encoded.length)).code).toBe("SCALE_TRUNCATED");
      }),
    );
  });

  it("rejects appended bytes with SCALE_TRAILING_BYTES", () => {
    fc.assert(
      fc.property(arbitraryMultiSignature, fc.uint8Array({ minLength: 1, maxLength: 70 }), (signature, extra) => {
        const bytes = concatBytes(encodeMultiSignature(signature), extra);
        expect(decodeError(bytes).code).toBe("SCALE_TRAILING_BYTES");
      }),
    );
  });

  it("rejects unknown variants with SCALE_MALFORMED", () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 255 }), fc.uint8Array({ maxLength: 70 }), (index, body) => {
        expect(decodeError(concatBytes(Uint8Array.of(index), body)).code).toBe("SCALE_MALFORMED");
      }),
    );
  });

  it("refuses to encode a signature of the wrong length or an unknown variant", () => {
    const bad: unknown[] = [
      { type: "Ed25519", value: new Uint8Array(65) },
      { type: "Sr25519", value: new Uint8Array(63) },
      { type: "Ecdsa", value: new Uint8Array(64) },
      { type: "Ecdsa", value: "0x00" },
      { type: "Rsa", value: new Uint8Array(64) },
      { type: "toString", value: new Uint8Array(64) },
      null,
    ];
    for (const signature of bad) {
      expect(() => encodeMultiSignature(signature as MultiSignature)).toThrow(MultiSignatureError);
    }
  });
});

describe("verifyMultiSignature", () => {
  const message = utf8("transfer 10 PHA to Bob");

  for (const type of KEYPAIR_TYPES) {
    it(`${type}: verifies against the signer's AccountId32 only`, () => {
      const { Alice: alice, Bob: bob } = devAccounts(type);
      const signature = multiSign(alice, message);
      expect(signature.type).toBe({ ed25519: "Ed25519", sr25519: "Sr25519", ecdsa: "Ecdsa" }[type]);
      expect(verifyMultiSignature(signature, message, alice.accountId)).toBe(true);
      expect(
        verifyMultiSignature(decodeMultiSignature(encodeMultiSignature(signature)), message, alice.accountId),
      ).toBe(true);
      expect(verifyMultiSignature(signature, message, bob.accountId)).toBe(false);
      expect(verifyMultiSignature(signature, utf8("transfer 11 PHA to Bob"), alice.accountId)).toBe(false);
      expect(verifyMultiSignature(signature, message, alice.accountId.subarray(1))).toBe(false);
    });
  }

  it("ecdsa checks blake2_256 of the recovered key, not the key itself", () => {
    const alice = devAccounts("ecdsa").Alice;
    const signature = multiSign(alice, message);
    expect(verifyMultiSignature(signature, message, alice.publicKey.subarray(1))).toBe(false);
    expect(verifyMultiSignature(signature, message, alice.accountId)).toBe(true);
  });

  it("accepts an Ethereum-style v (27/28) for ecdsa, as the runtime does", () => {
    const alice = devAccounts("ecdsa").Alice;
    const { value } = multiSign(alice, message);
    const ethereumV = concatBytes(value.subarray(0, 64), Uint8Array.of(value[64]! + 27));
    expect(verifyMultiSignature({ type: "Ecdsa", value: ethereumV }, message, alice.accountId)).toBe(true);
  });

  it("rejects a flipped byte and a relabelled variant", () => {
    const alice = devAccounts("sr25519").Alice;
    const signature = multiSign(alice, message);
    fc.assert(
      fc.property(fc.nat({ max: 63 }), fc.integer({ min: 1, max: 255 }), (index, mask) => {
        const value = signature.value.slice();
        value[index]! ^= mask;
        expect(verifyMultiSignature({ type: "Sr25519", value }, message, alice.accountId)).toBe(false);
      }),
      { numRuns: 30 },
    );
    expect(verifyMultiSignature({ type: "Ed25519", value: signature.value }, message, alice.accountId)).toBe(false);
  });

  it("never throws on garbage", () => {
    const alice = devAccounts("sr25519").Alice;
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (type, value) => {
        const signature = { type, value } as unknown as MultiSignature;
        expect(verifyMultiSignature(signature, message, alice.accountId)).toBe(false);
      }),
    );
    for (const junk of [null, undefined, 42, "0x00", [], {}]) {
      expect(verifyMultiSignature(junk as unknown as MultiSignature, message, alice.accountId)).toBe(false);
      expect(verifyMultiSignature(multiSign(alice, message), junk as unknown as Uint8Array, alice.accountId)).toBe(
        false,
      );
    }
    expect(toHex(alice.accountId)).toBe("0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d");
  });
});
