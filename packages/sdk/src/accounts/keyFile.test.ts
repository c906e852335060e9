import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { asyncErrorCodeOf } from "../../../core/src/testing/errorCode.test-util.js";
import { useTempDirs } from "../../../core/src/testing/tempDirs.test-util.js";
import { accountFromUri, createAccount, devAccount } from "./account.js";
import { loadKeyFile, saveKeyFile } from "./keyFile.js";

const tempDir = useTempDirs("phala-sdk-keys-");
const posix = process.platform !== "win32";

describe("key files", () => {
  it("saves a secret URI readable by its owner only and loads the same account", async () => {
    const path = join(tempDir(), "alice.json");
    const saved = await saveKeyFile(path, { type: "sr25519", secretUri: "//Alice" });
    expect(saved.address).toBe(devAccount("Alice").address);
    if (posix) expect(statSync(path).mode & 0o777).toBe(0o600);
    const json = JSON.parse(readFileSync(path, "utf8"));
    expect(json).toEqual({ version: 1, type: "sr25519", address: saved.address, secretUri: "//Alice" });
    const loaded = await loadKeyFile(path);
    expect(loaded.address).toBe(saved.address);
    expect(loaded.publicKey).toEqual(saved.publicKey);
  });

  it("saves seeds and mnemonics of every key type", async () => {
    const dir = tempDir();
    const seed = new Uint8Array(32).fill(9);
    const ed = await saveKeyFile(join(dir, "ed.json"), { type: "ed25519", seed });
    expect((await loadKeyFile(join(dir, "ed.json"))).accountId).toEqual(ed.accountId);
    const created = createAccount("ecdsa");
    await saveKeyFile(join(dir, "ecdsa.json"), created.secret);
    expect((await loadKeyFile(join(dir, "ecdsa.json"))).address).toBe(created.account.address);
  });

  it("refuses to overwrite a key file", async () => {
    const path = join(tempDir(), "key.json");
    await saveKeyFile(path, { type: "sr25519", secretUri: "//Alice" });
    expect(await asyncErrorCodeOf(() => saveKeyFile(path, { type: "sr25519", secretUri: "//Bob" }))).toBe(
      "KEY_FILE_EXISTS",
    );
    expect((await loadKeyFile(path)).address).toBe(devAccount("Alice").address);
  });

  it("refuses a file others can read, unless told", async () => {
    if (!posix) return;
    const path = join(tempDir(), "open.json");
    await saveKeyFile(path, { type: "sr25519", secretUri: "//Alice" });
    chmodSync(path, 0o644);
    expect(await asyncErrorCodeOf(() => loadKeyFile(path))).toBe("KEY_FILE_INSECURE");
    expect((await loadKeyFile(path, { allowInsecure: true })).address).toBe(devAccount("Alice").address);
  });

  it("refuses a file whose address is not its secret's, or that is not a key file", async () => {
    const dir = tempDir();
    const write = (name: string, content: string) => {
      const path = join(dir, name);
      writeFileSync(path, content, { mode: 0o600 });
      return path;
    };
    const bob = devAccount("Bob").address;
    const wrong = write(
      "wrong.json",
      JSON.stringify({ version: 1, type: "sr25519", address: bob, secretUri: "//Alice" }),
    );
    expect(await asyncErrorCodeOf(() => loadKeyFile(wrong))).toBe("KEY_FILE_INVALID");
    for (const [name, content] of [
      ["notjson.json", "{ nope"],
      ["version.json", JSON.stringify({ version: 2, type: "sr25519", address: bob, secretUri: "//Bob" })],
      ["type.json", JSON.stringify({ version: 1, type: "rsa", address: bob, secretUri: "//Bob" })],
      ["nosecret.json", JSON.stringify({ version: 1, type: "sr25519", address: bob })],
      ["badsecret.json", JSON.stringify({ version: 1, type: "sr25519", address: bob, secretUri: "x y z" })],
      ["empty.txt", "\n//Bob\n"],
    ] as const) {
      expect(await asyncErrorCodeOf(() => loadKeyFile(write(name, content))), name).toBe("KEY_FILE_INVALID");
    }
    expect(await asyncErrorCodeOf(() => loadKeyFile(join(dir, "missing.json")))).toBe("KEY_FILE_UNREADABLE");
  });

  it("reads pherry's plain-text key files: a secret URI on the first line", async () => {
    const path = join(tempDir(), "operator.key");
    writeFileSync(path, "//Bob\n", { mode: 0o600 });
    expect((await loadKeyFile(path)).address).toBe(devAccount("Bob").address);
    expect((await loadKeyFile(path, { type: "ed25519" })).accountId).toEqual(
      accountFromUri("//Bob", "ed25519").accountId,
    );
  });
});
