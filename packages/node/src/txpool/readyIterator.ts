import { BinaryHeap } from "./heap.js";
import { betterFirst, type PoolEntry } from "./poolEntry.js";
import type { PoolTransaction } from "./types.js";

export interface ReadyGraphView {
  bestSnapshot(): readonly PoolEntry[];
  readyDependents(tag: string): Iterable<PoolEntry>;
}

/**
 * Ready transactions in block-building order: each after the ready transactions providing its
 * requires; among those available, higher priority first, then earlier arrival. Starts from a copy
 * of the ready roots and unlocks dependents as it goes: O(n log r) for n transactions and r roots.
 * It reads the live pool, so take a fresh one after the pool changes.
 */
export class ReadyIterator implements IterableIterator<PoolTransaction> {
  private readonly heap: BinaryHeap<PoolEntry>;
  private readonly remaining = new Map<PoolEntry, number>();
  private readonly invalid = new Set<PoolTransaction>();
  private last: PoolEntry | undefined;

  constructor(private readonly graph: ReadyGraphView) {
    this.heap = new BinaryHeap(betterFirst, graph.bestSnapshot());
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<PoolTransaction, undefined> {
    this.unlockAfter(this.last);
    this.last = undefined;
    for (let entry = this.heap.pop(); entry !== undefined; entry = this.heap.pop()) {
      if (entry.state !== "ready" || this.invalid.has(entry)) continue;
      this.last = entry;
      return { done: false, value: entry };
    }
    return { done: true, value: undefined };
  }

  /** The transaction could not go into the block: none of its dependents will be yielded. */
  reportInvalid(tx: PoolTransaction): void {
    this.invalid.add(tx);
  }

  private unlockAfter(entry: PoolEntry | undefined): void {
    if (entry === undefined || this.invalid.has(entry)) return;
    for (const tag of entry.provideKeys) {
      for (const dependent of this.graph.readyDependents(tag)) {
        if (dependent === entry || dependent.state !== "ready") continue;
        const left = (this.remaining.get(dependent) ?? dependent.readyDeps) - 1;
        this.remaining.set(dependent, left);
        if (left === 0) this.heap.push(dependent);
      }
    }
  }
}
