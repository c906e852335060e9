import { decodeExact, equalBytes, ScaleDecodeError } from "@phala-ts/core";
import type { Codec } from "@polkadot-api/substrate-bindings";

/**
 * `decodeExact`, then re-encodes the value and requires the same bytes. scale-ts reads any non-zero
 * `bool` or `Option` tag as true/Some and accepts over-long compact lengths; evidence must have one
 * encoding only, so those inputs become `ScaleDecodeError("SCALE_MALFORMED")`.
 */
export function decodeCanonical<T>(codec: Codec<T>, bytes: Uint8Array, what: string): T {
  const value = decodeExact(codec.dec, bytes, what);
  if (!equalBytes(codec.enc(value), bytes)) {
    throw new ScaleDecodeError("SCALE_MALFORMED", `${what}: not canonically encoded`, {
      what,
      length: bytes.length,
    });
  }
  return value;
}
