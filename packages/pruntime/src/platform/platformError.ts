import { PhalaError } from "@phala-ts/core";

export type SealErrorCode = "SEAL_CORRUPT" | "SEAL_BAD_NAME" | "SEAL_BAD_DATA";

/** A sealed file that does not unseal, or a name or data that cannot be sealed. */
export class SealError extends PhalaError<SealErrorCode> {
  override readonly name = "SealError";
}

export type PlatformErrorCode =
  | "PLATFORM_UNKNOWN_KIND"
  | "PLATFORM_BAD_OPTIONS"
  | "PLATFORM_BUNDLE_NOT_BUILT"
  | "PLATFORM_BUNDLE_UNREADABLE"
  | "PLATFORM_BAD_MEASUREMENT"
  | "PLATFORM_BAD_SECRET";

/** The enclave platform cannot be opened as asked. */
export class PlatformError extends PhalaError<PlatformErrorCode> {
  override readonly name = "PlatformError";
}

export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
