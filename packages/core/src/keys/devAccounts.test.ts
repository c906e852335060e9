import { describe, expect, it } from "vitest";
import { toHex } from "../bytes/bytes.js";
import { DEV_ACCOUNT_NAMES, devAccount, devAccounts } from "./devAccounts.js";
import { KEYPAIR_TYPES } from "./keypair.js";
import { keypairFromUri } from "./keyring.js";
import { ss58Encode } from "./ss58.js";

// `subkey inspect //Name`: sr25519 public keys and generic (42) addresses.
const SR25519 = {
  Alice: [
    "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
    "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
  ],
  Bob: [
    "0x8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48",
    "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
  ],
  Charlie: [
    "0x90b5ab205c6974c9ea841be688864633dc9ca8a357843eeacf2314649965fe22",
    "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y",
  ],
  Dave: [
    "0x306721211d5404bd9da88e0204360a1a9ab8b87c66c1bc2fcdd37f3c2222cc20",
    "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy",
  ],
  Eve: [
    "0xe659a7a1628cdd93febc04a4e0646ea20e9f5f0ce097d9a05290d4a9e054df4e",
    "5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw",
  ],
  Ferdie: [
    "0x1cbd2d43530a44705ad088af313e18f80b53ef16b36177cd4b77b846f2a5f07c",
    "5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL",
  ],
} as const;

describe("dev accounts", () => {
  it("are subkey's //Alice … //Ferdie", () => {
    const accounts = devAccounts();
    expect(Object.keys(accounts)).toEqual([...DEV_ACCOUNT_NAMES]);
    for (const name of DEV_ACCOUNT_NAMES) {
      const [publicKey, address] = SR25519[name];
      expect(toHex(accounts[name].publicKey)).toBe(publicKey);
      expect(ss58Encode(accounts[name].accountId)).toBe(address);
    }
  });

  it("exist for every scheme, derived once", () => {
    for (const type of KEYPAIR_TYPES) {
      const accounts = devAccounts(type);
      expect(devAccounts(type)).toBe(accounts);
      expect(Object.isFrozen(accounts)).toBe(true);
      expect(accounts.Ferdie.type).toBe(type);
      expect(devAccount("Eve", type).publicKey).toEqual(keypairFromUri("//Eve", type).publicKey);
      const ids = new Set(DEV_ACCOUNT_NAMES.map((name) => toHex(accounts[name].accountId)));
      expect(ids.size).toBe(DEV_ACCOUNT_NAMES.length);
    }
    expect(toHex(devAccount("Alice", "ed25519").publicKey)).toBe(
      "0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee",
    );
  });
});
