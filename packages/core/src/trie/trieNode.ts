/**
 * A node of the in-memory trie. One class for leaves (`children === null`) and branches keeps
 * property access monomorphic on the hot paths.
 *
 * Nodes are immutable once the update that created them ends, so tries built from one another
 * share every untouched subtree and its cached merkle value. During an update, nodes whose
 * `owner` is that update's token are still private to it and are changed in place.
 */
export class TrieNode {
  /** The merkle value (own encoding when shorter than 32 bytes, else its hash); undefined until computed. */
  merkle: Uint8Array | undefined = undefined;
  /** blake2-256 of the value when the layout stores it as a value node; undefined until computed. */
  valueHash: Uint8Array | undefined = undefined;

  constructor(
    public partial: Uint8Array,
    public value: Uint8Array | undefined,
    public children: (TrieNode | undefined)[] | null,
    public owner: object | null,
  ) {}
}

/** Sixteen empty slots, written out so V8 keeps the array packed (`new Array(16)` would be holey). */
export function emptyChildren(): (TrieNode | undefined)[] {
  return [
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
  ];
}
