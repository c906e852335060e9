import { Blake2128, Blake2256, Twox64Concat, Twox128, Twox256 } from "@polkadot-api/substrate-bindings";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex, utf8 } from "../bytes/bytes.js";
import { blake2_128, blake2_256, blake2_256Parts, sha256, twox64, twox128, twox256 } from "./hashes.js";

describe("hashes", () => {
  it("blake2-256 of the empty trie node is the empty trie root", () => {
    expect(toHex(blake2_256(Uint8Array.of(0)))).toBe(
      "0x03170a2e7597b7b7e3d84c05391d139a62b157e78786d8c082f29dcf4c111314",
    );
  });

  it("twox128 of pallet names matches Substrate's well-known prefixes", () => {
    expect(toHex(twox128(utf8("System")))).toBe("0x26aa394eea5630e07c48ae0c9558cef7");
    expect(toHex(twox128(utf8("Account")))).toBe("0xb99d880ec681799c0cf30e8886371da9");
  });

  it("sha256 matches the FIPS 180-2 'abc' vector", () => {
    expect(toHex(sha256(utf8("abc")))).toBe("0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("agrees with substrate-bindings' pure-JS hashers on arbitrary input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(blake2_256(data)).toEqual(Blake2256(data));
        expect(blake2_128(data)).toEqual(Blake2128(data));
        expect(twox128(data)).toEqual(Twox128(data));
        expect(twox256(data)).toEqual(Twox256(data));
        expect(twox64(data)).toEqual(Twox64Concat(data).slice(0, 8));
        const cut = data.length >> 1;
        expect(blake2_256Parts([data.subarray(0, cut), data.subarray(cut)])).toEqual(Blake2256(data));
      }),
      { numRuns: 300 },
    );
  });
});
