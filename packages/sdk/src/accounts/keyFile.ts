import { constants } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import { isKeypairType, type KeypairType } from "@phala-ts/core";
import { SdkError } from "../sdkError.js";
import { type Account, type AccountSecret, accountFromSecret, seedHex } from "./account.js";
import { sameAccount } from "./address.js";

/** The JSON of a key file. `secretUri` or `seed` is the secret; `address` lets a reader check it. */
export interface KeyFileJson {
  readonly version: 1;
  readonly type: KeypairType;
  /** SS58, Phala's prefix. */
  readonly address: string;
  readonly secretUri?: string;
  /** 0x-hex, 32 bytes. */
  readonly seed?: string;
}

export interface LoadKeyFileOptions {
  /** The key type of a plain-text key file (a secret URI on its first line, as pherry's `--operator-key-file`). Default sr25519. */
  readonly type?: KeypairType;
  /** Accept a file that other users can read (default: refuse, as ssh does). */
  readonly allowInsecure?: boolean;
}

const POSIX = process.platform !== "win32";

/**
 * Writes an account's secret to a new key file, readable by its owner only (mode 0600), and
 * returns the account. Refuses to replace an existing file (`KEY_FILE_EXISTS`): a key file is
 * the account, and overwriting one loses it.
 */
export async function saveKeyFile(path: string, secret: AccountSecret): Promise<Account> {
  const account = accountFromSecret(secret);
  const json: KeyFileJson = {
    version: 1,
    type: secret.type,
    address: account.address,
    ...("secretUri" in secret ? { secretUri: secret.secretUri } : { seed: seedHex(secret.seed) }),
  };
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "EEXIST") {
      throw new SdkError("KEY_FILE_EXISTS", `${path} exists: refusing to overwrite a key file`, { path });
    }
    throw new SdkError("KEY_FILE_UNREADABLE", `cannot create the key file ${path}`, { path }, { cause });
  }
  try {
    await handle.writeFile(`${JSON.stringify(json, null, 2)}\n`);
    await handle.sync();
  } catch (cause) {
    throw new SdkError("KEY_FILE_UNREADABLE", `cannot write the key file ${path}`, { path }, { cause });
  } finally {
    await handle.close();
  }
  return account;
}

function invalid(path: string, message: string): SdkError {
  return new SdkError("KEY_FILE_INVALID", `${path}: ${message}`, { path });
}

function secretOf(
  path: string,
  text: string,
  options: LoadKeyFileOptions,
): { secret: AccountSecret; address?: string } {
  if (!text.trimStart().startsWith("{")) {
    const uri = text.split(/\r?\n/, 1)[0]?.trim() ?? "";
    if (uri === "") throw invalid(path, "the first line is empty");
    return { secret: { type: options.type ?? "sr25519", secretUri: uri } };
  }
  let json: Partial<KeyFileJson>;
  try {
    json = JSON.parse(text) as Partial<KeyFileJson>;
  } catch {
    throw invalid(path, "not JSON");
  }
  if (json.version !== 1) throw invalid(path, `unknown key file version ${String(json.version)}`);
  if (!isKeypairType(json.type)) throw invalid(path, "no valid key type");
  if (typeof json.address !== "string") throw invalid(path, "no address");
  const { type, address } = json;
  if (typeof json.secretUri === "string") return { secret: { type, secretUri: json.secretUri }, address };
  if (typeof json.seed === "string") return { secret: { type, seed: json.seed }, address };
  throw invalid(path, "neither a secret URI nor a seed");
}

/**
 * Reads a key file written by `saveKeyFile` (or a plain-text file with a secret URI on its first
 * line) and returns its account, after checking that its address is its secret's. Refuses a file
 * other users can read (`KEY_FILE_INSECURE`) unless `allowInsecure`.
 */
export async function loadKeyFile(path: string, options: LoadKeyFileOptions = {}): Promise<Account> {
  let text: string;
  try {
    if (POSIX && options.allowInsecure !== true) {
      const { mode } = await stat(path);
      if ((mode & 0o077) !== 0) {
        throw new SdkError(
          "KEY_FILE_INSECURE",
          `${path} can be read by other users (mode ${(mode & 0o777).toString(8)}): chmod 600 it`,
          { path, mode: (mode & 0o777).toString(8) },
        );
      }
    }
    text = await readFile(path, "utf8");
  } catch (cause) {
    if (cause instanceof SdkError) throw cause;
    throw new SdkError("KEY_FILE_UNREADABLE", `cannot read the key file ${path}`, { path }, { cause });
  }
  const { secret, address } = secretOf(path, text, options);
  let account: Account;
  try {
    account = accountFromSecret(secret);
  } catch (cause) {
    throw new SdkError("KEY_FILE_INVALID", `${path}: the secret does not give a key`, { path }, { cause });
  }
  if (address !== undefined) {
    let same = false;
    try {
      same = sameAccount(address, account);
    } catch {
      throw invalid(path, "the address is not an SS58 address");
    }
    if (!same) throw invalid(path, `the address ${address} is not the secret's (${account.address})`);
  }
  return account;
}
