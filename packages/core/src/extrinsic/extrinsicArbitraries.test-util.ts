import fc from "fast-check";
import { U32_MAX, U128_MAX } from "./canonicalCompact.js";
import { type Era, IMMORTAL_ERA } from "./era.js";
import type { MultiAddress } from "./multiAddress.js";
import type { AdditionalSigned, Extra } from "./signedExtensions.js";

export const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

/** Every valid mortal era: period 2^2..2^16, phase a multiple of max(period / 4096, 1) below it. */
export const arbitraryMortalEra: fc.Arbitrary<Era> = fc.integer({ min: 2, max: 16 }).chain((log) => {
  const period = 2 ** log;
  const factor = Math.max(period >> 12, 1);
  return fc
    .integer({ min: 0, max: period / factor - 1 })
    .map((quantized): Era => ({ type: "Mortal", period, phase: quantized * factor }));
});

export const arbitraryEra: fc.Arbitrary<Era> = fc.oneof(fc.constant(IMMORTAL_ERA), arbitraryMortalEra);

export const arbitraryU32 = fc.oneof(
  fc.constantFrom(0, 63, 64, 16383, 16384, 2 ** 30 - 1, 2 ** 30, U32_MAX),
  fc.integer({ min: 0, max: U32_MAX }),
);

export const arbitraryTip = fc.oneof(
  fc.constantFrom(0n, 63n, 64n, 2n ** 30n, 2n ** 64n, U128_MAX),
  fc.bigInt({ min: 0n, max: U128_MAX }),
);

export const arbitraryExtra: fc.Arbitrary<Extra> = fc.record({
  era: arbitraryEra,
  nonce: arbitraryU32,
  tip: arbitraryTip,
});

export const arbitraryAdditional: fc.Arbitrary<AdditionalSigned> = fc.record({
  specVersion: arbitraryU32,
  transactionVersion: arbitraryU32,
  genesisHash: bytes32,
  birthHash: bytes32,
});

/** Non-empty calls on both sides of the 256-byte payload hashing threshold. */
export const arbitraryCall = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 64 }),
  fc.uint8Array({ minLength: 150, maxLength: 400 }),
);

export const arbitraryMultiAddress: fc.Arbitrary<MultiAddress> = fc.oneof(
  bytes32.map((value): MultiAddress => ({ type: "Id", value })),
  arbitraryU32.map((value): MultiAddress => ({ type: "Index", value })),
  fc.uint8Array({ maxLength: 80 }).map((value): MultiAddress => ({ type: "Raw", value })),
  bytes32.map((value): MultiAddress => ({ type: "Address32", value })),
  fc.uint8Array({ minLength: 20, maxLength: 20 }).map((value): MultiAddress => ({ type: "Address20", value })),
);

/** A copy of `bytes` with byte `index` xor-ed with `mask` (non-zero). */
export function flipped(bytes: Uint8Array, index: number, mask = 1): Uint8Array {
  const copy = bytes.slice();
  copy[index] = (copy[index] as number) ^ mask;
  return copy;
}

/** The thrown value of `run`, failing the test if it does not throw. */
export function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error, none was thrown");
}
