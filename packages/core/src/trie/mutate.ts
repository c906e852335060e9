import { equalBytes } from "../bytes/bytes.js";
import { commonPrefixLength, concatNibbles } from "./nibbles.js";
import { emptyChildren, TrieNode } from "./trieNode.js";

/** The node itself when the running update owns it, else a private copy (path copying). */
function own(node: TrieNode, owner: object): TrieNode {
  if (node.owner === owner) {
    node.merkle = undefined;
    return node;
  }
  const copy = new TrieNode(node.partial, node.value, node.children === null ? null : node.children.slice(), owner);
  copy.valueHash = node.valueHash;
  return copy;
}

/** Returns the new subtree root; the very same node when nothing changed. */
export function insert(
  node: TrieNode | undefined,
  key: Uint8Array,
  at: number,
  value: Uint8Array,
  owner: object,
): TrieNode {
  if (node === undefined) return new TrieNode(key.subarray(at), value, null, owner);
  const partial = node.partial;
  const common = commonPrefixLength(partial, key, at);
  const rest = key.length - at;

  if (common < partial.length) {
    const branch = new TrieNode(partial.subarray(0, common), undefined, emptyChildren(), owner);
    const moved = own(node, owner);
    moved.partial = partial.subarray(common + 1);
    branch.children![partial[common]!] = moved;
    if (common === rest) branch.value = value;
    else branch.children![key[at + common]!] = new TrieNode(key.subarray(at + common + 1), value, null, owner);
    return branch;
  }

  if (common === rest) {
    if (node.value !== undefined && equalBytes(node.value, value)) return node;
    const changed = own(node, owner);
    changed.value = value;
    changed.valueHash = undefined;
    return changed;
  }

  const slot = key[at + common]!;
  const child = node.children?.[slot];
  const newChild = insert(child, key, at + common + 1, value, owner);
  if (newChild === child) return node;
  const changed = own(node, owner);
  changed.children ??= emptyChildren();
  changed.children[slot] = newChild;
  return changed;
}

/** Returns the new subtree root (undefined when it became empty); the very same node when nothing changed. */
export function remove(node: TrieNode | undefined, key: Uint8Array, at: number, owner: object): TrieNode | undefined {
  if (node === undefined) return undefined;
  const partial = node.partial;
  const rest = key.length - at;
  if (rest < partial.length || commonPrefixLength(partial, key, at) !== partial.length) return node;

  if (rest === partial.length) {
    if (node.value === undefined) return node;
    if (node.children === null) return undefined;
    const changed = own(node, owner);
    changed.value = undefined;
    changed.valueHash = undefined;
    return normalize(changed, owner);
  }

  if (node.children === null) return node;
  const slot = key[at + partial.length]!;
  const child = node.children[slot];
  if (child === undefined) return node;
  const newChild = remove(child, key, at + partial.length + 1, owner);
  if (newChild === child) return node;
  const changed = own(node, owner);
  changed.children![slot] = newChild;
  return normalize(changed, owner);
}

/** Restores the trie's shape after a removal: no childless branch, no valueless branch with one child. */
function normalize(node: TrieNode, owner: object): TrieNode | undefined {
  const children = node.children!;
  let count = 0;
  let only = -1;
  for (let i = 0; i < 16; i++) {
    if (children[i] !== undefined) {
      count++;
      only = i;
    }
  }
  if (count === 0) {
    if (node.value === undefined) return undefined;
    node.children = null;
    return node;
  }
  if (count > 1 || node.value !== undefined) return node;
  const child = children[only]!;
  const merged = new TrieNode(
    concatNibbles(node.partial, only, child.partial),
    child.value,
    child.children === null ? null : child.children.slice(),
    owner,
  );
  merged.valueHash = child.valueHash;
  return merged;
}

export function lookup(root: TrieNode | undefined, key: Uint8Array): Uint8Array | undefined {
  let node = root;
  let at = 0;
  while (node !== undefined) {
    const partial = node.partial;
    if (key.length - at < partial.length) return undefined;
    for (let i = 0; i < partial.length; i++) if (partial[i] !== key[at + i]) return undefined;
    at += partial.length;
    if (at === key.length) return node.value;
    if (node.children === null) return undefined;
    node = node.children[key[at]!];
    at++;
  }
  return undefined;
}
