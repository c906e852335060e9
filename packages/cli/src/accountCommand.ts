import { mkdir } from "node:fs/promises";
import { DEV_ACCOUNT_NAMES, type KeypairType, toHex } from "@phala-ts/core";
import { type Command, Option } from "commander";
import type { KeystoreEntry, ResolvedAccount } from "./accountArg.js";
import { field, item, listLines } from "./chainQuery.js";
import { ACCOUNT_FORMS, clientAction, helpText, jsonOption, printResult } from "./clientCommand.js";
import { keystoreDir, keystorePath, localName } from "./keystore.js";

interface NewFlags {
  type: KeypairType;
  json?: boolean;
}

interface JsonFlags {
  json?: boolean;
}

/** A freshly created account, as `account new` reports it. */
export interface NewAccountView {
  readonly name: string;
  readonly type: KeypairType;
  readonly address: string;
  readonly publicKey: string;
  readonly keyFile: string;
  readonly mnemonic: string;
}

export interface DevAccountView {
  readonly uri: string;
  readonly address: string;
}

const MNEMONIC_WARNING =
  "shown this once: anyone who has it has the account. Write it down and keep it offline; the key file holds it too";

export function newAccountJson(view: NewAccountView): Record<string, unknown> {
  return { ...view, warning: MNEMONIC_WARNING };
}

export function newAccountLines(view: NewAccountView): string[] {
  return [
    `created account ${view.name} (${view.type})`,
    field(0, "address", view.address),
    field(0, "public key", view.publicKey),
    field(0, "key file", `${view.keyFile} (mode 0600)`),
    "",
    `mnemonic (${MNEMONIC_WARNING}):`,
    item(1, view.mnemonic),
  ];
}

const entryJson = ({ name, keyFile, account, problem }: KeystoreEntry) => ({
  name,
  type: account?.type ?? null,
  address: account?.address ?? null,
  keyFile,
  ...(problem === undefined ? {} : { problem }),
});

export function accountListJson(
  keystore: string,
  entries: readonly KeystoreEntry[],
  dev: readonly DevAccountView[],
): Record<string, unknown> {
  return { keystore, accounts: entries.map(entryJson), devAccounts: dev };
}

export function accountListLines(
  keystore: string,
  entries: readonly KeystoreEntry[],
  dev: readonly DevAccountView[],
): string[] {
  const width = Math.max(0, ...entries.map((entry) => entry.name.length)) + 2;
  const devWidth = Math.max(0, ...dev.map(({ uri }) => uri.length)) + 2;
  return [
    field(0, "keystore", keystore),
    ...listLines(
      0,
      "accounts",
      entries.map(({ name, account, problem }) =>
        item(
          1,
          `${name.padEnd(width)}${account === undefined ? `unusable: ${problem}` : `${account.type.padEnd(9)}${account.address}`}`,
        ),
      ),
    ),
    "dev accounts (their secrets are public: dev chains only):",
    ...dev.map(({ uri, address }) => item(1, `${uri.padEnd(devWidth)}${address}`)),
  ];
}

const SOURCE: Record<ResolvedAccount["source"], string> = {
  dev: "dev account (its secret is public)",
  uri: "secret URI",
  keystore: "keystore",
  keyFile: "key file",
  address: "address (no key)",
};

export function accountShowJson(account: ResolvedAccount): Record<string, unknown> {
  return {
    source: account.source,
    name: account.name ?? null,
    keyFile: account.keyFile ?? null,
    type: account.signer?.type ?? null,
    address: account.address,
    accountId: account.accountId,
    publicKey: account.signer === undefined ? null : toHex(account.signer.publicKey),
  };
}

export function accountShowLines(account: ResolvedAccount): string[] {
  return [
    field(0, "address", account.address),
    field(0, "account id", account.accountId),
    field(
      0,
      "public key",
      account.signer === undefined ? "unknown (only the address was given)" : toHex(account.signer.publicKey),
    ),
    field(0, "type", account.signer?.type ?? "unknown"),
    field(0, "source", SOURCE[account.source]),
    ...(account.name === undefined ? [] : [field(0, "name", account.name)]),
    ...(account.keyFile === undefined ? [] : [field(0, "key file", account.keyFile)]),
  ];
}

export function addAccountCommand(program: Command): void {
  const account = program.command("account").description("create, list and show accounts (a local keystore)");
  account
    .command("new")
    .argument("<name>", "the account's name in the keystore", localName)
    .description("create an account from a fresh mnemonic and save it in the keystore (a 0600 key file)")
    .addOption(new Option("--type <type>", "the key type").choices(["sr25519", "ed25519", "ecdsa"]).default("sr25519"))
    .addOption(jsonOption())
    .addHelpText(
      "after",
      helpText({
        about: `Writes $PHALA_HOME/accounts/<name>.json (~/.phala/accounts by default), readable by you only, and
prints the new address and, this once, the 12-word mnemonic. An existing name is never overwritten.`,
        failure: "the keystore cannot be created, or another failure",
        examples: ["phala account new alice-ops", "phala account new backup --type ed25519 --json"],
      }),
    )
    .action(
      clientAction(async (name: string, flags: NewFlags) => {
        const { createAccount, saveKeyFile } = await import("@phala-ts/sdk");
        const keyFile = keystorePath(name);
        await mkdir(keystoreDir(), { recursive: true, mode: 0o700 });
        const created = createAccount(flags.type);
        await saveKeyFile(keyFile, created.secret);
        const view: NewAccountView = {
          name,
          type: flags.type,
          address: created.account.address,
          publicKey: toHex(created.account.publicKey),
          keyFile,
          mnemonic: created.mnemonic,
        };
        printResult(
          flags.json,
          () => newAccountJson(view),
          () => newAccountLines(view),
        );
      }),
    );
  account
    .command("list")
    .description("list the keystore's accounts (name, type, address) and the dev accounts")
    .addOption(jsonOption())
    .addHelpText(
      "after",
      helpText({
        about:
          "Reads $PHALA_HOME/accounts (~/.phala/accounts by default); a key file that does not load is listed with why.",
        failure: "the keystore cannot be read, or another failure",
        examples: ["phala account list", "PHALA_HOME=./.devnet phala account list --json"],
      }),
    )
    .action(
      clientAction(async (flags: JsonFlags) => {
        const [{ listKeystore }, { devAccount }] = await Promise.all([
          import("./accountArg.js"),
          import("@phala-ts/sdk"),
        ]);
        const entries = await listKeystore();
        const dev = DEV_ACCOUNT_NAMES.map((name) => ({ uri: `//${name}`, address: devAccount(name).address }));
        printResult(
          flags.json,
          () => accountListJson(keystoreDir(), entries, dev),
          () => accountListLines(keystoreDir(), entries, dev),
        );
      }),
    );
  account
    .command("show")
    .argument("<account>", "a //URI, keystore name, key file, SS58 address or 0x account id")
    .description("show an account's address (SS58, prefix 30), account id, public key and type; never its secret")
    .addOption(jsonOption())
    .addHelpText(
      "after",
      helpText({
        about: ACCOUNT_FORMS,
        failure: "something unexpected failed",
        examples: [
          "phala account show alice-ops",
          "phala account show //Bob --json",
          "phala account show ./operator.json",
        ],
      }),
    )
    .action(
      clientAction(async (arg: string, flags: JsonFlags) => {
        const { resolveAccount } = await import("./accountArg.js");
        const resolved = await resolveAccount(arg);
        printResult(
          flags.json,
          () => accountShowJson(resolved),
          () => accountShowLines(resolved),
        );
      }),
    );
}
