import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../bytes/bytes.js";
import { blake2_256 } from "../hashing/hashes.js";
import { expectRejectsTruncatedAndOverlong } from "../testing/decoderProperties.test-util.js";
import { TrieError } from "./errors.js";
import { decodeNode } from "./nodeCodec.js";
import { createProof } from "./proofCreate.js";
import { VerifiedProof } from "./proofVerify.js";
import { Trie } from "./trie.js";

const entriesArb = fc.array(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 6 }), fc.uint8Array({ maxLength: 50 })), {
  minLength: 1,
  maxLength: 30,
});

/** Encoded nodes of random tries, hashed-value payloads excluded. */
const nodesArb = fc.tuple(entriesArb, fc.constantFrom("V0" as const, "V1" as const)).map(([entries, layout]) => {
  const trie = Trie.fromEntries(entries, layout);
  const valueIds = new Set(entries.map(([, v]) => toHex(blake2_256(v))));
  return createProof(
    trie,
    entries.map(([k]) => k),
  ).filter((item) => !valueIds.has(toHex(blake2_256(item))) || item[0] === 0);
});

const isNodeError = (error: unknown) => {
  expect(error).toBeInstanceOf(TrieError);
  expect((error as TrieError).code).toBe("TRIE_NODE_INVALID");
};

describe("trie node decoder", () => {
  it("decodes every node it encodes, and rejects each truncation and extension with TRIE_NODE_INVALID", () => {
    fc.assert(
      fc.property(nodesArb, fc.uint8Array({ minLength: 1, maxLength: 3 }), (nodes, extra) => {
        for (const node of nodes) {
          decodeNode(node);
          expectRejectsTruncatedAndOverlong(node, extra, decodeNode, { truncated: isNodeError, overlong: isNodeError });
        }
      }),
      { numRuns: 150 },
    );
  });

  it("answers arbitrary bytes with a node or TRIE_NODE_INVALID, nothing else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        try {
          decodeNode(bytes);
        } catch (error) {
          isNodeError(error);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("rejects non-canonical nodes: reserved headers, non-zero padding, empty bitmaps, oversize inline children", () => {
    const cases = {
      reservedHeader: "0x01",
      compactProofEscape: "0x0f",
      nonZeroPadding: "0x4110",
      emptyBitmap: "0x800000",
      inlineChildOverHashLength: `0x80010084${"00".repeat(33)}`,
      zeroLengthChild: "0x80010000",
    };
    for (const hex of Object.values(cases)) {
      expect(() => decodeNode(Uint8Array.from(Buffer.from(hex.slice(2), "hex"))), hex).toThrowError(
        expect.objectContaining({ code: "TRIE_NODE_INVALID" }),
      );
    }
  });
});

describe("proof reading on corrupted proofs", () => {
  it("gives a value, null or a TrieError; never a wrong value", () => {
    fc.assert(
      fc.property(
        entriesArb,
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (entries, itemPick, bytePick, flip) => {
          const trie = Trie.fromEntries(entries, "V1");
          const keys = entries.map(([k]) => k);
          const proof = createProof(trie, keys);
          const item = proof[itemPick % proof.length]!;
          const corrupted = item.slice();
          corrupted[bytePick % corrupted.length]! ^= flip;
          const tampered = proof.map((p) => (p === item ? corrupted : p));
          let verified: VerifiedProof;
          try {
            verified = new VerifiedProof(trie.root(), tampered);
          } catch (error) {
            expect(error).toBeInstanceOf(TrieError);
            return;
          }
          for (const key of keys) {
            try {
              const got = verified.get(key);
              expect(got === null ? null : toHex(got)).toBe(toHex(trie.get(key)!));
            } catch (error) {
              expect(error).toBeInstanceOf(TrieError);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
