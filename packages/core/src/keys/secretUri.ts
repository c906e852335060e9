import { type DeriveJunction, deriveJunction } from "./deriveJunction.js";
import { KeyUriError } from "./keyErrors.js";

/** Substrate's development phrase: `//Alice` means this phrase followed by `//Alice`. */
export const DEV_PHRASE = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";

export interface SecretUri {
  /** A BIP39 phrase or a 0x-hex seed; DEV_PHRASE when the URI starts with a path. */
  readonly phrase: string;
  readonly junctions: readonly DeriveJunction[];
  readonly password: string | undefined;
}

// sp_core `AddressUri` grammar: phrase, then `/soft` and `//hard` junctions, then `///password`.
const SECRET_URI = /^(?<phrase>[a-zA-Z0-9 ]+)?(?<path>(?:\/\/?[^/]+)*)(?:\/\/\/(?<password>.*))?$/;
const JUNCTION = /\/(\/?[^/]+)/g;

/** Splits a secret URI; does not check the phrase, the hex seed or the password. */
export function parseSecretUri(uri: string): SecretUri {
  if (typeof uri !== "string") throw new KeyUriError("not a string");
  const match = SECRET_URI.exec(uri);
  if (match === null) {
    throw new KeyUriError("expected `phrase//hard/soft///password`", { length: uri.length });
  }
  const groups = match.groups ?? {};
  const junctions = [...(groups["path"] ?? "").matchAll(JUNCTION)].map((m) => deriveJunction(m[1]!));
  return { phrase: groups["phrase"] ?? DEV_PHRASE, junctions, password: groups["password"] };
}
