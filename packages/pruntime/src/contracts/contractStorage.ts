import type { StorageView } from "@phala-ts/contracts";
import { Trie, utf8 } from "@phala-ts/core";

/**
 * A contract's committed key-value state inside the enclave. Only a successful call's writes
 * change it; its root is the V1 trie root over the UTF-8 keys and values, which every worker of
 * the cluster computes alike.
 */
export class ContractStorage implements StorageView {
  readonly #entries: Map<string, string>;

  constructor(entries: Iterable<readonly [string, string]> = []) {
    this.#entries = new Map(entries);
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): string | undefined {
    return this.#entries.get(key);
  }

  entries(prefix: string): [string, string][] {
    const out: [string, string][] = [];
    for (const entry of this.#entries) if (entry[0].startsWith(prefix)) out.push(entry);
    return out;
  }

  apply(writes: readonly (readonly [string, string | null])[]): void {
    for (const [key, value] of writes) {
      if (value === null) this.#entries.delete(key);
      else this.#entries.set(key, value);
    }
  }

  all(): [string, string][] {
    return [...this.#entries];
  }

  root(): Uint8Array {
    return Trie.fromEntries(
      [...this.#entries].map(([key, value]) => [utf8(key), utf8(value)] as const),
      "V1",
    ).root();
  }
}
