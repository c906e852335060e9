import { type Codec, compact, createCodec, createDecoder, type Decoder } from "@polkadot-api/substrate-bindings";
import { equalBytes } from "../bytes/index.js";
import { ScaleDecodeError } from "../scale/index.js";

type Positioned = Uint8Array & { i: number };

export const U32_MAX = 0xffff_ffff;
export const U128_MAX = (1n << 128n) - 1n;

/**
 * scale-ts' compact decoder accepts values of any size and longer-than-needed encodings;
 * parity-scale-codec rejects both for `Compact<u32>`/`Compact<u128>`. Accepting them would give
 * one extrinsic several encodings (and hashes) with the same signature.
 */
function canonicalCompactDecoder(max: bigint, what: string): Decoder<bigint> {
  return createDecoder((input) => {
    const positioned = input as Positioned;
    const start = positioned.i;
    const value = BigInt(compact.dec(positioned));
    if (value > max) {
      throw new ScaleDecodeError("SCALE_MALFORMED", `${what} out of range`, { what, value: value.toString() });
    }
    // A fresh view: subarray on scale-ts' internal Uint8Array subclass would not keep the bounds.
    const read = new Uint8Array(positioned.buffer, positioned.byteOffset + start, positioned.i - start);
    if (!equalBytes(read, compact.enc(value))) {
      throw new ScaleDecodeError("SCALE_MALFORMED", `${what} is not canonically encoded`, { what });
    }
    return value;
  });
}

/** `Compact<u32>`; the encoder expects a checked integer in range. */
export const compactU32: Codec<number> = createCodec(
  (value: number) => compact.enc(value),
  createDecoder((input) => Number(canonicalCompactDecoder(BigInt(U32_MAX), "Compact<u32>")(input))),
);

/** `Compact<u128>`; the encoder expects a checked bigint in range. */
export const compactU128: Codec<bigint> = createCodec(
  (value: bigint) => compact.enc(value),
  canonicalCompactDecoder(U128_MAX, "Compact<u128>"),
);

export function isU32(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= U32_MAX;
}

export function isU128(value: unknown): value is bigint {
  return typeof value === "bigint" && value >= 0n && value <= U128_MAX;
}
