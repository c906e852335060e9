import { compact } from "@polkadot-api/substrate-bindings";

const FOUR_BYTE_MODE_LIMIT = 1 << 30;

/** How many bytes SCALE's compact encoding of `n` takes. */
function compactSize(n: number): number {
  if (n < 1 << 6) return 1;
  if (n < 1 << 14) return 2;
  if (n < FOUR_BYTE_MODE_LIMIT) return 4;
  return compact.enc(n).length;
}

/**
 * SCALE built from parts in one allocation: a number is written as a compact (a length or a
 * count), bytes as they are. `[bytes.length, bytes]` is `Bytes()`, fixed-width bytes are just
 * the bytes. The same output as the codecs (the scale tests compare them), without their
 * intermediate arrays: for hot encodings of byte structs (KDF info, envelope AAD and wire form).
 */
export function scaleBytes(parts: readonly (Uint8Array | number)[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += typeof part === "number" ? compactSize(part) : part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    if (typeof part !== "number") {
      out.set(part, at);
      at += part.length;
    } else if (part < 1 << 6) {
      out[at++] = part << 2;
    } else if (part < 1 << 14) {
      const value = (part << 2) | 1;
      out[at++] = value & 0xff;
      out[at++] = value >>> 8;
    } else if (part < FOUR_BYTE_MODE_LIMIT) {
      const value = ((part << 2) | 2) >>> 0;
      out[at++] = value & 0xff;
      out[at++] = (value >>> 8) & 0xff;
      out[at++] = (value >>> 16) & 0xff;
      out[at++] = value >>> 24;
    } else {
      const encoded = compact.enc(part);
      out.set(encoded, at);
      at += encoded.length;
    }
  }
  return out;
}
