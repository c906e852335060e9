import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { DEV_ACCOUNT_NAMES, ss58Decode, toHex } from "@phala-ts/core";
import { type Account, accountFromUri, accountIdOf, isSdkError, loadKeyFile, toAddress } from "@phala-ts/sdk";
import { CliError } from "./cliError.js";
import { ACCOUNT_NAME, keystoreDir, keystorePath } from "./keystore.js";

/**
 * Accounts on the command line: a dev or secret URI (`//Alice`), a keystore name (a key file in
 * `$PHALA_HOME/accounts`), or a key file path; where an account is only read or paid, also an SS58
 * address or a 0x-hex AccountId32. Secrets never appear in what this module prints or throws.
 */
export type AccountSource = "dev" | "uri" | "keystore" | "keyFile" | "address";

/** An account argument, resolved: always its address; its signing key when the argument holds a secret. */
export interface ResolvedAccount {
  readonly source: AccountSource;
  /** SS58 with Phala's prefix (30). */
  readonly address: string;
  /** 0x-hex AccountId32. */
  readonly accountId: string;
  readonly signer: Account | undefined;
  /** The keystore name, for `keystore`. */
  readonly name?: string;
  /** The key file, for `keystore` and `keyFile`. */
  readonly keyFile?: string;
}

export type SigningAccount = ResolvedAccount & { readonly signer: Account };

const HEX_ACCOUNT = /^0x[0-9a-fA-F]{64}$/;
const DEV_URIS = new Set(DEV_ACCOUNT_NAMES.map((name) => `//${name}`));

const ofSigner = (source: AccountSource, signer: Account, extra: Partial<ResolvedAccount> = {}): ResolvedAccount => ({
  source,
  address: signer.address,
  accountId: toHex(signer.accountId),
  signer,
  ...extra,
});

const ofAddress = (accountId: Uint8Array): ResolvedAccount => ({
  source: "address",
  address: toAddress(accountId),
  accountId: toHex(accountId),
  signer: undefined,
});

function ss58AccountId(text: string): Uint8Array | undefined {
  try {
    return ss58Decode(text).publicKey;
  } catch {
    return undefined;
  }
}

/** Keystore names, sorted; none when there is no keystore yet. */
export async function keystoreNames(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  let files: string[];
  try {
    files = await readdir(keystoreDir(env));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return files
    .filter((file) => file.endsWith(".json") && ACCOUNT_NAME.test(file.slice(0, -5)))
    .map((file) => file.slice(0, -5))
    .sort();
}

async function unknownAccount(arg: string, env: NodeJS.ProcessEnv): Promise<CliError> {
  const names = await keystoreNames(env);
  return new CliError(
    "CLI_UNKNOWN_ACCOUNT",
    `"${arg}" is not an account: not a //URI, an address, a name in ${keystoreDir(env)}${
      names.length === 0 ? " (empty)" : ` (${names.join(", ")})`
    } nor a key file`,
    { arg, keystore: keystoreDir(env), known: names },
  );
}

/**
 * The account `arg` names, in this order: a URI (`//…`), a 0x-hex AccountId32, an SS58 address (any
 * prefix), a keystore name, a key file. Unknown: `CLI_UNKNOWN_ACCOUNT`; a key file that does not
 * load: the SDK's `KEY_FILE_*`; a URI that gives no key: `ACCOUNT_INVALID`.
 */
export async function resolveAccount(arg: string, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedAccount> {
  const text = arg.trim();
  if (text.startsWith("//")) return ofSigner(DEV_URIS.has(text) ? "dev" : "uri", accountFromUri(text));
  if (HEX_ACCOUNT.test(text)) return ofAddress(accountIdOf(text.toLowerCase()));
  const ss58 = ss58AccountId(text);
  if (ss58 !== undefined) return ofAddress(ss58);
  if (ACCOUNT_NAME.test(text)) {
    const keyFile = keystorePath(text, env);
    if (existsSync(keyFile)) return ofSigner("keystore", await loadKeyFile(keyFile), { name: text, keyFile });
  }
  if (text !== "" && existsSync(text)) return ofSigner("keyFile", await loadKeyFile(text), { keyFile: text });
  throw await unknownAccount(arg, env);
}

/** As `resolveAccount`, for an account that must sign: an address alone is refused. */
export async function resolveSigner(arg: string, env: NodeJS.ProcessEnv = process.env): Promise<SigningAccount> {
  const resolved = await resolveAccount(arg, env);
  if (resolved.signer === undefined)
    throw new CliError(
      "CLI_UNKNOWN_ACCOUNT",
      `${arg} is an address: it cannot sign; give a //URI, a keystore name or a key file`,
      { arg, address: resolved.address },
    );
  return resolved as SigningAccount;
}

export interface KeystoreEntry {
  readonly name: string;
  readonly keyFile: string;
  /** Undefined when the file does not load (`problem` says why). */
  readonly account: Account | undefined;
  readonly problem?: string;
}

/** Every key file in the keystore, loaded (a file that does not load is listed with its problem). */
export async function listKeystore(env: NodeJS.ProcessEnv = process.env): Promise<KeystoreEntry[]> {
  return Promise.all(
    (await keystoreNames(env)).map(async (name) => {
      const keyFile = keystorePath(name, env);
      try {
        return { name, keyFile, account: await loadKeyFile(keyFile) };
      } catch (error) {
        if (!isSdkError(error)) throw error;
        return { name, keyFile, account: undefined, problem: `${error.message} (${error.code})` };
      }
    }),
  );
}
