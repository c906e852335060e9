import { pbkdf2Sync } from "node:crypto";
import { mnemonicToEntropy } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { KeyUriError } from "./keyErrors.js";

/**
 * substrate-bip39 `mini_secret_from_entropy`: PBKDF2-HMAC-SHA512 over the BIP39 *entropy* (not the
 * phrase, unlike BIP39 seeds), salt "mnemonic" ++ password, 2048 rounds, first 32 bytes. This is
 * the seed of every scheme in Substrate (`Pair::from_phrase`).
 */
export function miniSecretFromMnemonic(phrase: string, password = ""): Uint8Array {
  let entropy: Uint8Array;
  try {
    // Rust's bip39 splits on any run of whitespace; @scure/bip39 on single spaces.
    entropy = mnemonicToEntropy(phrase.trim().split(/\s+/).join(" "), wordlist);
  } catch {
    throw new KeyUriError("not a valid English BIP39 mnemonic");
  }
  const seed = pbkdf2Sync(entropy, `mnemonic${password}`, 2048, 64, "sha512");
  const miniSecret = new Uint8Array(seed.subarray(0, 32));
  seed.fill(0);
  entropy.fill(0);
  return miniSecret;
}
