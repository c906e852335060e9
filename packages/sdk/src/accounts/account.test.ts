import { DEV_PHRASE, devAccounts, keypairFromUri, ss58Decode, ss58Encode, toHex } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { errorCodeOf } from "../../../core/src/testing/errorCode.test-util.js";
import {
  accountFromMnemonic,
  accountFromSecret,
  accountFromSeed,
  accountFromUri,
  createAccount,
  devAccount,
} from "./account.js";
import { accountIdOf, sameAccount, toAccountHex, toAddress } from "./address.js";

// Alice's well-known AccountId32 (subkey inspect //Alice).
const ALICE = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";

describe("accounts", () => {
  it("gives the dev accounts with Phala's SS58 addresses (prefix 30)", () => {
    const alice = devAccount("Alice");
    expect(toHex(alice.accountId)).toBe(ALICE);
    expect(alice.type).toBe("sr25519");
    expect(ss58Decode(alice.address)).toEqual({ publicKey: alice.accountId, prefix: 30 });
    expect(alice.address).toBe(ss58Encode(alice.accountId, 30));
    // A signature by the wrapper is the keypair's.
    expect(alice.sign(new Uint8Array([1])).length).toBe(64);
    expect(devAccount("Bob", "ed25519").accountId).toEqual(devAccounts("ed25519").Bob.accountId);
  });

  it("reads secret URIs, mnemonics with paths and seeds, as Substrate does", () => {
    expect(accountFromUri("//Alice").accountId).toEqual(devAccount("Alice").accountId);
    expect(accountFromUri(`${DEV_PHRASE}//Alice`).accountId).toEqual(devAccount("Alice").accountId);
    expect(accountFromMnemonic(DEV_PHRASE, "sr25519", "//Alice").address).toBe(devAccount("Alice").address);
    expect(accountFromMnemonic(`  ${DEV_PHRASE.replaceAll(" ", "   ")} `, "ed25519").accountId).toEqual(
      keypairFromUri(DEV_PHRASE, "ed25519").accountId,
    );
    const seed = new Uint8Array(32).fill(7);
    expect(accountFromSeed(seed, "ed25519").accountId).toEqual(accountFromUri(toHex(seed), "ed25519").accountId);
    expect(accountFromSecret({ type: "sr25519", seed: toHex(seed) }).address).toBe(accountFromSeed(seed).address);
    expect(accountFromUri("//Alice", "ecdsa").accountId.length).toBe(32);
  });

  it("refuses empty, malformed and unknown-scheme secrets without echoing them", () => {
    expect(errorCodeOf(() => accountFromUri(""))).toBe("ACCOUNT_INVALID");
    expect(errorCodeOf(() => accountFromUri("   "))).toBe("ACCOUNT_INVALID");
    expect(errorCodeOf(() => accountFromUri("not a mnemonic at all secret-words"))).toBe("ACCOUNT_INVALID");
    expect(errorCodeOf(() => accountFromUri("//Alice/soft", "ed25519"))).toBe("ACCOUNT_INVALID");
    expect(errorCodeOf(() => accountFromUri("//Alice", "rsa" as never))).toBe("ACCOUNT_INVALID");
    expect(errorCodeOf(() => accountFromMnemonic("abandon abandon"))).toBe("ACCOUNT_INVALID");
    expect(errorCodeOf(() => accountFromMnemonic(DEV_PHRASE, "sr25519", "Alice"))).toBe("ACCOUNT_INVALID");
    expect(errorCodeOf(() => accountFromSeed(new Uint8Array(31)))).toBe("ACCOUNT_INVALID");
    try {
      accountFromUri("secret-words that are not a phrase");
    } catch (error) {
      expect(JSON.stringify(error)).not.toContain("secret-words");
      expect(String(error)).not.toContain("secret-words");
    }
  });

  it("creates fresh accounts from new mnemonics", () => {
    const created = createAccount();
    expect(created.mnemonic.split(" ")).toHaveLength(12);
    expect(accountFromMnemonic(created.mnemonic).address).toBe(created.account.address);
    expect(accountFromSecret(created.secret).address).toBe(created.account.address);
    expect(createAccount("ed25519", 24).mnemonic.split(" ")).toHaveLength(24);
    expect(createAccount().account.address).not.toBe(created.account.address);
  });
});

describe("addresses", () => {
  it("takes SS58 of any prefix, 0x-hex, bytes and keypairs, and writes Phala's format", () => {
    const alice = devAccount("Alice");
    const generic = ss58Encode(alice.accountId, 42);
    for (const form of [generic, alice.address, ALICE, alice.accountId, alice]) {
      expect(toAccountHex(form)).toBe(ALICE);
      expect(toAddress(form)).toBe(alice.address);
    }
    expect(toAddress(alice, 42)).toBe(generic);
    expect(sameAccount(generic, alice)).toBe(true);
    expect(sameAccount(generic, devAccount("Bob"))).toBe(false);
  });

  it("refuses what is not an account", () => {
    const address = devAccount("Alice").address;
    const flipped = `${address.slice(0, -1)}${address.endsWith("a") ? "b" : "a"}`;
    for (const bad of ["", "0x1234", "0xzz", new Uint8Array(31), flipped, "5notbase58OI0", 42]) {
      expect(
        errorCodeOf(() => accountIdOf(bad as never)),
        String(bad),
      ).toBe("ADDRESS_INVALID");
    }
  });
});
