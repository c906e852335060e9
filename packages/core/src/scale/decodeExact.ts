import { createDecoder, type Decoder } from "@polkadot-api/substrate-bindings";
import { PhalaError } from "../errors/phalaError.js";

export type ScaleErrorCode = "SCALE_TRUNCATED" | "SCALE_TRAILING_BYTES" | "SCALE_MALFORMED";

export class ScaleDecodeError extends PhalaError<ScaleErrorCode> {
  override readonly name = "ScaleDecodeError";
}

type Positioned = Uint8Array & { i: number };

/**
 * Decodes exactly one value from `bytes`: truncated input, trailing bytes and malformed input
 * all become a `ScaleDecodeError`. scale-ts reads from the start of a view's underlying buffer,
 * so views into a larger buffer are copied first.
 */
export function decodeExact<T>(decoder: Decoder<T>, bytes: Uint8Array, what: string): T {
  if (!(bytes instanceof Uint8Array)) {
    throw new ScaleDecodeError("SCALE_MALFORMED", `${what}: input is not bytes`, { what });
  }
  // Uint8Array.prototype.slice copies; a Buffer's own slice() would return another view.
  const own =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes
      : Uint8Array.prototype.slice.call(bytes);
  let value: T;
  let consumed: number;
  try {
    [value, consumed] = createDecoder((input) => [decoder(input), (input as Positioned).i] as const)(own);
  } catch (cause) {
    if (cause instanceof PhalaError) throw cause;
    const truncated = cause instanceof RangeError;
    throw new ScaleDecodeError(
      truncated ? "SCALE_TRUNCATED" : "SCALE_MALFORMED",
      `${what}: ${truncated ? "input ends early" : "malformed input"}`,
      { what, length: bytes.length, reason: cause instanceof Error ? cause.message : String(cause) },
      { cause },
    );
  }
  if (consumed > own.length) {
    throw new ScaleDecodeError("SCALE_TRUNCATED", `${what}: input ends early`, {
      what,
      length: own.length,
      needed: consumed,
    });
  }
  if (consumed !== own.length) {
    throw new ScaleDecodeError("SCALE_TRAILING_BYTES", `${what}: ${own.length - consumed} unexpected trailing bytes`, {
      what,
      length: own.length,
      consumed,
    });
  }
  return value;
}
