import { byteKey } from "@phala-ts/core";
import type { PoolTransaction, TxSource, ValidTransaction } from "./types.js";

export type EntryState = "ready" | "future" | "removed";

/** How a transaction left the pool; decides what its watchers hear. */
export type RemovalReason =
  | { readonly type: "included" }
  | { readonly type: "dropped" }
  | { readonly type: "invalid" }
  | { readonly type: "usurped"; readonly by: Uint8Array | undefined };

/** The pool's mutable record of one transaction. Tags are kept as `byteKey` strings, deduplicated. */
export class PoolEntry implements PoolTransaction {
  readonly key: string;
  readonly size: number;
  priority: bigint;
  provides: Uint8Array[];
  requires: Uint8Array[];
  provideKeys: string[];
  requireKeys: string[];
  propagate: boolean;
  /** Block height (in prunes seen by the pool) at which the transaction becomes stale. */
  validTill: number;
  state: EntryState = "future";
  /** Ready: how many of `requireKeys` are provided by ready transactions. */
  readyDeps = 0;
  /** Future: the required tags not yet satisfied; the entry is registered as waiting on each. */
  readonly missing = new Set<string>();
  removal: RemovalReason | undefined;

  constructor(
    readonly hash: Uint8Array,
    readonly bytes: Uint8Array,
    readonly source: TxSource,
    readonly insertionId: number,
    valid: ValidTransaction,
    height: number,
  ) {
    this.key = byteKey(hash);
    this.size = bytes.length;
    this.priority = valid.priority;
    this.provides = [];
    this.requires = [];
    this.provideKeys = [];
    this.requireKeys = [];
    this.propagate = valid.propagate;
    this.validTill = 0;
    this.revalidated(valid, height);
  }

  /** Whether fresh validation data changes how the entry is ordered (tags or priority). */
  reordersWith(valid: ValidTransaction): boolean {
    return (
      valid.priority !== this.priority ||
      !sameTags(this.provideKeys, dedupTags(valid.provides)[1]) ||
      !sameTags(this.requireKeys, dedupTags(valid.requires)[1])
    );
  }

  /** Takes fresh validation data; the caller re-indexes the entry wherever tags or priority matter. */
  revalidated(valid: ValidTransaction, height: number): void {
    [this.provides, this.provideKeys] = dedupTags(valid.provides);
    [this.requires, this.requireKeys] = dedupTags(valid.requires);
    this.priority = valid.priority;
    this.propagate = valid.propagate;
    this.validTill = height + Math.max(1, valid.longevity);
  }
}

function dedupTags(tags: readonly Uint8Array[]): [Uint8Array[], string[]] {
  const seen = new Set<string>();
  const kept: Uint8Array[] = [];
  for (const tag of tags) {
    const key = byteKey(tag);
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(tag);
  }
  return [kept, [...seen]];
}

/** Block-building order: higher priority first, then earlier arrival. */
export const betterFirst = (a: PoolEntry, b: PoolEntry): boolean =>
  a.priority !== b.priority ? a.priority > b.priority : a.insertionId < b.insertionId;

/** Eviction order: lower priority first, then later arrival. */
export const worseFirst = (a: PoolEntry, b: PoolEntry): boolean => betterFirst(b, a);

export function sameTags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((tag) => set.has(tag));
}
