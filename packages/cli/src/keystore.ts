import { homedir } from "node:os";
import { join } from "node:path";
import { InvalidArgumentError } from "commander";
import { CliError } from "./cliError.js";

/** Where `phala account new` keeps key files: `$PHALA_HOME/accounts/<name>.json`. */
export const HOME_ENV = "PHALA_HOME";

/** Keystore names (and contract names in the book): never read as an address, a URI or a path. */
export const ACCOUNT_NAME = /^[a-z][a-z0-9-]{0,63}$/;
const NAME_RULE = "lowercase letters, digits and dashes, starting with a letter";

/** $PHALA_HOME, else `~/.phala`. */
export function phalaHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[HOME_ENV]?.trim();
  return fromEnv === undefined || fromEnv === "" ? join(homedir(), ".phala") : fromEnv;
}

export function keystoreDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(phalaHome(env), "accounts");
}

export function keystorePath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!ACCOUNT_NAME.test(name))
    throw new CliError("CLI_UNKNOWN_ACCOUNT", `"${name}" is not an account name: ${NAME_RULE}`, { name });
  return join(keystoreDir(env), `${name}.json`);
}

/** Commander parser for a local name: a new account's, a contract's in the address book. */
export const localName = (value: string): string => {
  if (!ACCOUNT_NAME.test(value)) throw new InvalidArgumentError(`must be ${NAME_RULE}`);
  return value;
};
