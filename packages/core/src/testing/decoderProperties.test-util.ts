import { expect } from "vitest";
import { ScaleDecodeError } from "../scale/decodeExact.js";

type ErrorCheck = (error: unknown) => void;

const isScaleDecodeError: ErrorCheck = (error) => expect(error).toBeInstanceOf(ScaleDecodeError);
const isTrailingBytes: ErrorCheck = (error) => {
  expect(error).toBeInstanceOf(ScaleDecodeError);
  expect((error as ScaleDecodeError).code).toBe("SCALE_TRAILING_BYTES");
};

function expectThrows(run: () => unknown, check: ErrorCheck): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, "decoded without error").toBeDefined();
  check(thrown);
}

/**
 * Every strict prefix of `encoded`, and `encoded` followed by `extra`, must fail to decode with a
 * typed error: by default a ScaleDecodeError, SCALE_TRAILING_BYTES for the longer input.
 */
export function expectRejectsTruncatedAndOverlong(
  encoded: Uint8Array,
  extra: Uint8Array,
  decode: (bytes: Uint8Array) => unknown,
  checks: { truncated?: ErrorCheck; overlong?: ErrorCheck } = {},
): void {
  const { truncated = isScaleDecodeError, overlong = isTrailingBytes } = checks;
  for (let length = 0; length < encoded.length; length++)
    expectThrows(() => decode(encoded.subarray(0, length)), truncated);
  const longer = new Uint8Array(encoded.length + extra.length);
  longer.set(encoded);
  longer.set(extra, encoded.length);
  expectThrows(() => decode(longer), overlong);
}
