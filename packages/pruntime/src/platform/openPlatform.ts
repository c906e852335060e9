import type { EnclavePlatform, PlatformKind } from "./enclavePlatform.js";
import { type GraminePlatformOptions, openGraminePlatform } from "./graminePlatform.js";
import { PlatformError } from "./platformError.js";
import { openSimPlatform, type SimPlatformOptions } from "./simPlatform.js";

export interface PlatformOptions {
  readonly sim: SimPlatformOptions;
  readonly gramine: GraminePlatformOptions;
}

/** Opens the enclave platform of `kind`; an unknown kind is a PlatformError("PLATFORM_UNKNOWN_KIND"). */
export async function openPlatform<K extends PlatformKind>(
  kind: K,
  options: PlatformOptions[K],
): Promise<EnclavePlatform> {
  switch (kind) {
    case "sim":
      return openSimPlatform(options as SimPlatformOptions);
    case "gramine":
      return openGraminePlatform(options as GraminePlatformOptions);
    default:
      throw new PlatformError("PLATFORM_UNKNOWN_KIND", `unknown enclave platform ${JSON.stringify(String(kind))}`, {
        kind: String(kind),
        expected: ["sim", "gramine"],
      });
  }
}
