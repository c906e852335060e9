import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SUBSTRATE_SS58_PREFIX, ss58Encode, toHex } from "@phala-ts/core";
import { createAccount, devAccount, saveKeyFile } from "@phala-ts/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { asyncErrorCodeOf, errorCodeOf } from "../../core/src/testing/errorCode.test-util.js";
import { listKeystore, resolveAccount, resolveSigner } from "./accountArg.js";
import { keystoreDir, keystorePath, phalaHome } from "./keystore.js";

const alice = devAccount("Alice");

describe("account arguments", () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), "phala-accounts-"));
    env = { PHALA_HOME: home };
    await mkdir(keystoreDir(env), { recursive: true });
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it("keeps the keystore in $PHALA_HOME/accounts, else ~/.phala/accounts", () => {
    expect(keystoreDir(env)).toBe(join(home, "accounts"));
    expect(keystorePath("ops", env)).toBe(join(home, "accounts", "ops.json"));
    expect(phalaHome({})).toMatch(/\.phala$/);
    expect(phalaHome({ PHALA_HOME: " " })).toBe(phalaHome({}));
    expect(errorCodeOf(() => keystorePath("../etc/passwd", env))).toBe("CLI_UNKNOWN_ACCOUNT");
    expect(errorCodeOf(() => keystorePath("Ops", env))).toBe("CLI_UNKNOWN_ACCOUNT");
  });

  it("reads dev and secret URIs as signers", async () => {
    const dev = await resolveAccount("//Alice", env);
    expect(dev).toMatchObject({ source: "dev", address: alice.address, accountId: toHex(alice.accountId) });
    expect(dev.signer?.publicKey).toEqual(alice.publicKey);
    const derived = await resolveSigner("//Ops//0", env);
    expect(derived.source).toBe("uri");
    expect(derived.address).not.toBe(alice.address);
    expect(await asyncErrorCodeOf(() => resolveAccount("//", env))).toBe("ACCOUNT_INVALID");
  });

  it("reads SS58 addresses of any prefix and 0x account ids as addresses, written with prefix 30", async () => {
    const generic = ss58Encode(alice.accountId, SUBSTRATE_SS58_PREFIX);
    for (const arg of [
      alice.address,
      generic,
      toHex(alice.accountId),
      toHex(alice.accountId).toUpperCase().replace("0X", "0x"),
    ]) {
      expect(await resolveAccount(arg, env), arg).toEqual({
        source: "address",
        address: alice.address,
        accountId: toHex(alice.accountId),
        signer: undefined,
      });
    }
    const refused = resolveSigner(alice.address, env);
    await expect(refused).rejects.toThrow(/is an address: it cannot sign/);
    expect(await asyncErrorCodeOf(() => refused)).toBe("CLI_UNKNOWN_ACCOUNT");
  });

  it("reads keystore names and key files (JSON or a plain-text URI) as signers, after checking their mode", async () => {
    const made = createAccount("ed25519");
    await saveKeyFile(keystorePath("ops", env), made.secret);
    const named = await resolveSigner("ops", env);
    expect(named).toMatchObject({ source: "keystore", name: "ops", keyFile: keystorePath("ops", env) });
    expect(named.address).toBe(made.account.address);
    expect(named.signer.type).toBe("ed25519");

    const byPath = await resolveSigner(keystorePath("ops", env), env);
    expect(byPath).toMatchObject({ source: "keyFile", address: made.account.address });

    const plain = join(home, "operator.key");
    await writeFile(plain, "//Bob\n", { mode: 0o600 });
    expect((await resolveSigner(plain, env)).address).toBe(devAccount("Bob").address);
    await chmod(plain, 0o644);
    expect(await asyncErrorCodeOf(() => resolveSigner(plain, env))).toBe("KEY_FILE_INSECURE");
  });

  it("names what it knows when an account is unknown", async () => {
    await saveKeyFile(keystorePath("ops", env), createAccount().secret);
    const unknown = resolveAccount("nobody", env);
    await expect(unknown).rejects.toThrow(
      `"nobody" is not an account: not a //URI, an address, a name in ${keystoreDir(env)} (ops) nor a key file`,
    );
    expect(await asyncErrorCodeOf(() => resolveAccount("./missing.json", env))).toBe("CLI_UNKNOWN_ACCOUNT");
    await expect(resolveAccount("nobody", { PHALA_HOME: join(home, "none") })).rejects.toThrow(/\(empty\)/);
  });

  it("lists the keystore by name, with why a file does not load", async () => {
    const first = createAccount();
    await saveKeyFile(keystorePath("zed", env), first.secret);
    await saveKeyFile(keystorePath("abe", env), createAccount("ed25519").secret);
    await writeFile(keystorePath("broken", env), "{ not json", { mode: 0o600 });
    await writeFile(join(keystoreDir(env), "notes.txt"), "not a key");
    const entries = await listKeystore(env);
    expect(entries.map((entry) => entry.name)).toEqual(["abe", "broken", "zed"]);
    expect(entries[0]?.account?.type).toBe("ed25519");
    expect(entries[1]).toMatchObject({ account: undefined, problem: expect.stringContaining("KEY_FILE_INVALID") });
    expect(entries[2]?.account?.address).toBe(first.account.address);
    expect(await listKeystore({ PHALA_HOME: join(home, "none") })).toEqual([]);
  });
});
