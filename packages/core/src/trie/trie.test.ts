import { describe, expect, it } from "vitest";
import { toHex, utf8 } from "../bytes/bytes.js";
import { TrieError } from "./errors.js";
import { EMPTY_TRIE_ROOT } from "./merkle.js";
import { orderedTrieRoot } from "./orderedRoot.js";
import { Trie, type TrieChange } from "./trie.js";

const EMPTY_ROOT = "0x03170a2e7597b7b7e3d84c05391d139a62b157e78786d8c082f29dcf4c111314";

describe("Trie", () => {
  it("has the empty-trie root when empty, in both layouts and as an ordered trie", () => {
    expect(toHex(EMPTY_TRIE_ROOT)).toBe(EMPTY_ROOT);
    expect(toHex(Trie.empty("V0").root())).toBe(EMPTY_ROOT);
    expect(toHex(Trie.empty("V1").root())).toBe(EMPTY_ROOT);
    expect(toHex(orderedTrieRoot([]))).toBe(EMPTY_ROOT);
    const one = Trie.fromEntries([[utf8("a"), utf8("b")]], "V1");
    expect(toHex(one.update([[utf8("a"), null]]).root())).toBe(EMPTY_ROOT);
  });

  it("rejects non-byte keys and values with TRIE_INPUT_INVALID and leaves the trie as it was", () => {
    const trie = Trie.fromEntries([[utf8("key"), utf8("value")]], "V1");
    const root = toHex(trie.root());
    const bad: TrieChange[][] = [
      [
        [utf8("new"), utf8("x")],
        ["oops" as unknown as Uint8Array, utf8("x")],
      ],
      [
        [utf8("key"), null],
        [utf8("other"), 42 as unknown as Uint8Array],
      ],
    ];
    for (const changes of bad) {
      expect(() => trie.update(changes)).toThrowError(TrieError);
      expect(() => trie.update(changes)).toThrowError(expect.objectContaining({ code: "TRIE_INPUT_INVALID" }));
    }
    expect(toHex(trie.root())).toBe(root);
    expect(trie.get(utf8("key"))).toEqual(utf8("value"));
    expect(trie.get(utf8("new"))).toBeUndefined();
  });

  it("returns the same trie for a change set that changes nothing", () => {
    const trie = Trie.fromEntries([[utf8("key"), utf8("value")]], "V1");
    expect(
      trie.update([
        [utf8("key"), utf8("value")],
        [utf8("absent"), null],
      ]),
    ).toBe(trie);
  });

  it("lists entries under a prefix in key order", () => {
    const trie = Trie.fromEntries(
      ["ab", "a", "abc", "b", "abd"].map((k) => [utf8(k), utf8(k.toUpperCase())] as const),
      "V0",
    );
    expect([...trie.entries(utf8("ab"))].map(([k]) => new TextDecoder().decode(k))).toEqual(["ab", "abc", "abd"]);
    expect(trie.nextKey(utf8("ab"), utf8("ab"))).toEqual(utf8("abc"));
    expect(trie.nextKey(utf8("abd"), utf8("ab"))).toBeUndefined();
    expect(trie.size).toBe(5);
  });
});
