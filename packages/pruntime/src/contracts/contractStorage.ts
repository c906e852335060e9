import type { StorageView } from "@phala-ts/contracts";

/**
 * A contract's committed key-value state inside the enclave: only a successful call's writes
 * change it.
 */
export class ContractStorage implements StorageView {
  readonly #entries: Map<string, string>;
  /** Keys written since the last `takeChanged`, for a state root kept up to date incrementally. */
  #changed = new Set<string>();

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
      this.#changed.add(key);
    }
  }

  /** Each key written since the last call, with its value now (null: deleted); forgets them. */
  takeChanged(): [string, string | null][] {
    const out: [string, string | null][] = [];
    for (const key of this.#changed) out.push([key, this.#entries.get(key) ?? null]);
    this.#changed = new Set();
    return out;
  }

  all(): [string, string][] {
    return [...this.#entries];
  }
}
