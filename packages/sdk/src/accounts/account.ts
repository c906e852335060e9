import {
  devAccount as coreDevAccount,
  type DevAccountName,
  fromHex,
  isKeypairType,
  type Keypair,
  type KeypairType,
  keypairFromSeed,
  keypairFromUri,
  toHex,
} from "@phala-ts/core";
import { generateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { SdkError } from "../sdkError.js";
import { DEFAULT_SS58_PREFIX, toAddress } from "./address.js";

/** A signing key and the account it signs for, with its SS58 address (Phala's prefix). */
export interface Account extends Keypair {
  readonly address: string;
}

/**
 * What a key file holds: a secret URI (a mnemonic, `//Alice`, `<mnemonic>//path///password`,
 * `0x<seed>`) or a 32-byte seed, and the key type. Never log it.
 */
export type AccountSecret =
  | { readonly type: KeypairType; readonly secretUri: string }
  | { readonly type: KeypairType; readonly seed: Uint8Array | string };

/** Wraps a core keypair: the account's address in Phala's SS58 format. */
export function accountOf(keypair: Keypair, prefix: number = DEFAULT_SS58_PREFIX): Account {
  return {
    type: keypair.type,
    publicKey: keypair.publicKey,
    accountId: keypair.accountId,
    address: toAddress(keypair.accountId, prefix),
    sign: (message) => keypair.sign(message),
  };
}

function checkType(type: KeypairType): void {
  if (!isKeypairType(type)) {
    throw new SdkError("ACCOUNT_INVALID", `unknown key type ${String(type)}: sr25519, ed25519 or ecdsa`, {
      type: String(type),
    });
  }
}

/** One of Substrate's development accounts (`//Alice` … `//Ferdie`), sr25519 unless told otherwise. Their secrets are public. */
export function devAccount(name: DevAccountName, type: KeypairType = "sr25519"): Account {
  checkType(type);
  return accountOf(coreDevAccount(name, type));
}

/**
 * The account of a secret URI: `//Alice`, a BIP39 mnemonic, `<mnemonic>//hard/soft///password`,
 * `0x<32-byte seed>`. An empty URI is refused (it would be the development phrase's root key,
 * whose secret is public). Throws `ACCOUNT_INVALID`, never echoing the URI.
 */
export function accountFromUri(uri: string, type: KeypairType = "sr25519"): Account {
  checkType(type);
  if (typeof uri !== "string" || uri.trim() === "") {
    throw new SdkError("ACCOUNT_INVALID", "the secret URI is empty", { type });
  }
  try {
    return accountOf(keypairFromUri(uri.trim(), type));
  } catch (cause) {
    throw new SdkError("ACCOUNT_INVALID", "not a valid secret URI for this key type", { type }, { cause });
  }
}

/** The account of a BIP39 mnemonic (Substrate's derivation), optionally with a derivation path such as `//0`. */
export function accountFromMnemonic(phrase: string, type: KeypairType = "sr25519", path = ""): Account {
  if (typeof phrase !== "string" || phrase.trim().split(/\s+/).length < 12) {
    throw new SdkError("ACCOUNT_INVALID", "a mnemonic has at least 12 words", { type });
  }
  if (path !== "" && !path.startsWith("/")) {
    throw new SdkError("ACCOUNT_INVALID", "a derivation path starts with / or //", { type });
  }
  return accountFromUri(`${phrase.trim().split(/\s+/).join(" ")}${path}`, type);
}

/** The account of a 32-byte seed (an ed25519 seed, an sr25519 mini-secret, a secp256k1 secret key). */
export function accountFromSeed(seed: Uint8Array | string, type: KeypairType = "sr25519"): Account {
  checkType(type);
  let bytes: Uint8Array;
  try {
    bytes = typeof seed === "string" ? fromHex(seed) : seed;
  } catch (cause) {
    throw new SdkError("ACCOUNT_INVALID", "the seed is not 0x-hex", { type }, { cause });
  }
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
    throw new SdkError("ACCOUNT_INVALID", "a seed is 32 bytes", { type });
  }
  try {
    return accountOf(keypairFromSeed(type, bytes));
  } catch (cause) {
    throw new SdkError("ACCOUNT_INVALID", "not a valid seed for this key type", { type }, { cause });
  }
}

export function accountFromSecret(secret: AccountSecret): Account {
  return "secretUri" in secret
    ? accountFromUri(secret.secretUri, secret.type)
    : accountFromSeed(secret.seed, secret.type);
}

/** The hex form of a secret's seed, for key files. */
export function seedHex(seed: Uint8Array | string): string {
  return typeof seed === "string" ? seed : toHex(seed);
}

export interface NewAccount {
  readonly account: Account;
  /** Write it down: it is the account. */
  readonly mnemonic: string;
  readonly secret: AccountSecret;
}

/** A fresh account from a new 12-word (or 24-word) mnemonic. */
export function createAccount(type: KeypairType = "sr25519", words: 12 | 24 = 12): NewAccount {
  checkType(type);
  const mnemonic = generateMnemonic(wordlist, words === 24 ? 256 : 128);
  return { account: accountFromUri(mnemonic, type), mnemonic, secret: { type, secretUri: mnemonic } };
}
