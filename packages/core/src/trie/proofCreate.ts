import { byteKey as idOf } from "../bytes/bytes.js";
import { hashesValue } from "./layout.js";
import { encodeNode } from "./merkle.js";
import { toNibbles } from "./nibbles.js";
import { HASH_LENGTH } from "./nodeCodec.js";
import type { Trie } from "./trie.js";
import type { TrieNode } from "./trieNode.js";

/**
 * A read proof for `keys`, in the shape of Substrate's `state_getReadProof`: the encoded nodes on
 * each key's path that are referenced by hash (inline nodes travel inside their parent), plus, in
 * LayoutV1, the value node of each proven value stored by hash. Absent keys are proven by the
 * nodes up to where their path ends. Items are unique; their order carries no meaning.
 */
export function createProof(trie: Trie, keys: Iterable<Uint8Array>): Uint8Array[] {
  const root = trie.rootNode;
  trie.root();
  if (root === undefined) return [Uint8Array.of(0)];
  const items = new Map<string, TrieNode | Uint8Array>();
  for (const key of keys) collectPath(root, toNibbles(key), trie, items);
  const proof: Uint8Array[] = [];
  for (const item of items.values()) proof.push(item instanceof Uint8Array ? item : encodeNode(item, trie.layout));
  return proof;
}

function collectPath(root: TrieNode, key: Uint8Array, trie: Trie, items: Map<string, TrieNode | Uint8Array>): void {
  let node: TrieNode | undefined = root;
  let at = 0;
  while (node !== undefined) {
    if (node === root || node.merkle!.length === HASH_LENGTH) items.set(idOf(node.merkle!), node);
    const partial = node.partial;
    if (key.length - at < partial.length) return;
    for (let i = 0; i < partial.length; i++) if (partial[i] !== key[at + i]) return;
    at += partial.length;
    if (at === key.length) {
      if (node.value !== undefined && hashesValue(trie.layout, node.value))
        items.set(idOf(node.valueHash!), node.value);
      return;
    }
    if (node.children === null) return;
    node = node.children[key[at]!];
    at++;
  }
}
