import { fromHex } from "../bytes/bytes.js";
import type { DeriveJunction } from "./deriveJunction.js";
import { ecdsaFromSeed } from "./ecdsa.js";
import { InvalidKeyMaterialError, KeyDerivationError, KeyUriError, UnknownKeyTypeError } from "./keyErrors.js";
import { ed25519Keypair, isKeypairType, type Keypair, type KeypairOf, type KeypairType } from "./keypair.js";
import { miniSecretFromMnemonic } from "./mnemonic.js";
import { parseSecretUri } from "./secretUri.js";
import { ecdsaDeriveHardSeed, ed25519DeriveHardSeed } from "./seedDerivation.js";
import { sr25519FromSeed } from "./sr25519.js";

export interface KeypairFromUriOptions {
  /** Overrides a `///password` in the URI (sp_core `from_string(uri, password_override)`). */
  readonly password?: string;
}

function rootSeed(phrase: string, password: string | undefined): Uint8Array {
  if (!phrase.startsWith("0x")) return miniSecretFromMnemonic(phrase, password ?? "");
  // A hex seed ignores the password, as in sp_core.
  let seed: Uint8Array;
  try {
    seed = fromHex(phrase);
  } catch {
    throw new KeyUriError("the 0x seed is not hex");
  }
  if (seed.length !== 32) throw new KeyUriError("the 0x seed must be 32 bytes", { length: seed.length });
  return seed;
}

function deriveHardOnly(
  scheme: "ed25519" | "ecdsa",
  seed: Uint8Array,
  junctions: readonly DeriveJunction[],
  deriveHard: (seed: Uint8Array, chainCode: Uint8Array) => Uint8Array,
): Uint8Array {
  let current = seed;
  for (const junction of junctions) {
    if (!junction.hard) throw new KeyDerivationError(scheme);
    current = deriveHard(current, junction.chainCode);
  }
  return current;
}

/**
 * A keypair from a Substrate secret URI (what `subkey inspect` accepts): a BIP39 phrase or a 0x-hex
 * 32-byte seed (the dev phrase when omitted), then `//hard` and `/soft` junctions, then `///password`.
 * Soft junctions exist only for sr25519. Bad URIs throw `KeyUriError` ("KEY_URI_INVALID").
 */
export function keypairFromUri<T extends KeypairType = "sr25519">(
  uri: string,
  type?: T,
  options?: KeypairFromUriOptions,
): KeypairOf<T>;
export function keypairFromUri(
  uri: string,
  type: KeypairType = "sr25519",
  options: KeypairFromUriOptions = {},
): Keypair {
  if (!isKeypairType(type)) throw new UnknownKeyTypeError(type);
  const { phrase, junctions, password } = parseSecretUri(uri);
  const seed = rootSeed(phrase, options.password ?? password);
  switch (type) {
    case "sr25519": {
      let keypair = sr25519FromSeed(seed);
      for (const junction of junctions) {
        keypair = junction.hard ? keypair.deriveHard(junction.chainCode) : keypair.deriveSoft(junction.chainCode);
      }
      return keypair;
    }
    case "ed25519":
      return ed25519Keypair(deriveHardOnly("ed25519", seed, junctions, ed25519DeriveHardSeed));
    case "ecdsa": {
      const derived = deriveHardOnly("ecdsa", seed, junctions, ecdsaDeriveHardSeed);
      try {
        return ecdsaFromSeed(derived);
      } catch (cause) {
        if (cause instanceof InvalidKeyMaterialError) throw new KeyUriError("the seed is not a valid ecdsa secret key");
        throw cause;
      }
    }
  }
}
