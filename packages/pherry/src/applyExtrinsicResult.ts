import type { ChainMetadata } from "./chainMetadata.js";

/** sp-runtime's `DispatchError` variants, by index. */
const DISPATCH_ERRORS = [
  "Other",
  "CannotLookup",
  "BadOrigin",
  "Module",
  "ConsumerRemaining",
  "NoProviders",
  "TooManyConsumers",
  "Token",
  "Arithmetic",
  "Transactional",
  "Exhausted",
  "Corruption",
  "Unavailable",
  "RootNotAllowed",
];

/** sp-runtime's `InvalidTransaction` variants, by index. */
const INVALID_TRANSACTION = [
  "Call",
  "Payment",
  "Future",
  "Stale",
  "BadProof",
  "AncientBirthBlock",
  "ExhaustsResources",
  "Custom",
  "BadMandatory",
  "MandatoryValidation",
  "BadSigner",
];

export type DryRunOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly kind: "dispatch" | "invalid" | "unknown"; readonly error: string };

/**
 * Reads the SCALE `ApplyExtrinsicResult` of `system_dryRun` far enough to name the outcome:
 * `Ok(Ok)`, a dispatch error (`PhalaRegistry.MeasurementNotAllowed`), or a validity error.
 */
export function describeApplyResult(bytes: Uint8Array, metadata: ChainMetadata): DryRunOutcome {
  const [outer, inner, variant, a, b] = bytes;
  if (outer === 0 && inner === 0) return { ok: true };
  if (outer === 0 && inner === 1 && variant !== undefined) {
    if (variant === 3 && a !== undefined && b !== undefined) {
      return { ok: false, kind: "dispatch", error: metadata.errorName(a, b) ?? `Module(${a}, ${b})` };
    }
    return { ok: false, kind: "dispatch", error: DISPATCH_ERRORS[variant] ?? `DispatchError(${variant})` };
  }
  if (outer === 1 && inner === 0 && variant !== undefined) {
    return { ok: false, kind: "invalid", error: INVALID_TRANSACTION[variant] ?? `Invalid(${variant})` };
  }
  return { ok: false, kind: "unknown", error: "UnknownTransaction" };
}
