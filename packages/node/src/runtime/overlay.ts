import { byteKey, compareBytes, type Trie, type TrieChange } from "@phala-ts/core";
import { AppendedVector } from "./appendedVector.js";

interface Change {
  readonly key: Uint8Array;
  /** null: deleted. */
  readonly value: Uint8Array | AppendedVector | null;
}

const bytesOf = (value: Uint8Array | AppendedVector | null): Uint8Array | null =>
  value instanceof AppendedVector ? value.bytes() : value;

/**
 * Block execution state: reads fall through nested transaction layers to the block's base trie;
 * writes go to the top layer. A failed extrinsic rolls its layer back; the block's change set is
 * what the bottom layer holds at the end.
 */
export class StateOverlay {
  readonly #base: Trie;
  readonly #layers: Map<string, Change>[] = [new Map()];

  constructor(base: Trie) {
    this.#base = base;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const change = this.#latest(byteKey(key));
    if (change !== undefined) return bytesOf(change.value) ?? undefined;
    return this.#base.get(key);
  }

  /**
   * Appends an encoded item to the vector stored at `key` (`absent()` when there is none) without
   * rewriting it: the bytes are made when the value is read (`get`, `changes`).
   */
  append(key: Uint8Array, item: Uint8Array, absent: () => Uint8Array, what: string): void {
    const id = byteKey(key);
    const change = this.#latest(id);
    const current = change === undefined ? this.#base.get(key) : change.value;
    const base = current === null || current === undefined ? absent() : current;
    this.#top().set(id, { key, value: AppendedVector.onto(base, item, what) });
  }

  #latest(id: string): Change | undefined {
    for (let i = this.#layers.length - 1; i >= 0; i--) {
      const change = this.#layers[i]!.get(id);
      if (change !== undefined) return change;
    }
    return undefined;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.#top().set(byteKey(key), { key, value });
  }

  remove(key: Uint8Array): void {
    this.#top().set(byteKey(key), { key, value: null });
  }

  get depth(): number {
    return this.#layers.length - 1;
  }

  startTransaction(): void {
    this.#layers.push(new Map());
  }

  commitTransaction(): void {
    if (this.#layers.length < 2) throw new Error("no transaction to commit");
    const top = this.#layers.pop()!;
    const below = this.#top();
    for (const [id, change] of top) below.set(id, change);
  }

  rollbackTransaction(): void {
    if (this.#layers.length < 2) throw new Error("no transaction to roll back");
    this.#layers.pop();
  }

  /** Runs `body` in a transaction: committed when it returns, rolled back when it throws. */
  transactional<T>(body: () => T): T {
    this.startTransaction();
    try {
      const result = body();
      this.commitTransaction();
      return result;
    } catch (error) {
      this.rollbackTransaction();
      throw error;
    }
  }

  /** Keys under `prefix` in byte order, the overlay's writes and deletions merged over the base. */
  keysWithPrefix(prefix: Uint8Array): Uint8Array[] {
    const pending = new Map<string, Change>();
    for (const layer of this.#layers) {
      for (const [id, change] of layer) if (startsWith(change.key, prefix)) pending.set(id, change);
    }
    const keys: Uint8Array[] = [];
    for (const [key] of this.#base.entries(prefix)) if (!pending.has(byteKey(key))) keys.push(key);
    for (const change of pending.values()) if (change.value !== null) keys.push(change.key);
    return keys.sort(compareBytes);
  }

  /** The net changes against the base trie, in key order. Only valid outside transactions. */
  changes(): TrieChange[] {
    if (this.#layers.length !== 1) throw new Error("changes() inside an open transaction");
    return [...this.#layers[0]!.values()]
      .map((c): TrieChange => [c.key, bytesOf(c.value)])
      .sort(([a], [b]) => compareBytes(a, b));
  }

  /** The base trie with the changes applied. */
  commit(): Trie {
    return this.#base.update(this.changes());
  }

  #top(): Map<string, Change> {
    return this.#layers[this.#layers.length - 1]!;
  }
}

function startsWith(key: Uint8Array, prefix: Uint8Array): boolean {
  if (key.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return false;
  return true;
}
