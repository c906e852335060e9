import { hkdfSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes/bytes.js";
import { hkdfSha256, KdfError } from "./hkdf.js";

const range = (from: number, count: number) => Uint8Array.from({ length: count }, (_, i) => from + i);

describe("hkdfSha256", () => {
  it("matches RFC 5869 test cases 1-3 (SHA-256)", () => {
    const cases = [
      {
        ikm: new Uint8Array(22).fill(0x0b),
        salt: range(0x00, 13),
        info: range(0xf0, 10),
        length: 42,
        okm: "0x3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
      },
      {
        ikm: range(0x00, 80),
        salt: range(0x60, 80),
        info: range(0xb0, 80),
        length: 82,
        okm:
          "0xb11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c" +
          "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71" +
          "cc30c58179ec3e87c14c01d5c1f3434f1d87",
      },
      {
        ikm: new Uint8Array(22).fill(0x0b),
        salt: new Uint8Array(0),
        info: new Uint8Array(0),
        length: 42,
        okm: "0x8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
      },
    ];
    for (const c of cases) {
      const okm = hkdfSha256(c.ikm, c.salt, c.info, c.length);
      expect(okm).toBeInstanceOf(Uint8Array);
      expect(toHex(okm)).toBe(c.okm);
    }
  });

  it("agrees with node's hkdfSync for any key, salt, info and length", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.uint8Array({ maxLength: 1024 }),
        fc.integer({ min: 1, max: 255 * 32 }),
        (ikm, salt, info, length) => {
          const expected = new Uint8Array(hkdfSync("sha256", ikm, salt, info, length));
          expect(toHex(hkdfSha256(ikm, salt, info, length))).toBe(toHex(expected));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("rejects out-of-range lengths and over-long info with KdfError", () => {
    const ikm = fromHex("0x0b0b");
    for (const length of [0, -1, 1.5, 255 * 32 + 1]) {
      expect(() => hkdfSha256(ikm, new Uint8Array(0), new Uint8Array(0), length)).toThrow(KdfError);
    }
    expect(hkdfSha256(ikm, new Uint8Array(0), new Uint8Array(1024), 32)).toHaveLength(32);
    try {
      hkdfSha256(ikm, new Uint8Array(0), new Uint8Array(1025), 32);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KdfError);
      expect((error as KdfError).code).toBe("KDF_INFO_TOO_LONG");
    }
  });
});
