import { blockHeader, validateProofs } from "@polkadot-api/substrate-bindings";
import { describe, expect, it } from "vitest";
import { fromHex, type HexString, toHex } from "../bytes/bytes.js";
import { blake2_256 } from "../hashing/hashes.js";
import { readVector } from "../testing/sharedVectors.test-util.js";
import { TrieError } from "./errors.js";
import type { TrieLayout } from "./layout.js";
import { encodeNode } from "./merkle.js";
import { decodeNode } from "./nodeCodec.js";
import { headerSize, type NodeKind, readHeader, writeHeader } from "./nodeHeader.js";
import { orderedTrieRoot } from "./orderedRoot.js";
import { createProof } from "./proofCreate.js";
import { readProof, VerifiedProof } from "./proofVerify.js";
import { Trie } from "./trie.js";

type Entries = [HexString, HexString][];
interface RootVector {
  id: string;
  layout: TrieLayout;
  entries: Entries;
  root: HexString;
  rootNodeEncoded?: HexString;
  ordered?: HexString[];
}
const toEntries = (entries: Entries) => entries.map(([k, v]) => [fromHex(k), fromHex(v)] as const);

describe("trie roots (shared/vectors/trie)", () => {
  const vectors = [
    ...readVector<RootVector[]>("trie/roots.json"),
    ...readVector<RootVector[]>("trie/roots_computed.json"),
  ];

  it.each(vectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const trie = Trie.fromEntries(toEntries(v.entries), v.layout);
    expect(toHex(trie.root())).toBe(v.root);
    if (v.rootNodeEncoded !== undefined && trie.rootNode !== undefined) {
      expect(toHex(encodeNode(trie.rootNode, v.layout))).toBe(v.rootNodeEncoded);
    }
    if (v.ordered !== undefined) expect(toHex(orderedTrieRoot(v.ordered.map(fromHex), v.layout))).toBe(v.root);
  });
});

interface ChainState {
  id: string;
  layout: TrieLayout;
  entriesExcludingCode: Entries;
  rootWithoutCode: HexString;
  rootV0ForContrast: HexString;
  childTries: { childStorageKey: HexString; entries: Entries; root: HexString }[];
}

describe("real chain states", () => {
  const { states } = readVector<{ states: ChainState[] }>("trie/chain_states.json");

  it.each(states.map((s) => [s.id, s] as const))("%s", (_id, state) => {
    const entries = toEntries(state.entriesExcludingCode);
    expect(toHex(Trie.fromEntries(entries, "V1").root())).toBe(state.rootWithoutCode);
    for (const child of state.childTries) {
      expect(toHex(Trie.fromEntries(toEntries(child.entries), "V1").root())).toBe(child.root);
    }
  });

  it("a chain state's proofs pass substrate-bindings' validateProofs and read back every value", () => {
    for (const state of states) {
      const entries = toEntries(state.entriesExcludingCode);
      const trie = Trie.fromEntries(entries, "V1");
      const keys = entries.map(([k]) => k);
      const proof = createProof(trie, keys);
      expect(validateProofs(proof.map(toHex))?.rootHash).toBe(toHex(trie.root()));
      const verified = new VerifiedProof(trie.root(), proof);
      for (const [k, v] of entries) expect(verified.get(k)).toEqual(v);
    }
  });
});

interface BlockVector {
  id: string;
  header: HexString;
  blockHash: HexString;
  extrinsics: HexString[];
  extrinsicsRoot: HexString;
}

describe("extrinsics roots", () => {
  const { blocks } = readVector<{ blocks: BlockVector[] }>("trie/extrinsics_roots.json");
  it.each(blocks.map((b) => [b.id, b] as const))("%s", (_id, block) => {
    expect(toHex(orderedTrieRoot(block.extrinsics.map(fromHex), "V0"))).toBe(block.extrinsicsRoot);
    expect(blockHeader.dec(block.header).extrinsicRoot).toBe(block.extrinsicsRoot);
    expect(toHex(blake2_256(fromHex(block.header)))).toBe(block.blockHash);
  });
});

interface ProofVector {
  id: string;
  stateRoot: HexString;
  proof: HexString[];
  expected: [HexString, HexString | null][];
  incomplete?: HexString[];
  derivedEntries: [HexString, HexString][];
}

describe("real proofs", () => {
  const proofs = readVector<ProofVector[]>("trie/proofs.json");
  it.each(proofs.map((p) => [p.id, p] as const))("%s", (_id, p) => {
    const verified = new VerifiedProof(fromHex(p.stateRoot), p.proof.map(fromHex));
    for (const [key, value] of p.expected) {
      const got = verified.get(fromHex(key));
      expect(got === null ? null : toHex(got)).toBe(value);
    }
    for (const key of p.incomplete ?? []) {
      expect(() => verified.get(fromHex(key))).toThrowError(expect.objectContaining({ code: "TRIE_PROOF_INCOMPLETE" }));
    }
    expect([...verified.entries()].map(([k, v]) => [toHex(k), toHex(v)])).toEqual(p.derivedEntries);
    const keys = p.expected.map(([key]) => fromHex(key));
    const read = readProof(fromHex(p.stateRoot), p.proof.map(fromHex), keys);
    expect(keys.map((key) => read.get(key)).map((v) => (v ? toHex(v) : v))).toEqual(p.expected.map(([, v]) => v));
  });

  it("rejects a proof checked against another root", () => {
    const p = proofs[0]!;
    const otherRoot = blake2_256(fromHex(p.stateRoot));
    expect(() => new VerifiedProof(otherRoot, p.proof.map(fromHex))).toThrowError(
      expect.objectContaining({ code: "TRIE_PROOF_ROOT_MISSING" }),
    );
  });

  it("treats a missing inner node as incomplete, never as absent", () => {
    for (const p of proofs) {
      const items = p.proof.map(fromHex);
      const rootIndex = items.findIndex((item) => toHex(blake2_256(item)) === p.stateRoot);
      for (let drop = 0; drop < items.length; drop++) {
        if (drop === rootIndex) continue;
        const verified = new VerifiedProof(
          fromHex(p.stateRoot),
          items.filter((_, i) => i !== drop),
        );
        for (const [key, value] of p.expected) {
          try {
            const got = verified.get(fromHex(key));
            expect(got === null ? null : toHex(got)).toBe(value);
          } catch (error) {
            expect(error).toBeInstanceOf(TrieError);
            expect((error as TrieError).code).toBe("TRIE_PROOF_INCOMPLETE");
          }
        }
      }
    }
  });
});

interface NextKeyVector {
  id: string;
  stateRoot: HexString;
  proof: HexString[];
  after: HexString;
  prefix: HexString;
  expectedNextKey: HexString | null;
}

describe("next-key proofs", () => {
  const vectors = readVector<NextKeyVector[]>("trie/proofs_next_key.json");
  it.each(vectors.map((v) => [v.id, v] as const))("%s", (_id, v) => {
    const verified = new VerifiedProof(fromHex(v.stateRoot), v.proof.map(fromHex));
    const next = verified.nextKey(fromHex(v.after), fromHex(v.prefix));
    expect(next === null ? null : toHex(next)).toBe(v.expectedNextKey);
  });
});

interface NodeEncodingVectors {
  headers: { kind: string; partialKeyNibbles: number; header: HexString }[];
  nodes: {
    encoded: HexString;
    decoded: {
      kind: string;
      partialKeyNibbles: string;
      value?: HexString | null;
      valueHash?: HexString;
      children?: Record<string, HexString>;
    };
  }[];
  invalid: { encoded: HexString }[];
}

const KIND_NAMES: Record<string, NodeKind> = {
  leaf: "leaf",
  branch: "branch",
  branchNoValue: "branch",
  branchWithValue: "branchWithValue",
  leafWithHashedValue: "leafWithHashedValue",
  hashedValueLeaf: "leafWithHashedValue",
  branchWithHashedValue: "branchWithHashedValue",
  hashedValueBranch: "branchWithHashedValue",
};

describe("node encoding", () => {
  const vectors = readVector<NodeEncodingVectors>("trie/node_encoding.json");

  it.each(vectors.headers.map((h) => [`${h.kind} ${h.partialKeyNibbles}`, h] as const))("header %s", (_id, h) => {
    const kind = KIND_NAMES[h.kind];
    expect(kind, `unknown kind ${h.kind}`).toBeDefined();
    const out = new Uint8Array(16);
    const end = writeHeader(out, 0, kind!, h.partialKeyNibbles);
    expect(toHex(out.subarray(0, end))).toBe(h.header);
    expect(end).toBe(headerSize(h.partialKeyNibbles, kind!));
    const parsed = readHeader(fromHex(h.header), 0);
    expect(parsed).toEqual({ kind, nibbleCount: h.partialKeyNibbles, end });
  });

  it.each(vectors.nodes.map((n) => [n.encoded.slice(0, 20), n] as const))("node %s", (_id, n) => {
    const node = decodeNode(fromHex(n.encoded));
    expect(node.kind).toBe(KIND_NAMES[n.decoded.kind]);
    expect([...node.partial].map((x) => x.toString(16)).join("")).toBe(n.decoded.partialKeyNibbles);
    const children: Record<string, HexString> = {};
    node.children?.forEach((c, i) => {
      if (c !== undefined) children[i.toString(16)] = toHex(c);
    });
    expect(children).toEqual(n.decoded.children ?? {});
    if (n.decoded.value !== undefined && n.decoded.value !== null) {
      expect(node.value?.hashed === false ? toHex(node.value.bytes) : undefined).toBe(n.decoded.value);
    }
  });

  it("rejects the invalid nodes", () => {
    for (const n of vectors.invalid) {
      expect(() => decodeNode(fromHex(n.encoded))).toThrowError(expect.objectContaining({ code: "TRIE_NODE_INVALID" }));
    }
  });
});
