import { compact } from "@polkadot-api/substrate-bindings";
import { blake2_256 } from "../hashing/hashes.js";
import { hashesValue, type TrieLayout } from "./layout.js";
import { HASH_LENGTH } from "./nodeCodec.js";
import { headerSize, type NodeKind, writeHeader } from "./nodeHeader.js";
import type { TrieNode } from "./trieNode.js";

// Compact length prefixes are written on every node; small ones are memoised from the library's encoder.
const compactMemo: (Uint8Array | undefined)[] = [];
function compactBytes(n: number): Uint8Array {
  if (n >= 1 << 14) return compact.enc(n);
  let bytes = compactMemo[n];
  if (bytes === undefined) {
    bytes = compact.enc(n);
    compactMemo[n] = bytes;
  }
  return bytes;
}

let scratch = new Uint8Array(4096);

function kindOf(node: TrieNode, hashed: boolean): NodeKind {
  if (node.children === null) return hashed ? "leafWithHashedValue" : "leaf";
  if (node.value === undefined) return "branch";
  return hashed ? "branchWithHashedValue" : "branchWithValue";
}

function valueHashOf(node: TrieNode): Uint8Array {
  node.valueHash ??= blake2_256(node.value!);
  return node.valueHash;
}

/**
 * Encodes `node` with Substrate's node codec. Children must already have their merkle values.
 * The result is a view of a shared scratch buffer, valid until the next call.
 */
function encodeInto(node: TrieNode, layout: TrieLayout): Uint8Array {
  const value = node.value;
  const hashed = value !== undefined && hashesValue(layout, value);
  const kind = kindOf(node, hashed);
  const partial = node.partial;
  const n = partial.length;
  const children = node.children;

  let size = headerSize(n, kind) + ((n + 1) >> 1) + 2;
  if (value !== undefined) size += hashed ? HASH_LENGTH : 5 + value.length;
  if (children !== null) for (const child of children) if (child !== undefined) size += 1 + child.merkle!.length;
  if (scratch.length < size) scratch = new Uint8Array(Math.max(size, scratch.length * 2));
  const out = scratch;

  let at = writeHeader(out, 0, kind, n);
  let i = 0;
  if (n & 1) out[at++] = partial[i++]!;
  for (; i < n; i += 2) out[at++] = (partial[i]! << 4) | partial[i + 1]!;
  if (children !== null) {
    let bitmap = 0;
    for (let slot = 0; slot < 16; slot++) if (children[slot] !== undefined) bitmap |= 1 << slot;
    out[at++] = bitmap & 0xff;
    out[at++] = bitmap >> 8;
  }
  if (value !== undefined) {
    if (hashed) {
      out.set(valueHashOf(node), at);
      at += HASH_LENGTH;
    } else {
      const prefix = compactBytes(value.length);
      out.set(prefix, at);
      at += prefix.length;
      out.set(value, at);
      at += value.length;
    }
  }
  if (children !== null) {
    for (let slot = 0; slot < 16; slot++) {
      const child = children[slot];
      if (child === undefined) continue;
      const merkle = child.merkle!;
      out[at++] = compactBytes(merkle.length)[0]!; // a length of at most 32 is a one-byte compact
      out.set(merkle, at);
      at += merkle.length;
    }
  }
  return out.subarray(0, at);
}

/** Computes (and caches) the merkle values of `node` and every uncached node below it. */
export function merkleValue(node: TrieNode, layout: TrieLayout): Uint8Array {
  if (node.merkle !== undefined) return node.merkle;
  const children = node.children;
  if (children !== null) for (const child of children) if (child !== undefined) merkleValue(child, layout);
  const encoded = encodeInto(node, layout);
  node.merkle = encoded.length >= HASH_LENGTH ? blake2_256(encoded) : encoded.slice();
  return node.merkle;
}

/** The node's encoding (a fresh copy); its subtree's merkle values are computed first. */
export function encodeNode(node: TrieNode, layout: TrieLayout): Uint8Array {
  merkleValue(node, layout);
  return encodeInto(node, layout).slice();
}

export const EMPTY_TRIE_NODE = Uint8Array.of(0);
export const EMPTY_TRIE_ROOT = blake2_256(EMPTY_TRIE_NODE);

/** The trie root: the root node's merkle value, hashed even when the node is shorter than a hash. */
export function rootHash(root: TrieNode | undefined, layout: TrieLayout): Uint8Array {
  if (root === undefined) return EMPTY_TRIE_ROOT;
  const merkle = merkleValue(root, layout);
  return merkle.length === HASH_LENGTH ? merkle : blake2_256(merkle);
}
