import { hkdfSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes, toHex, utf8 } from "../bytes/bytes.js";
import { blake2_256 } from "../hashing/hashes.js";
import { InvalidKeyError } from "../keys/ed25519.js";
import { clusterKeySeed, contractId, contractKeySeed, deriveKey, kdfInfo } from "./kdf.js";

const bytes = (length: number, fill: number) => new Uint8Array(length).fill(fill);

describe("deriveKey", () => {
  it("is HKDF-SHA256 with an empty salt and the SCALE-encoded (domain, path) as info", () => {
    const parent = bytes(32, 0x42);
    // SCALE: compact(12) "phala/kdf/v1", compact(2) [compact(11) "cluster_key", compact(32) id]
    const info = concatBytes(
      Uint8Array.of(12 << 2),
      utf8("phala/kdf/v1"),
      Uint8Array.of(2 << 2, 11 << 2),
      utf8("cluster_key"),
      Uint8Array.of(32 << 2),
      bytes(32, 7),
    );
    expect(kdfInfo(["cluster_key", bytes(32, 7)])).toEqual(info);
    const expected = new Uint8Array(hkdfSync("sha256", parent, new Uint8Array(0), info, 32));
    expect(deriveKey(parent, ["cluster_key", bytes(32, 7)])).toEqual(expected);
    expect(clusterKeySeed(parent, bytes(32, 7))).toEqual(expected);
    expect(toHex(expected)).toHaveLength(66);
  });

  it("separates paths that concatenate to the same bytes", () => {
    const parent = bytes(32, 1);
    const paths: string[][] = [["a", "bc"], ["ab", "c"], ["abc"], ["abc", ""], ["", "abc"], [""], []];
    const keys = paths.map((path) => toHex(deriveKey(parent, path)));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("treats a string segment as its UTF-8 bytes, and distinct paths give distinct keys", () => {
    const parent = bytes(32, 3);
    expect(deriveKey(parent, ["contract_key", "é"])).toEqual(deriveKey(parent, [utf8("contract_key"), utf8("é")]));
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 4 }),
        fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 4 }),
        (a, b) => {
          const same = a.map(toHex).join(",") === b.map(toHex).join(",");
          expect(toHex(deriveKey(parent, a)) === toHex(deriveKey(parent, b))).toBe(same);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("chains master → cluster → contract as DESIGN.md §4 describes", () => {
    const master = bytes(32, 9);
    const cluster = bytes(32, 1);
    const contract = bytes(32, 2);
    const clusterKey = clusterKeySeed(master, cluster);
    expect(clusterKey).toEqual(deriveKey(master, ["cluster_key", cluster]));
    expect(contractKeySeed(clusterKey, contract)).toEqual(deriveKey(clusterKey, ["contract_key", contract]));
    expect(contractKeySeed(clusterKey, contract)).not.toEqual(contractKeySeed(clusterKey, bytes(32, 3)));
  });

  it("rejects wrong-length keys and ids with InvalidKeyError", () => {
    expect(() => deriveKey(bytes(31, 0), ["x"])).toThrow(InvalidKeyError);
    expect(() => clusterKeySeed(bytes(32, 0), bytes(31, 0))).toThrow(InvalidKeyError);
    expect(() => contractKeySeed(bytes(32, 0), bytes(33, 0))).toThrow(InvalidKeyError);
  });
});

describe("contractId", () => {
  it("is blake2-256(deployer ++ codeHash ++ clusterId ++ salt)", () => {
    const deployer = bytes(32, 1);
    const codeHash = bytes(32, 2);
    const cluster = bytes(32, 3);
    const salt = utf8("salt");
    expect(contractId(deployer, codeHash, cluster, salt)).toEqual(
      blake2_256(concatBytes(deployer, codeHash, cluster, salt)),
    );
    expect(contractId(deployer, codeHash, cluster, new Uint8Array(0))).not.toEqual(
      contractId(deployer, codeHash, cluster, salt),
    );
    expect(() => contractId(bytes(31, 1), codeHash, cluster, salt)).toThrow(InvalidKeyError);
    expect(() => contractId(deployer, bytes(33, 2), cluster, salt)).toThrow(InvalidKeyError);
    expect(() => contractId(deployer, codeHash, bytes(0, 3), salt)).toThrow(InvalidKeyError);
  });
});
