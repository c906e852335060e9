import { compareBytes } from "../bytes/bytes.js";
import { TrieError } from "./errors.js";
import type { TrieLayout } from "./layout.js";
import { rootHash } from "./merkle.js";
import { insert, lookup, remove } from "./mutate.js";
import { fromNibbles, pathsCompatible, subtreeBefore, toNibbles } from "./nibbles.js";
import type { TrieNode } from "./trieNode.js";

/** A storage change: a value to set, or null to delete the key. */
export type TrieChange = readonly [key: Uint8Array, value: Uint8Array | null];

function assertBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TrieError("TRIE_INPUT_INVALID", `${what} must be bytes`, { what });
}

/**
 * Substrate's base-16 Patricia-Merkle trie (blake2-256, LayoutV0 or V1), held in memory.
 *
 * A `Trie` value never changes: `update` returns a new trie sharing every untouched subtree, so
 * keeping the trie of each block costs only the changed paths, a failed block is dropped by
 * keeping the old value, and the root of the new trie hashes only the nodes the change touched.
 */
export class Trie {
  #rootHash: Uint8Array | undefined;

  private constructor(
    readonly layout: TrieLayout,
    /** @internal */
    readonly rootNode: TrieNode | undefined,
  ) {}

  static empty(layout: TrieLayout): Trie {
    return new Trie(layout, undefined);
  }

  static fromEntries(entries: Iterable<readonly [Uint8Array, Uint8Array]>, layout: TrieLayout): Trie {
    return Trie.empty(layout).update(entries);
  }

  get isEmpty(): boolean {
    return this.rootNode === undefined;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    assertBytes(key, "key");
    return lookup(this.rootNode, toNibbles(key));
  }

  /** Applies the changes in order (later changes to a key win) and returns the new trie. */
  update(changes: Iterable<TrieChange>): Trie {
    const owner = {};
    let root = this.rootNode;
    for (const [key, value] of changes) {
      assertBytes(key, "key");
      const nibbles = toNibbles(key);
      if (value === null) root = remove(root, nibbles, 0, owner);
      else {
        assertBytes(value, "value");
        root = insert(root, nibbles, 0, value, owner);
      }
    }
    return root === this.rootNode ? this : new Trie(this.layout, root);
  }

  /** The state root; computing it hashes only nodes not hashed before. */
  root(): Uint8Array {
    this.#rootHash ??= rootHash(this.rootNode, this.layout);
    return this.#rootHash;
  }

  /** Every entry in byte-wise key order. */
  *entries(prefix?: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
    if (this.rootNode === undefined) return;
    const path: number[] = [];
    const want = prefix === undefined ? undefined : toNibbles(prefix);
    yield* walk(this.rootNode, path, want);
  }

  /** The first key strictly after `after` (and starting with `prefix`, when given). */
  nextKey(after: Uint8Array, prefix?: Uint8Array): Uint8Array | undefined {
    // Subtrees entirely before `after` are skipped without visiting their entries.
    if (this.rootNode === undefined) return undefined;
    const target = toNibbles(after);
    const want = prefix === undefined ? undefined : toNibbles(prefix);
    for (const [key] of walk(this.rootNode, [], want, target)) {
      if (compareBytes(key, after) > 0) return key;
    }
    return undefined;
  }

  get size(): number {
    let count = 0;
    for (const _ of this.entries()) count++;
    return count;
  }
}

function* walk(
  node: TrieNode,
  path: number[],
  want: Uint8Array | undefined,
  after?: Uint8Array,
): Generator<[Uint8Array, Uint8Array]> {
  const base = path.length;
  for (const nibble of node.partial) path.push(nibble);
  try {
    if (want !== undefined && !pathsCompatible(path, want)) return;
    if (after !== undefined && subtreeBefore(path, after)) return;
    if (node.value !== undefined && (want === undefined || path.length >= want.length)) {
      yield [fromNibbles(path), node.value];
    }
    if (node.children === null) return;
    for (let slot = 0; slot < 16; slot++) {
      const child = node.children[slot];
      if (child === undefined) continue;
      path.push(slot);
      yield* walk(child, path, want, after);
      path.pop();
    }
  } finally {
    path.length = base;
  }
}
