import { compact, u32 } from "@polkadot-api/substrate-bindings";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes } from "../bytes/index.js";
import { ScaleDecodeError } from "../scale/index.js";
import { U32_MAX, U128_MAX } from "./canonicalCompact.js";
import { encodeEra, IMMORTAL_ERA, mortalEra } from "./era.js";
import { arbitraryAdditional, arbitraryExtra, thrown } from "./extrinsicArbitraries.test-util.js";
import { ExtrinsicError } from "./extrinsicError.js";
import {
  type AdditionalSigned,
  decodeAdditionalSigned,
  decodeExtra,
  type Extra,
  encodeAdditionalSigned,
  encodeExtra,
  SIGNED_EXTENSION_IDENTIFIERS,
  SIGNED_EXTENSIONS,
} from "./signedExtensions.js";

const genesisHash = new Uint8Array(32).fill(0x11);
const birthHash = new Uint8Array(32).fill(0x22);
const additional: AdditionalSigned = { specVersion: 100, transactionVersion: 2, genesisHash, birthHash };

function expectCode(run: () => unknown, code: string): void {
  const error = thrown(run);
  expect(error).toBeInstanceOf(ExtrinsicError);
  expect((error as ExtrinsicError).code).toBe(code);
}

function expectScaleError(run: () => unknown, code: string): void {
  const error = thrown(run);
  expect(error).toBeInstanceOf(ScaleDecodeError);
  expect((error as ScaleDecodeError).code).toBe(code);
}

describe("signed extensions", () => {
  it("lists our extensions in order, with the fields they contribute", () => {
    expect(SIGNED_EXTENSIONS.map((extension) => extension.identifier)).toEqual([...SIGNED_EXTENSION_IDENTIFIERS]);
    expect(SIGNED_EXTENSION_IDENTIFIERS).toEqual([
      "CheckNonZeroSender",
      "CheckSpecVersion",
      "CheckTxVersion",
      "CheckGenesis",
      "CheckMortality",
      "CheckNonce",
      "CheckWeight",
      "ChargeTransactionPayment",
    ]);
    expect(SIGNED_EXTENSIONS.flatMap((extension) => (extension.extra ? [extension.extra.field] : []))).toEqual([
      "era",
      "nonce",
      "tip",
    ]);
    expect(
      SIGNED_EXTENSIONS.flatMap((extension) => (extension.additionalSigned ? [extension.additionalSigned.field] : [])),
    ).toEqual(["specVersion", "transactionVersion", "genesisHash", "birthHash"]);
  });

  it("encodes Extra as era ++ Compact<u32> nonce ++ Compact<u128> tip", () => {
    const extra: Extra = { era: mortalEra(64, 1000), nonce: 5, tip: 1000n };
    expect(encodeExtra(extra)).toEqual(concatBytes(encodeEra(extra.era), compact.enc(5), compact.enc(1000n)));
    expect(encodeExtra({ era: IMMORTAL_ERA, nonce: 0, tip: 0n })).toEqual(Uint8Array.of(0, 0, 0));
  });

  it("encodes AdditionalSigned as u32 ++ u32 ++ genesis hash ++ birth hash", () => {
    expect(encodeAdditionalSigned(additional)).toEqual(concatBytes(u32.enc(100), u32.enc(2), genesisHash, birthHash));
  });

  it("round-trips Extra and AdditionalSigned", () => {
    fc.assert(
      fc.property(arbitraryExtra, arbitraryAdditional, (extra, extraAdditional) => {
        expect(decodeExtra(encodeExtra(extra))).toEqual(extra);
        expect(decodeAdditionalSigned(encodeAdditionalSigned(extraAdditional))).toEqual(extraAdditional);
      }),
    );
  });

  it("rejects truncated and over-long Extra", () => {
    fc.assert(
      fc.property(arbitraryExtra, fc.uint8Array({ minLength: 1, maxLength: 4 }), (extra, tail) => {
        const encoded = encodeExtra(extra);
        for (let length = 0; length < encoded.length; length++) {
          expect(thrown(() => decodeExtra(encoded.subarray(0, length)))).toBeInstanceOf(ScaleDecodeError);
        }
        expectScaleError(() => decodeExtra(concatBytes(encoded, tail)), "SCALE_TRAILING_BYTES");
      }),
    );
  });

  it("rejects nonces and tips that are non-canonical or out of range, as parity-scale-codec does", () => {
    const era = encodeEra(IMMORTAL_ERA);
    const decodeNonce = (nonce: Uint8Array) => decodeExtra(concatBytes(era, nonce, compact.enc(0)));
    const decodeTip = (tip: Uint8Array) => decodeExtra(concatBytes(era, compact.enc(0), tip));
    expect(decodeNonce(compact.enc(U32_MAX)).nonce).toBe(U32_MAX);
    expect(decodeTip(compact.enc(U128_MAX)).tip).toBe(U128_MAX);
    for (const nonce of [
      Uint8Array.of(0b01, 0), // 0 in two-byte mode
      Uint8Array.of(0b10, 0, 0, 0), // 0 in four-byte mode
      Uint8Array.of(0b11, 0, 0, 0, 0), // 0 in big-integer mode
      compact.enc(BigInt(U32_MAX) + 1n),
    ]) {
      expectScaleError(() => decodeNonce(nonce), "SCALE_MALFORMED");
    }
    for (const tip of [Uint8Array.of(0b01, 0), compact.enc(U128_MAX + 1n)]) {
      expectScaleError(() => decodeTip(tip), "SCALE_MALFORMED");
    }
  });

  it("refuses to encode invalid fields", () => {
    const extra: Extra = { era: IMMORTAL_ERA, nonce: 0, tip: 0n };
    for (const nonce of [-1, 1.5, U32_MAX + 1, Number.NaN]) {
      expectCode(() => encodeExtra({ ...extra, nonce }), "EXTRA_INVALID_NONCE");
    }
    for (const tip of [-1n, U128_MAX + 1n, 5 as unknown as bigint]) {
      expectCode(() => encodeExtra({ ...extra, tip }), "EXTRA_INVALID_TIP");
    }
    expectCode(() => encodeExtra({ ...extra, era: { type: "Mortal", period: 3, phase: 0 } }), "EXTRA_INVALID_ERA");
    for (const bad of [
      { specVersion: -1 },
      { transactionVersion: U32_MAX + 1 },
      { genesisHash: genesisHash.subarray(1) },
      { birthHash: new Uint8Array(33) },
    ]) {
      expectCode(() => encodeAdditionalSigned({ ...additional, ...bad }), "ADDITIONAL_SIGNED_INVALID");
    }
  });
});
