import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes/bytes.js";
import { InvalidKeyError } from "./ed25519.js";
import { ecdsaDeriveHardSeed, ed25519DeriveHardSeed } from "./seedDerivation.js";

// sp_core `seed_and_derive_should_work`: seed 9d61… with `DeriveJunction::Hard([0; 32])`.
const SEED = fromHex("0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const ZERO_CHAIN_CODE = new Uint8Array(32);

describe("hard derivation of seeds", () => {
  it("matches sp_core for ed25519", () => {
    expect(toHex(ed25519DeriveHardSeed(SEED, ZERO_CHAIN_CODE))).toBe(
      "0xede3354e133f9c8e337ddd6ee5415ed4b4ffe5fc7d21e933f4930a3730e5b21c",
    );
  });

  it("matches sp_core for ecdsa", () => {
    expect(toHex(ecdsaDeriveHardSeed(SEED, ZERO_CHAIN_CODE))).toBe(
      "0xb8eefc4937200a8382d00050e050ced2d4ab72cc2ef1b061477afb51564fdd61",
    );
  });

  it("rejects wrong lengths", () => {
    expect(() => ed25519DeriveHardSeed(SEED.subarray(1), ZERO_CHAIN_CODE)).toThrow(InvalidKeyError);
    expect(() => ecdsaDeriveHardSeed(SEED, new Uint8Array(33))).toThrow(InvalidKeyError);
  });
});
