import { type Ed25519AccountKeypair, keypairFromUri } from "@phala-ts/core";

/**
 * The secret URI of the well-known simulated quoting key (Ed25519, from the dev phrase). Anyone
 * can sign with it: a simulated quote proves nothing outside development networks.
 */
export const SIM_QUOTING_KEY_URI = "//PhalaSimQuotingEnclave";

let keypair: Ed25519AccountKeypair | undefined;

/** The simulated quoting key; derived once (the dev phrase goes through PBKDF2). */
export function simQuotingKeypair(): Ed25519AccountKeypair {
  keypair ??= keypairFromUri(SIM_QUOTING_KEY_URI, "ed25519");
  return keypair;
}

/** The public key a verifier trusts when it accepts simulated quotes at all. */
export function simQuotingPublicKey(): Uint8Array {
  return simQuotingKeypair().publicKey.slice();
}
