import { AccountId, Blake2128Concat, Identity, Storage, Twox64Concat, u32 } from "@polkadot-api/substrate-bindings";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes/bytes.js";
import { splitStorageKey, storageKey, storagePrefix } from "./storageKey.js";

const ALICE = fromHex("0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d");

describe("storage keys", () => {
  it("builds System.Account for Alice as every Substrate tool expects", () => {
    expect(toHex(storageKey("System", "Account", ["Blake2_128Concat", ALICE]))).toBe(
      "0x26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9de1e86a9a8c739864cf3cc5ec2bea59fd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
    );
    expect(toHex(storagePrefix("System", "Number"))).toBe(
      "0x26aa394eea5630e07c48ae0c9558cef702a5c1b19ab7a04f536c519aca4983ac",
    );
  });

  it("agrees with substrate-bindings' Storage for every concat hasher", () => {
    const account = AccountId();
    const doubleMap = Storage("PhalaMq")("OffchainIngress", [u32, Twox64Concat], [account, Blake2128Concat]);
    const identityMap = Storage("Pallet")("Item", [u32, Identity]);
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (n, id) => {
        const address = account.dec(id);
        const ours = storageKey("PhalaMq", "OffchainIngress", ["Twox64Concat", u32.enc(n)], ["Blake2_128Concat", id]);
        expect(toHex(ours)).toBe(doubleMap.enc(n, address));
        expect(
          splitStorageKey(ours, "PhalaMq", "OffchainIngress", [
            ["Twox64Concat", 4],
            ["Blake2_128Concat", 32],
          ]),
        ).toEqual([u32.enc(n), id]);
        expect(toHex(storageKey("Pallet", "Item", ["Identity", u32.enc(n)]))).toBe(identityMap.enc(n));
      }),
    );
  });

  it("rejects keys of another item, and keys too short or too long", () => {
    const key = storageKey("System", "Account", ["Blake2_128Concat", ALICE]);
    const parts = [["Blake2_128Concat", 32]] as const;
    for (const bad of [storageKey("System", "Number"), key.subarray(0, key.length - 1), new Uint8Array([...key, 0])]) {
      expect(() => splitStorageKey(bad, "System", "Account", parts)).toThrowError(
        expect.objectContaining({ code: "STORAGE_KEY_INVALID" }),
      );
    }
    expect(() => splitStorageKey(key, "System", "Account", [["Blake2_256", 32]])).toThrowError(
      expect.objectContaining({ code: "STORAGE_KEY_INVALID" }),
    );
  });
});
