import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes/bytes.js";
import { InvalidKeyError } from "../keys/ed25519.js";
import {
  X25519Error,
  x25519Ephemeral,
  x25519FromSecret,
  x25519Generate,
  x25519PublicKey,
  x25519SharedSecret,
} from "./x25519.js";

const h = (hex: string) => fromHex(`0x${hex}`);

describe("x25519", () => {
  it("matches the RFC 7748 §5.2 scalar-multiplication vectors", () => {
    const vectors = [
      [
        "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
        "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
        "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
      ],
      [
        "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
        "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
        "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
      ],
    ] as const;
    for (const [scalar, u, out] of vectors) {
      expect(toHex(x25519SharedSecret(h(scalar), h(u)))).toBe(`0x${out}`);
    }
  });

  it("matches the RFC 7748 §5.2 iterated vectors (1 and 1000 iterations)", () => {
    let k = h("0900000000000000000000000000000000000000000000000000000000000000");
    let u = k;
    for (let i = 1; i <= 1000; i++) {
      const next = x25519SharedSecret(k, u);
      u = k;
      k = next;
      if (i === 1) expect(toHex(k)).toBe("0x422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
    }
    expect(toHex(k)).toBe("0x684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
  });

  it("matches the RFC 7748 §6.1 Diffie-Hellman example", () => {
    const alice = h("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    const bob = h("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    const alicePublic = "0x8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    const bobPublic = "0xde9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    const shared = "0x4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    expect(toHex(x25519PublicKey(alice))).toBe(alicePublic);
    expect(toHex(x25519FromSecret(bob).publicKey)).toBe(bobPublic);
    expect(toHex(x25519SharedSecret(alice, fromHex(bobPublic)))).toBe(shared);
    expect(toHex(x25519FromSecret(bob).sharedSecret(fromHex(alicePublic)))).toBe(shared);
  });

  it("rejects low-order peer points with X25519Error", () => {
    const secret = x25519Generate().secret;
    const lowOrder = [
      "0000000000000000000000000000000000000000000000000000000000000000",
      "0100000000000000000000000000000000000000000000000000000000000000",
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
      "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    ];
    for (const point of lowOrder) {
      expect(() => x25519SharedSecret(secret, h(point))).toThrow(X25519Error);
      try {
        x25519Ephemeral().sharedSecret(h(point));
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(X25519Error);
        expect((error as X25519Error).code).toBe("X25519_LOW_ORDER_POINT");
      }
    }
  });

  it("rejects wrong lengths with InvalidKeyError", () => {
    const keypair = x25519Ephemeral();
    for (const length of [0, 31, 33, 64]) {
      expect(() => x25519FromSecret(new Uint8Array(length))).toThrow(InvalidKeyError);
      expect(() => x25519PublicKey(new Uint8Array(length))).toThrow(InvalidKeyError);
      expect(() => keypair.sharedSecret(new Uint8Array(length).fill(9))).toThrow(InvalidKeyError);
    }
  });

  it("generated keys agree in both directions and export a secret that rebuilds the keypair", () => {
    const a = x25519Generate();
    const b = x25519Ephemeral();
    expect(a.keypair.publicKey).toEqual(x25519PublicKey(a.secret));
    expect(a.secret).toHaveLength(32);
    expect(a.keypair.sharedSecret(b.publicKey)).toEqual(b.sharedSecret(a.keypair.publicKey));
    expect(x25519Generate().secret).not.toEqual(a.secret);
  });

  it("ECDH is symmetric for arbitrary secrets", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (a, b) => {
          const shared = x25519SharedSecret(a, x25519PublicKey(b));
          expect(shared).toEqual(x25519SharedSecret(b, x25519PublicKey(a)));
          expect(shared).toBeInstanceOf(Uint8Array);
          expect(shared).toHaveLength(32);
        },
      ),
      { numRuns: 100 },
    );
  });
});
