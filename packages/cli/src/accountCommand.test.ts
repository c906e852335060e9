import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { accountFromMnemonic, devAccount } from "@phala-ts/sdk";
import { describe, expect, it } from "vitest";
import { cliHarness } from "./cliHarness.test-util.js";

describe("phala account new / list / show", () => {
  const cli = cliHarness((dir) => ({ PHALA_HOME: dir }));
  const phala = cli.phala;

  it("creates an account from a fresh mnemonic in a 0600 key file, and shows it without its secret", async () => {
    const { dir: home, output } = cli;
    expect(await phala("account", "new", "ops", "--json")).toBe(0);
    const created = JSON.parse(output.out) as Record<string, string>;
    const keyFile = join(home, "accounts", "ops.json");
    expect(created).toMatchObject({ name: "ops", type: "sr25519", keyFile, warning: expect.stringContaining("once") });
    expect(created["mnemonic"]!.split(" ")).toHaveLength(12);
    expect(accountFromMnemonic(created["mnemonic"]!).address).toBe(created["address"]);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, "accounts"))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(keyFile, "utf8"))).toMatchObject({
      version: 1,
      type: "sr25519",
      address: created["address"],
    });

    expect(await phala("account", "show", "ops")).toBe(0);
    expect(output.out).toContain(`address:                ${created["address"]}`);
    expect(output.out).toContain("type:                   sr25519");
    expect(output.out).toContain(`key file:               ${keyFile}`);
    // No two consecutive words of the mnemonic (a single word, such as "type", may be a label).
    const words = created["mnemonic"]!.split(" ");
    for (let i = 1; i < words.length; i++) expect(output.out).not.toContain(`${words[i - 1]} ${words[i]}`);
    expect(await phala("account", "show", "ops", "--json")).toBe(0);
    expect(JSON.parse(output.out)).toEqual({
      source: "keystore",
      name: "ops",
      keyFile,
      type: "sr25519",
      address: created["address"],
      accountId: created["publicKey"],
      publicKey: created["publicKey"],
    });
  });

  it("prints the mnemonic once with a warning; ed25519 on request; never overwrites", async () => {
    const { dir: home, output } = cli;
    expect(await phala("account", "new", "edkey", "--type", "ed25519")).toBe(0);
    const lines = output.out.split("\n");
    expect(lines[0]).toBe("created account edkey (ed25519)");
    const mnemonic = lines.at(lines.findIndex((line) => line.startsWith("mnemonic (")) + 1)!.trim();
    expect(accountFromMnemonic(mnemonic, "ed25519").address).toBe(lines[1]!.split(/\s+/)[1]);
    expect(output.out).toMatch(/anyone who has it has the account/);
    const before = await readFile(join(home, "accounts", "edkey.json"), "utf8");

    expect(await phala("account", "new", "edkey", "--json")).toBe(2);
    expect(JSON.parse(output.out)).toMatchObject({ error: { code: "KEY_FILE_EXISTS" } });
    expect(output.err).toMatch(/^error: .*edkey\.json exists: refusing to overwrite a key file \(KEY_FILE_EXISTS\)\n$/);
    expect(await readFile(join(home, "accounts", "edkey.json"), "utf8")).toBe(before);
    expect(await phala("account", "new", "Bad_Name")).toBe(2);
    expect(output.err).toContain("must be lowercase letters, digits and dashes");
  });

  it("lists the keystore and the dev accounts", async () => {
    const { dir: home, output } = cli;
    expect(await phala("account", "list", "--json")).toBe(0);
    const empty = JSON.parse(output.out) as { accounts: unknown[]; devAccounts: { uri: string; address: string }[] };
    expect(empty.accounts).toEqual([]);
    expect(empty.devAccounts[0]).toEqual({ uri: "//Alice", address: devAccount("Alice").address });
    expect(empty.devAccounts).toHaveLength(6);

    await phala("account", "new", "zed");
    await phala("account", "new", "abe", "--type", "ed25519");
    expect(await phala("account", "list")).toBe(0);
    const lines = output.out.split("\n");
    expect(lines[0]).toBe(`keystore:               ${join(home, "accounts")}`);
    expect(lines[1]).toBe("accounts:               2");
    // Prefix-30 SS58 addresses start with 3 or 4, by the key.
    expect(lines[2]).toMatch(/^ {2}abe {2}ed25519 {2}[34]\w{47}$/);
    expect(lines[3]).toMatch(/^ {2}zed {2}sr25519 {2}[34]\w{47}$/);
    expect(lines[4]).toBe("dev accounts (their secrets are public: dev chains only):");
    expect(lines[5]).toBe(`  //Alice    ${devAccount("Alice").address}`);
  });

  it("shows addresses and dev accounts; an unknown account exits 2 with a JSON error", async () => {
    const { output } = cli;
    const bob = devAccount("Bob");
    expect(await phala("account", "show", bob.address, "--json")).toBe(0);
    expect(JSON.parse(output.out)).toMatchObject({
      source: "address",
      type: null,
      publicKey: null,
      address: bob.address,
    });
    expect(await phala("account", "show", "//Bob")).toBe(0);
    expect(output.out).toContain("source:                 dev account (its secret is public)");
    expect(await phala("account", "show", "nobody", "--json")).toBe(2);
    expect(JSON.parse(output.out)).toMatchObject({
      error: { code: "CLI_UNKNOWN_ACCOUNT", details: { arg: "nobody" } },
    });
    expect(output.err).toMatch(/^error: "nobody" is not an account: .* \(CLI_UNKNOWN_ACCOUNT\)\n$/);
  });
});
