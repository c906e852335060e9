import { PhalaError } from "@phala-ts/core";
import type { PhalaClient } from "@phala-ts/sdk";
import { type Command, Option } from "commander";
import { CommandFailure } from "./commandFailure.js";
import { jsonText } from "./jsonOutput.js";
import { LOCAL_NODE_URL, NODE_ENV, nodeUrl } from "./options.js";

/**
 * What the client commands (account, balance, transfer, chain, worker, contract deploy|command|
 * query|list) share: `--node`, `--json`, the signing account's default, one failure report and
 * one set of exit codes.
 */
export const EXIT = { done: 0, failed: 1, usage: 2, refused: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The network said no in an answer rather than an error: a contract's failed command or refused
 * query, a transaction the chain took but whose outcome is a refusal. Exits 3.
 */
export class Refusal extends PhalaError<string> {
  override readonly name = "Refusal";
}

export interface ClientFlags {
  node: string;
  json?: boolean;
}

/** The account that signs unless `--from`/`--as` says otherwise: $PHALA_ACCOUNT, else the dev chain's Alice. */
export const ACCOUNT_ENV = "PHALA_ACCOUNT";
export const DEV_SIGNER = "//Alice";

export const nodeOption = (): Option =>
  new Option("--node <url>", "the node's RPC address (ws:// or http://)")
    .env(NODE_ENV)
    .default(LOCAL_NODE_URL)
    .argParser(nodeUrl);

export const jsonOption = (): Option =>
  new Option("--json", "print one JSON object (amounts in planck and u64 as decimal strings, bytes in 0x hex)");

/** `--from`/`--as`: a secret URI, a keystore name or a key file. */
export const signerOption = (flags: string, what: string): Option =>
  new Option(flags, `${what}: //Alice-style URI, keystore name or key file`).env(ACCOUNT_ENV).default(DEV_SIGNER);

export const ACCOUNT_FORMS = `Accounts are given as a dev or secret URI (//Alice), a name in the keystore
($PHALA_HOME/accounts, ~/.phala/accounts by default: see \`phala account\`) or a key file path;
accounts that only receive or are read may also be an SS58 address or a 0x-hex account id.`;

/** What exit code 1 means for commands that talk to a node. */
export const NODE_FAILURE = "the node cannot be reached or does not answer in time, or another failure";

export interface HelpText {
  /** What it does, beyond the one-line description. */
  readonly about?: string;
  /** When it exits 1. */
  readonly failure: string;
  /** When it exits 3; none when nobody can refuse it. */
  readonly refused?: string;
  /** Command lines without the `$ `. */
  readonly examples: readonly string[];
}

/** The text after a client command's options: what it does, its exit codes, examples. */
export function helpText({ about, failure, refused, examples }: HelpText): string {
  const codes = [
    "0  done",
    `1  ${failure}`,
    "2  bad usage or input (an unknown account or contract, bad JSON, a bad key file)",
    ...(refused === undefined ? [] : [`3  ${refused}`]),
  ];
  return [
    "",
    ...(about === undefined ? [] : [about, ""]),
    "Exit codes:",
    ...codes.map((code) => `  ${code}`),
    "",
    "Examples:",
    ...examples.map((example) => `  $ ${example}`),
  ].join("\n");
}

/** Writes the result: one JSON object with `--json`, else the human lines. */
export function printResult(json: boolean | undefined, value: () => unknown, lines: () => readonly string[]): void {
  process.stdout.write(json === true ? `${jsonText(value())}\n` : `${lines().join("\n")}\n`);
}

/**
 * A client command's action: a failure is reported once (`error: <message> (<CODE>)` on stderr,
 * and `{ "error": { code, message, details } }` on stdout with `--json`) and exits with its code.
 */
export function clientAction<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      if (error instanceof CommandFailure) throw error;
      const command = args.at(-1) as Command;
      const { reportFailure } = await import("./clientFailure.js");
      throw new CommandFailure(reportFailure(error, command.opts()["json"] === true));
    }
  };
}

/** Connects to the node, runs `use`, and closes the connection whatever happens. */
export async function withClient<T>(url: string, use: (client: PhalaClient) => Promise<T>): Promise<T> {
  const { connect } = await import("@phala-ts/sdk");
  const client = await connect(url);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}
