import { AttestationError } from "./errors.js";

/**
 * Verifiers take the time explicitly, never from the clock: `now` must be unix seconds, a
 * non-negative integer. Anything else is ATTESTATION_INVALID_ARGUMENT.
 */
export function checkNow(now: unknown): number {
  if (typeof now !== "number" || !Number.isSafeInteger(now) || now < 0) {
    throw new AttestationError("ATTESTATION_INVALID_ARGUMENT", "now must be unix seconds (a non-negative integer)", {
      now: String(now),
    });
  }
  return now;
}

/** The advisory allowlist, if given, must be a list of strings. */
export function checkAllowlist(allowlist: unknown): readonly string[] {
  if (allowlist === undefined) return [];
  if (!Array.isArray(allowlist) || allowlist.some((id) => typeof id !== "string")) {
    throw new AttestationError("ATTESTATION_INVALID_ARGUMENT", "advisoryAllowlist must be a list of advisory IDs");
  }
  return allowlist;
}
