import { str } from "@polkadot-api/substrate-bindings";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, toHex, utf8 } from "../bytes/bytes.js";
import { blake2_256 } from "../hashing/hashes.js";
import { deriveJunction, hardJunction, junctionChainCode, softJunction } from "./deriveJunction.js";

const padded = (bytes: Uint8Array): Uint8Array => concatBytes(bytes, new Uint8Array(32 - bytes.length));

describe("derive junctions", () => {
  it("encodes names as SCALE strings, zero-padded", () => {
    expect(junctionChainCode("Alice")).toEqual(padded(concatBytes(Uint8Array.of(5 << 2), utf8("Alice"))));
    expect(junctionChainCode("")).toEqual(padded(Uint8Array.of(0)));
  });

  it("encodes what Rust parses as u64 as a little-endian u64", () => {
    expect(junctionChainCode("0")).toEqual(new Uint8Array(32));
    expect(junctionChainCode("1")).toEqual(padded(Uint8Array.of(1)));
    expect(junctionChainCode("+1")).toEqual(padded(Uint8Array.of(1)));
    expect(junctionChainCode("0258")).toEqual(padded(Uint8Array.of(2, 1)));
    expect(junctionChainCode("18446744073709551615")).toEqual(padded(new Uint8Array(8).fill(0xff)));
    // One past u64::MAX, a sign, or anything else is a string.
    expect(junctionChainCode("18446744073709551616")).toEqual(padded(str.enc("18446744073709551616")));
    expect(junctionChainCode("-1")).toEqual(padded(str.enc("-1")));
    expect(junctionChainCode(" 1")).toEqual(padded(str.enc(" 1")));
  });

  it("hashes encodings longer than 32 bytes", () => {
    const long = "a".repeat(31); // compact length byte + 31 = 32: still fits
    expect(junctionChainCode(long)).toEqual(str.enc(long));
    const longer = "a".repeat(32);
    expect(toHex(junctionChainCode(longer))).toBe(toHex(blake2_256(str.enc(longer))));
    fc.assert(
      fc.property(fc.string(), (code) => {
        expect(junctionChainCode(code).length).toBe(32);
      }),
    );
  });

  it("reads hardness from a second leading slash", () => {
    expect(deriveJunction("/Alice")).toEqual(hardJunction("Alice"));
    expect(deriveJunction("Alice")).toEqual(softJunction("Alice"));
    expect(hardJunction("Alice").hard).toBe(true);
    expect(softJunction("Alice").hard).toBe(false);
  });
});
