import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ScaleDecodeError } from "../scale/index.js";
import { arbitraryMultiAddress, thrown } from "./extrinsicArbitraries.test-util.js";
import { ExtrinsicError } from "./extrinsicError.js";
import {
  decodeMultiAddress,
  encodeMultiAddress,
  idAddress,
  type MultiAddress,
  signerAccountId,
} from "./multiAddress.js";

const account = new Uint8Array(32).map((_, i) => i + 1);

function expectCode(run: () => unknown, code: string): void {
  const error = thrown(run);
  expect(error).toBeInstanceOf(ExtrinsicError);
  expect((error as ExtrinsicError).code).toBe(code);
}

describe("MultiAddress", () => {
  it("encodes each kind as its variant index followed by its value", () => {
    expect(encodeMultiAddress(idAddress(account))).toEqual(Uint8Array.of(0, ...account));
    expect(encodeMultiAddress({ type: "Index", value: 1 })).toEqual(Uint8Array.of(1, 4));
    expect(encodeMultiAddress({ type: "Index", value: 64 })).toEqual(Uint8Array.of(1, 1, 1));
    expect(encodeMultiAddress({ type: "Raw", value: Uint8Array.of(9, 8) })).toEqual(Uint8Array.of(2, 8, 9, 8));
    expect(encodeMultiAddress({ type: "Address32", value: account })).toEqual(Uint8Array.of(3, ...account));
    expect(encodeMultiAddress({ type: "Address20", value: account.subarray(0, 20) })).toEqual(
      Uint8Array.of(4, ...account.subarray(0, 20)),
    );
  });

  it("round-trips every kind", () => {
    fc.assert(
      fc.property(arbitraryMultiAddress, (address) => {
        expect(decodeMultiAddress(encodeMultiAddress(address))).toEqual(address);
      }),
    );
  });

  it("rejects truncated, over-long and unknown-variant input with ScaleDecodeError", () => {
    fc.assert(
      fc.property(arbitraryMultiAddress, fc.uint8Array({ minLength: 1, maxLength: 8 }), (address, extra) => {
        const encoded = encodeMultiAddress(address);
        for (let length = 0; length < encoded.length; length++) {
          expect(thrown(() => decodeMultiAddress(encoded.subarray(0, length)))).toBeInstanceOf(ScaleDecodeError);
        }
        const error = thrown(() => decodeMultiAddress(new Uint8Array([...encoded, ...extra])));
        expect((error as ScaleDecodeError).code).toBe("SCALE_TRAILING_BYTES");
      }),
    );
    for (let variant = 5; variant < 256; variant += 25) {
      const error = thrown(() => decodeMultiAddress(Uint8Array.of(variant, ...account)));
      expect(error).toBeInstanceOf(ScaleDecodeError);
      expect((error as ScaleDecodeError).code).toBe("SCALE_MALFORMED");
    }
  });

  it("rejects a non-canonical or out-of-range Compact<u32> index", () => {
    for (const bytes of [Uint8Array.of(1, 1, 0), Uint8Array.of(1, 3, 1, 0, 0, 0), Uint8Array.of(1, 7, 0, 0, 0, 0, 1)]) {
      const error = thrown(() => decodeMultiAddress(bytes));
      expect(error).toBeInstanceOf(ScaleDecodeError);
      expect((error as ScaleDecodeError).code).toBe("SCALE_MALFORMED");
    }
  });

  it("refuses to encode values of the wrong size or kind", () => {
    const bad: unknown[] = [
      { type: "Id", value: account.subarray(0, 31) },
      { type: "Id", value: new Uint8Array(33) },
      { type: "Address32", value: "0x00" },
      { type: "Address20", value: account },
      { type: "Index", value: -1 },
      { type: "Index", value: 2 ** 32 },
      { type: "Index", value: 1.5 },
      { type: "Raw", value: [1, 2] },
      { type: "Ethereum", value: account },
      null,
    ];
    for (const address of bad) expectCode(() => encodeMultiAddress(address as MultiAddress), "MULTIADDRESS_INVALID");
  });

  it("resolves Id signers to their AccountId32 and refuses the other kinds", () => {
    expect(signerAccountId(idAddress(account))).toBe(account);
    for (const address of [
      { type: "Address32", value: account },
      { type: "Index", value: 0 },
      { type: "Raw", value: account },
      { type: "Address20", value: account.subarray(0, 20) },
    ] satisfies MultiAddress[]) {
      expectCode(() => signerAccountId(address), "EXTRINSIC_UNSUPPORTED_ADDRESS");
    }
  });
});
