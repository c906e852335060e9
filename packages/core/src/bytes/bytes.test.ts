import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { byteKey, compareBytes, concatBytes, equalBytes, fromHex, InvalidHexError, toHex } from "./bytes.js";

describe("hex", () => {
  it("round-trips any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(fromHex(toHex(bytes))).toEqual(bytes);
      }),
    );
  });

  it("rejects a missing prefix, odd length and non-hex digits with INVALID_HEX", () => {
    for (const bad of ["", "00", "0x0", "0xzz", "0x 0", "0X00", "0x00g0"]) {
      expect(() => fromHex(bad), bad).toThrowError(InvalidHexError);
    }
  });

  it("never throws anything but InvalidHexError on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        try {
          fromHex(`0x${text}`);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidHexError);
        }
      }),
    );
  });
});

describe("byte helpers", () => {
  it("compare byte-wise, shorter prefix first, consistent with equality and byteKey", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 6 }), fc.uint8Array({ maxLength: 6 }), (a, b) => {
        const sign = Math.sign(compareBytes(a, b));
        expect(sign + Math.sign(compareBytes(b, a))).toBe(0);
        expect(sign === 0).toBe(equalBytes(a, b));
        expect(byteKey(a) === byteKey(b)).toBe(equalBytes(a, b));
        expect(Math.sign(compareBytes(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
        expect(concatBytes(a, b)).toEqual(Uint8Array.from([...a, ...b]));
      }),
    );
  });
});
