import { compareBytes, equalBytes, byteKey as idOf, toHex } from "../bytes/bytes.js";
import { blake2_256 } from "../hashing/hashes.js";
import { TrieError } from "./errors.js";
import { EMPTY_TRIE_ROOT } from "./merkle.js";
import { fromNibbles, pathsCompatible, subtreeBefore, toNibbles } from "./nibbles.js";
import { type DecodedNode, decodeNode, HASH_LENGTH } from "./nodeCodec.js";

const MISSING = Symbol("missing");

/**
 * A read proof checked against a state root the caller trusts. Lookups walk the proof's nodes
 * from that root: a key is present, proven absent, or `TRIE_PROOF_INCOMPLETE` when its path
 * leaves the proof — never "absent" for lack of data.
 */
export class VerifiedProof {
  readonly #items = new Map<string, Uint8Array>();
  readonly #decoded = new Map<string, DecodedNode>();
  readonly #root: Uint8Array;

  constructor(stateRoot: Uint8Array, proof: readonly Uint8Array[]) {
    if (!(stateRoot instanceof Uint8Array) || stateRoot.length !== HASH_LENGTH) {
      throw new TrieError("TRIE_PROOF_MALFORMED", "state root must be 32 bytes", {});
    }
    if (!Array.isArray(proof)) throw new TrieError("TRIE_PROOF_MALFORMED", "proof must be a list of byte strings", {});
    for (const item of proof) {
      if (!(item instanceof Uint8Array)) {
        throw new TrieError("TRIE_PROOF_MALFORMED", "proof must be a list of byte strings", {});
      }
      this.#items.set(idOf(blake2_256(item)), item);
    }
    this.#root = stateRoot;
    if (!equalBytes(stateRoot, EMPTY_TRIE_ROOT) && !this.#items.has(idOf(stateRoot))) {
      throw new TrieError("TRIE_PROOF_ROOT_MISSING", "the proof does not contain the state root's node", {
        stateRoot: toHex(stateRoot),
      });
    }
  }

  /** The value under `key`, or null when the proof shows it absent. */
  get(key: Uint8Array): Uint8Array | null {
    const nibbles = toNibbles(key);
    let node = this.#rootNode(key);
    let at = 0;
    while (node !== undefined) {
      const partial = node.partial;
      if (nibbles.length - at < partial.length) return null;
      for (let i = 0; i < partial.length; i++) if (partial[i] !== nibbles[at + i]) return null;
      at += partial.length;
      if (at === nibbles.length) return this.#valueOf(node, key);
      const ref = node.children?.[nibbles[at]!];
      if (ref === undefined) return null;
      node = this.#resolve(ref, key);
      at++;
    }
    return null;
  }

  /**
   * The first key holding a value strictly after `after`, restricted to keys starting with
   * `prefix`; null when the proof shows there is none.
   */
  nextKey(after: Uint8Array, prefix: Uint8Array = new Uint8Array(0)): Uint8Array | null {
    const root = this.#rootNode(after);
    if (root === undefined) return null;
    const target = toNibbles(after);
    const want = toNibbles(prefix);
    for (const [key] of this.#walk(root, [], want, target, true)) {
      if (compareBytes(key, after) > 0) return key;
    }
    return null;
  }

  /** Every entry whose path and value are wholly inside the proof, in key order. */
  *entries(): Generator<[Uint8Array, Uint8Array]> {
    const root = this.#rootNode(new Uint8Array(0));
    if (root !== undefined) yield* this.#walk(root, [], new Uint8Array(0), undefined, false);
  }

  #rootNode(key: Uint8Array): DecodedNode | undefined {
    if (equalBytes(this.#root, EMPTY_TRIE_ROOT)) return undefined;
    const node = this.#resolve(this.#root, key);
    return node.kind === "empty" ? undefined : node;
  }

  #resolve(ref: Uint8Array, key: Uint8Array): DecodedNode;
  #resolve(ref: Uint8Array, key: Uint8Array, missingOk: true): DecodedNode | typeof MISSING;
  #resolve(ref: Uint8Array, key: Uint8Array, missingOk = false): DecodedNode | typeof MISSING {
    if (ref.length < HASH_LENGTH) return decodeNode(ref);
    const id = idOf(ref);
    let node = this.#decoded.get(id);
    if (node === undefined) {
      const encoded = this.#items.get(id);
      if (encoded === undefined) {
        if (missingOk) return MISSING;
        throw incomplete(key);
      }
      node = decodeNode(encoded);
      this.#decoded.set(id, node);
    }
    return node;
  }

  #valueOf(node: DecodedNode, key: Uint8Array): Uint8Array | null;
  #valueOf(node: DecodedNode, key: Uint8Array, missingOk: boolean): Uint8Array | null | typeof MISSING;
  #valueOf(node: DecodedNode, key: Uint8Array, missingOk = false): Uint8Array | null | typeof MISSING {
    const value = node.value;
    if (value === undefined) return null;
    if (!value.hashed) return value.bytes;
    const bytes = this.#items.get(idOf(value.hash));
    if (bytes !== undefined) return bytes;
    if (missingOk) return MISSING;
    throw incomplete(key);
  }

  *#walk(
    node: DecodedNode,
    path: number[],
    want: Uint8Array,
    after: Uint8Array | undefined,
    strict: boolean,
  ): Generator<[Uint8Array, Uint8Array]> {
    const base = path.length;
    for (const nibble of node.partial) path.push(nibble);
    try {
      if (!pathsCompatible(path, want) || (after !== undefined && subtreeBefore(path, after))) return;
      if (node.value !== undefined && path.length >= want.length && path.length % 2 === 0) {
        const key = fromNibbles(path);
        const value = this.#valueOf(node, key, !strict);
        if (value !== MISSING && value !== null) yield [key, value];
      }
      if (node.children === undefined) return;
      for (let slot = 0; slot < 16; slot++) {
        const ref = node.children[slot];
        if (ref === undefined) continue;
        path.push(slot);
        if (pathsCompatible(path, want) && (after === undefined || !subtreeBefore(path, after))) {
          const child = this.#resolve(ref, fromNibbles(path, path.length & ~1), true);
          if (child === MISSING) {
            if (strict) throw incomplete(fromNibbles(path, path.length & ~1));
          } else yield* this.#walk(child, path, want, after, strict);
        }
        path.pop();
      }
    } finally {
      path.length = base;
    }
  }
}

function incomplete(key: Uint8Array): TrieError {
  return new TrieError("TRIE_PROOF_INCOMPLETE", "the proof does not cover this key", { key: toHex(key) });
}

/** Checks `proof` against `stateRoot` and reads `keys` from it: value, or null when proven absent. */
export function readProof(
  stateRoot: Uint8Array,
  proof: readonly Uint8Array[],
  keys: Iterable<Uint8Array>,
): Map<Uint8Array, Uint8Array | null> {
  const verified = new VerifiedProof(stateRoot, proof);
  const out = new Map<Uint8Array, Uint8Array | null>();
  for (const key of keys) out.set(key, verified.get(key));
  return out;
}
