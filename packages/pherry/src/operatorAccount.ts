import { readFileSync } from "node:fs";
import { type Keypair, keypairFromUri } from "@phala-ts/core";
import { PherryError } from "./pherryError.js";

export interface OperatorAccountSource {
  /** A secret URI (`//Alice`, a mnemonic with derivation path, `0x…` seed). */
  readonly secretUri?: string | undefined;
  /** A file holding the secret URI on its first line (mode 0600 recommended). */
  readonly keyFile?: string | undefined;
  readonly scheme?: "sr25519" | "ed25519";
}

/** The account pherry signs extrinsics with; it pays their fees. */
export function loadOperatorAccount(source: OperatorAccountSource): Keypair {
  const { secretUri, keyFile, scheme = "sr25519" } = source;
  if ((secretUri === undefined) === (keyFile === undefined)) {
    throw new PherryError("PHERRY_BAD_OPERATOR_KEY", "give exactly one of a secret URI or a key file");
  }
  let uri = secretUri;
  if (keyFile !== undefined) {
    try {
      uri = readFileSync(keyFile, "utf8").split(/\r?\n/, 1)[0]?.trim();
    } catch (cause) {
      throw new PherryError("PHERRY_BAD_OPERATOR_KEY", `cannot read the key file ${keyFile}`, { keyFile }, { cause });
    }
  }
  // keypairFromUri("") is the development phrase's root key, whose secret is public: never sign with it by accident.
  if (uri === undefined || uri.trim() === "") {
    throw new PherryError(
      "PHERRY_BAD_OPERATOR_KEY",
      keyFile === undefined ? "the secret URI is empty" : `the first line of the key file ${keyFile} is empty`,
      keyFile === undefined ? {} : { keyFile },
    );
  }
  try {
    return keypairFromUri(uri, scheme);
  } catch (cause) {
    // The URI itself is a secret: never echo it.
    throw new PherryError(
      "PHERRY_BAD_OPERATOR_KEY",
      "the operator key is not a valid secret URI",
      { scheme },
      { cause },
    );
  }
}
