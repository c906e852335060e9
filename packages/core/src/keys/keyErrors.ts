import { PhalaError } from "../errors/phalaError.js";

/** Bytes of the right length that are still not a usable key (an ecdsa scalar of 0 or ≥ n, a non-point). */
export class InvalidKeyMaterialError extends PhalaError<"INVALID_KEY_MATERIAL"> {
  override readonly name = "InvalidKeyMaterialError";
  constructor(what: string, reason: string) {
    super("INVALID_KEY_MATERIAL", `${what} is not a valid key: ${reason}`, { what, reason });
  }
}

export class KeyDerivationError extends PhalaError<"KEY_SOFT_DERIVATION_UNSUPPORTED"> {
  override readonly name = "KeyDerivationError";
  constructor(scheme: string) {
    super("KEY_SOFT_DERIVATION_UNSUPPORTED", `${scheme} keys support only hard (//) derivation`, { scheme });
  }
}

/** A secret URI that does not parse, or whose phrase, hex seed or path is unusable. Never echoes the secret. */
export class KeyUriError extends PhalaError<"KEY_URI_INVALID"> {
  override readonly name = "KeyUriError";
  constructor(reason: string, details: Record<string, unknown> = {}) {
    super("KEY_URI_INVALID", `invalid secret URI: ${reason}`, { reason, ...details });
  }
}

export class UnknownKeyTypeError extends PhalaError<"KEY_TYPE_UNKNOWN"> {
  override readonly name = "UnknownKeyTypeError";
  constructor(type: unknown) {
    super("KEY_TYPE_UNKNOWN", `unknown key type ${JSON.stringify(String(type))}`, {
      type: String(type),
      expected: ["ed25519", "sr25519", "ecdsa"],
    });
  }
}
