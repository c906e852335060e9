import { type Ed25519Keypair, toHex } from "@phala-ts/core";

/** The response header carrying the identity key's Ed25519 signature over the exact body bytes. */
export const SIGNATURE_HEADER = "x-phala-signature";

/** A JSON body and its signature: clients check it against the worker's registered identity key. */
export function signedJson(identity: Ed25519Keypair, value: unknown): { body: Buffer; signature: string } {
  const body = Buffer.from(JSON.stringify(value));
  return { body, signature: toHex(identity.sign(body)) };
}
