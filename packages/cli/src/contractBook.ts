import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CliError } from "./cliError.js";

/**
 * The contract address book: names for contract ids, so that `phala contract query private-token …`
 * works. `phala devnet` writes the examples it deploys into `<data dir>/contracts.json`, and
 * `phala contract deploy --name` adds to it. A file of this shape:
 *
 *   { "version": 1, "contracts": { "<name>": { "id": "0x…", "cluster": "0x…", "codeHash": "0x…",
 *     "deployer": "<SS58>", "salt": "0x…" } } }
 */
export interface ContractBookEntry {
  readonly id: string;
  readonly cluster: string;
  readonly codeHash: string;
  readonly deployer: string;
  readonly salt: string;
}

export interface ContractBook {
  readonly version: 1;
  readonly contracts: Readonly<Record<string, ContractBookEntry>>;
}

export const CONTRACT_BOOK_ENV = "PHALA_CONTRACTS";
/** The devnet's book, relative to where `npm run devnet` ran. */
export const DEVNET_CONTRACT_BOOK = join(".devnet", "contracts.json");

const CONTRACT_ID = /^0x[0-9a-fA-F]{64}$/;
const NAME = /^[a-z][a-z0-9-]{0,63}$/;

/** The book to use: `--book`, else $PHALA_CONTRACTS, else the devnet's in the working directory. */
export function contractBookPath(flag?: string): string {
  return flag ?? process.env[CONTRACT_BOOK_ENV] ?? DEVNET_CONTRACT_BOOK;
}

const isEntry = (value: unknown): value is ContractBookEntry =>
  typeof value === "object" &&
  value !== null &&
  ["id", "cluster", "codeHash", "deployer", "salt"].every(
    (key) => typeof (value as Record<string, unknown>)[key] === "string",
  ) &&
  CONTRACT_ID.test((value as ContractBookEntry).id);

/** The book at `path`; an empty one when there is no file. */
export async function readContractBook(path: string): Promise<ContractBook> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, contracts: {} };
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError("CLI_BAD_CONTRACT_BOOK", `${path} is not JSON`, { path });
  }
  const contracts = (parsed as { contracts?: unknown } | null)?.contracts;
  if ((parsed as { version?: unknown }).version !== 1 || typeof contracts !== "object" || contracts === null) {
    throw new CliError("CLI_BAD_CONTRACT_BOOK", `${path} is not a version 1 contract book`, { path });
  }
  for (const [name, entry] of Object.entries(contracts)) {
    if (!NAME.test(name) || !isEntry(entry))
      throw new CliError("CLI_BAD_CONTRACT_BOOK", `${path}: the entry "${name}" is malformed`, { path, name });
  }
  return { version: 1, contracts: contracts as Record<string, ContractBookEntry> };
}

/**
 * Adds `name` to the book at `path` (written whole to a temporary file, then renamed over it). A
 * name already bound to another contract is refused unless `replace`.
 */
export async function recordContract(
  path: string,
  name: string,
  entry: ContractBookEntry,
  options: { replace?: boolean } = {},
): Promise<void> {
  if (!NAME.test(name))
    throw new CliError("CLI_UNKNOWN_CONTRACT", `"${name}" is not a contract name: lowercase letters, digits, dashes`, {
      name,
    });
  const book = await readContractBook(path);
  const known = book.contracts[name];
  if (known !== undefined && known.id !== entry.id && options.replace !== true)
    throw new CliError("CLI_CONTRACT_NAME_TAKEN", `"${name}" already names ${known.id} in ${path}`, {
      name,
      path,
      id: known.id,
    });
  const next: ContractBook = { version: 1, contracts: { ...book.contracts, [name]: entry } };
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(next, null, 2)}\n`);
  await rename(temporary, path);
}

/** A contract id (0x + 64 hex digits) as given, or the id a name has in the book at `path`. */
export async function resolveContract(ref: string, path: string): Promise<string> {
  if (CONTRACT_ID.test(ref)) return ref.toLowerCase();
  const book = existsSync(path) ? await readContractBook(path) : { version: 1 as const, contracts: {} };
  const entry = book.contracts[ref];
  if (entry !== undefined) return entry.id;
  const names = Object.keys(book.contracts);
  throw new CliError(
    "CLI_UNKNOWN_CONTRACT",
    names.length === 0
      ? `"${ref}" is neither a contract id (0x + 64 hex digits) nor a name in ${path} (no such book)`
      : `"${ref}" is neither a contract id nor a name in ${path} (known: ${names.join(", ")})`,
    { ref, path, known: names },
  );
}
