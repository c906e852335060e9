import { expect } from "vitest";
import { AttestationError, type AttestationErrorCode } from "./errors.js";

/** Asserts that `run` throws an AttestationError with `code`, and returns it for further checks. */
export function rejection(run: () => unknown, code: AttestationErrorCode): AttestationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AttestationError);
    expect((error as AttestationError).code, (error as Error).message).toBe(code);
    return error as AttestationError;
  }
  return expect.unreachable(`expected ${code}`);
}
