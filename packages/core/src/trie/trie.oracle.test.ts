import { calculate_state_root } from "@acala-network/chopsticks-executor";
import { validateProofs } from "@polkadot-api/substrate-bindings";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { byteKey, compareBytes, concatBytes, toHex } from "../bytes/bytes.js";
import type { TrieLayout } from "./layout.js";
import { createProof } from "./proofCreate.js";
import { VerifiedProof } from "./proofVerify.js";
import { Trie, type TrieChange } from "./trie.js";

// Keys are built from a small pool of prefixes so that sets share prefixes and some keys are
// prefixes of others (branches that carry values); value lengths straddle the 32/33-byte
// boundary where LayoutV1 starts storing values as separate nodes.
const prefixPool = [
  Uint8Array.of(),
  Uint8Array.of(0x26, 0xaa),
  Uint8Array.of(0x26, 0xab),
  Uint8Array.of(0x10),
  Uint8Array.of(0x1f, 0xff, 0x00),
];
const keyArb = fc
  .tuple(fc.constantFrom(...prefixPool), fc.constantFrom(...prefixPool), fc.uint8Array({ maxLength: 3 }))
  .map(([a, b, tail]) => concatBytes(a, b, tail));
const valueArb = fc.oneof(
  fc.uint8Array({ maxLength: 8 }),
  fc.uint8Array({ minLength: 30, maxLength: 35 }),
  fc.uint8Array({ minLength: 36, maxLength: 120 }),
);
const changeArb = fc.tuple(keyArb, fc.option(valueArb, { freq: 3 })) as fc.Arbitrary<[Uint8Array, Uint8Array | null]>;
const scenarioArb = fc.record({
  layout: fc.constantFrom<TrieLayout>("V0", "V1"),
  initial: fc.array(fc.tuple(keyArb, valueArb), { maxLength: 40 }),
  changeSets: fc.array(fc.array(changeArb, { maxLength: 25 }), { minLength: 1, maxLength: 4 }),
  probes: fc.array(keyArb, { maxLength: 8 }),
});

function applyToMap(map: Map<string, [Uint8Array, Uint8Array]>, changes: Iterable<TrieChange>): void {
  for (const [key, value] of changes) {
    if (value === null) map.delete(byteKey(key));
    else map.set(byteKey(key), [key, value]);
  }
}

const sorted = (map: Map<string, [Uint8Array, Uint8Array]>) => [...map.values()].sort(([a], [b]) => compareBytes(a, b));

async function oracleRoot(entries: [Uint8Array, Uint8Array][], layout: TrieLayout): Promise<string> {
  return calculate_state_root(
    entries.map(([k, v]) => [toHex(k), toHex(v)]),
    layout === "V0" ? 0 : 1,
  );
}

describe("trie against smoldot (chopsticks-executor) on randomized sets", () => {
  it("built at once, built incrementally and smoldot agree; proofs validate and read back", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ layout, initial, changeSets, probes }) => {
        const model = new Map<string, [Uint8Array, Uint8Array]>();
        applyToMap(model, initial);
        let trie = Trie.fromEntries(initial, layout);
        for (const changes of changeSets) {
          const before = trie;
          const rootBefore = toHex(before.root());
          trie = trie.update(changes);
          applyToMap(model, changes);
          // the previous version is untouched by the update
          expect(toHex(before.root())).toBe(rootBefore);
        }
        const expectedEntries = sorted(model);
        const batch = Trie.fromEntries(expectedEntries, layout);
        expect(toHex(trie.root())).toBe(toHex(batch.root()));
        expect(toHex(trie.root())).toBe(await oracleRoot(expectedEntries, layout));
        expect([...trie.entries()].map(([k, v]) => [toHex(k), toHex(v)])).toEqual(
          expectedEntries.map(([k, v]) => [toHex(k), toHex(v)]),
        );

        const keys = [...probes, ...expectedEntries.slice(0, 6).map(([k]) => k)];
        const proof = createProof(trie, keys);
        if (!trie.isEmpty) expect(validateProofs(proof.map(toHex))?.rootHash).toBe(toHex(trie.root()));
        const verified = new VerifiedProof(trie.root(), proof);
        for (const key of keys) {
          const want = model.get(byteKey(key));
          const got = verified.get(key);
          expect(got === null ? null : toHex(got)).toBe(want === undefined ? null : toHex(want[1]));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("nextKey walks the entries in order", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(keyArb, valueArb), { maxLength: 40 }), keyArb, (entries, probe) => {
        const trie = Trie.fromEntries(entries, "V1");
        const keys = [...trie.entries()].map(([k]) => k);
        const want = keys.find((k) => compareBytes(k, probe) > 0);
        const got = trie.nextKey(probe);
        expect(got === undefined ? undefined : toHex(got)).toBe(want === undefined ? undefined : toHex(want));
      }),
      { numRuns: 300 },
    );
  });
});
