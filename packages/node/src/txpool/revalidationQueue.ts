import type { PoolEntry } from "./poolEntry.js";

/**
 * Round-robin order for revalidation: each block takes a bounded batch from the front and the
 * survivors go to the back, so every pool transaction is revalidated within ⌈size / batch⌉ blocks.
 * Removed entries are skipped lazily and compacted away once they make up half the queue (amortized O(1)).
 */
export class RevalidationQueue {
  private items: PoolEntry[] = [];
  private head = 0;

  push(entry: PoolEntry): void {
    this.items.push(entry);
  }

  /** Up to `max` entries still in the pool, oldest-revalidated first, moved to the back. */
  take(max: number, live: number): PoolEntry[] {
    const batch: PoolEntry[] = [];
    const end = this.items.length;
    while (batch.length < max && this.head < end) {
      const entry = this.items[this.head++] as PoolEntry;
      if (entry.state === "removed") continue;
      batch.push(entry);
      this.items.push(entry);
    }
    this.compact(live);
    return batch;
  }

  private compact(live: number): void {
    const consumedHalf = this.head * 2 >= this.items.length;
    const mostlyRemoved = this.items.length - this.head > 2 * live;
    if (this.items.length < 1024 || !(consumedHalf || mostlyRemoved)) return;
    this.items = this.items.slice(this.head).filter((entry) => entry.state !== "removed");
    this.head = 0;
  }
}
