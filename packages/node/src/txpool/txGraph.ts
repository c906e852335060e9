import { toHex } from "@phala-ts/core";
import { IndexedHeap } from "./heap.js";
import { betterFirst, type EntryState, type PoolEntry, type RemovalReason, worseFirst } from "./poolEntry.js";
import { RecentTags } from "./recentTags.js";
import { TxPoolError } from "./txPoolError.js";
import type { SetLimits, SetStats, TxStatus } from "./types.js";

export interface GraphLimits {
  readonly ready: SetLimits;
  readonly future: SetLimits;
}

/** A watcher-visible change made by one graph operation. */
export interface StatusChange {
  readonly entry: PoolEntry;
  readonly status: TxStatus;
}

class Totals implements SetStats {
  count = 0;
  bytes = 0;

  fits(limits: SetLimits, extraCount: number, extraBytes: number): boolean {
    return this.count + extraCount <= limits.count && this.bytes + extraBytes <= limits.bytes;
  }
}

/**
 * The ready/future dependency graph (sc-transaction-pool's base pool). Synchronous; every public
 * mutation ends in `settle`, and the resulting status changes are collected for watchers.
 *
 * A tag is satisfied when a ready transaction provides it or the chain provided it recently. A
 * ready transaction has all its requires satisfied; `readyDeps` counts those provided by ready
 * transactions, and ready transactions with none form `best`, the roots of block-building order.
 * A future transaction waits on its `missing` tags; once none is missing it is "ripe" and moves
 * to ready as soon as the ready set has room (promotion never evicts).
 */
export class TxGraph {
  readonly byKey = new Map<string, PoolEntry>();
  /** tag → the pool transaction (ready or future) providing it; at most one per tag. */
  private readonly providers = new Map<string, PoolEntry>();
  /** tag → ready transactions requiring it. */
  private readonly requiredBy = new Map<string, Set<PoolEntry>>();
  /** tag → future transactions missing it. */
  private readonly wanted = new Map<string, Set<PoolEntry>>();
  private readonly best = new IndexedHeap<PoolEntry>(betterFirst);
  private readonly readyWorst = new IndexedHeap<PoolEntry>(worseFirst);
  private readonly futureWorst = new IndexedHeap<PoolEntry>(worseFirst);
  private readonly ripe = new IndexedHeap<PoolEntry>(betterFirst);
  /** validTill height → transactions that become stale then. */
  private readonly expiries = new Map<number, Set<PoolEntry>>();
  private readonly chainTags: RecentTags;
  readonly readyTotals = new Totals();
  readonly futureTotals = new Totals();
  private readonly demoteChecks: PoolEntry[] = [];
  private readonly before = new Map<PoolEntry, EntryState | "new">();

  constructor(
    private readonly limits: GraphLimits,
    recentTagRounds: number,
  ) {
    this.chainTags = new RecentTags(recentTagRounds);
  }

  /** Ready roots in heap order, for a best-first iteration. */
  bestSnapshot(): readonly PoolEntry[] {
    return this.best.snapshot();
  }

  readyDependents(tag: string): Iterable<PoolEntry> {
    return this.requiredBy.get(tag) ?? [];
  }

  futureEntries(): PoolEntry[] {
    return [...this.byKey.values()].filter((entry) => entry.state === "future");
  }

  /**
   * Adds a validated transaction, replacing the ones providing the same tags and evicting worse
   * ones if its set is full. Throws (changing nothing) when it is a duplicate, does not outbid
   * what it would replace, or would itself be the one evicted.
   */
  insert(entry: PoolEntry): void {
    if (this.byKey.has(entry.key)) {
      throw new TxPoolError("TXPOOL_ALREADY_IMPORTED", "transaction already in the pool", { hash: toHex(entry.hash) });
    }
    if (entry.provideKeys.some((tag) => this.chainTags.has(tag))) {
      throw new TxPoolError("TXPOOL_OUTDATED", "the transaction provides a tag a recent block already provided", {
        hash: toHex(entry.hash),
      });
    }
    const conflicts = new Set<PoolEntry>();
    for (const tag of entry.provideKeys) {
      const provider = this.providers.get(tag);
      if (provider !== undefined) conflicts.add(provider);
    }
    let replaced = 0n;
    for (const conflict of conflicts) replaced += conflict.priority;
    if (conflicts.size > 0 && entry.priority <= replaced) {
      throw new TxPoolError("TXPOOL_PRIORITY_TOO_LOW", "a transaction providing the same tags has higher priority", {
        priority: entry.priority.toString(),
        replaced: replaced.toString(),
      });
    }
    const victims = this.planEvictions(entry, this.allSatisfied(entry) ? "ready" : "future", conflicts);

    this.before.set(entry, "new");
    for (const conflict of conflicts) this.remove(conflict, { type: "usurped", by: entry.hash });
    for (const victim of victims) this.remove(victim, { type: "dropped" });
    this.add(entry);
    if (this.allSatisfied(entry)) this.attachReady(entry);
    else this.attachFuture(entry);
    this.settle(entry);
  }

  private remove(entry: PoolEntry, reason: RemovalReason): void {
    if (entry.state === "removed") return;
    this.touch(entry);
    if (entry.state === "ready") this.detachReady(entry);
    else this.detachFuture(entry);
    for (const tag of entry.provideKeys) if (this.providers.get(tag) === entry) this.providers.delete(tag);
    this.dropExpiry(entry);
    this.byKey.delete(entry.key);
    entry.state = "removed";
    entry.removal = reason;
  }

  /** Removes transactions and settles, demoting their ready dependents to future. */
  removeAll(entries: Iterable<PoolEntry>, reason: RemovalReason): void {
    for (const entry of entries) this.remove(entry, reason);
    this.settle(undefined);
  }

  /**
   * Applies an imported block: its tags become satisfied, the included transactions leave, and any
   * other transaction providing one of those tags is usurped by the block.
   */
  applyBlock(included: readonly PoolEntry[], providedTags: Iterable<string>, height: number): PoolEntry[] {
    const tagOwner = new Map<string, Uint8Array>();
    for (const entry of included) for (const tag of entry.provideKeys) tagOwner.set(tag, entry.hash);
    const tags = new Set([...providedTags, ...tagOwner.keys()]);
    this.chainTags.add(tags);
    for (const entry of included) this.remove(entry, { type: "included" });
    for (const tag of tags) {
      this.release(tag);
      const stale = this.providers.get(tag);
      if (stale !== undefined) this.remove(stale, { type: "usurped", by: tagOwner.get(tag) });
    }
    const expired = [...(this.expiries.get(height) ?? [])];
    this.expiries.delete(height);
    for (const entry of expired) this.remove(entry, { type: "invalid" });
    this.settle(undefined);
    return expired;
  }

  /** Re-indexes an entry after `revalidated` changed its tags or priority (or both). */
  reindex(entry: PoolEntry, update: () => void): void {
    if (entry.state === "removed") return;
    this.touch(entry);
    const wasReady = entry.state === "ready";
    if (wasReady) this.detachReady(entry);
    else this.detachFuture(entry);
    for (const tag of entry.provideKeys) if (this.providers.get(tag) === entry) this.providers.delete(tag);
    this.dropExpiry(entry);
    update();
    const usurper = entry.provideKeys.map((tag) => this.providers.get(tag)).find((other) => other !== undefined);
    if (usurper !== undefined) {
      // Its provides changed to tags another transaction already holds: the incumbent keeps them.
      this.byKey.delete(entry.key);
      entry.state = "removed";
      entry.removal = { type: "usurped", by: usurper.hash };
    } else {
      this.add(entry);
      if (wasReady && this.allSatisfied(entry)) this.attachReady(entry);
      else this.attachFuture(entry);
    }
    this.settle(undefined);
  }

  /** Moves an entry to its new expiry bucket after revalidation renewed its longevity. */
  renew(entry: PoolEntry, update: () => void): void {
    if (entry.state === "removed") return;
    this.dropExpiry(entry);
    update();
    this.addExpiry(entry);
  }

  /** The status changes since the last call, for watchers. */
  takeChanges(): StatusChange[] {
    const changes: StatusChange[] = [];
    for (const [entry, was] of this.before) {
      const now = entry.state;
      if (now === "removed") {
        const reason = entry.removal;
        if (was === "new" || reason === undefined || reason.type === "included") continue;
        changes.push({ entry, status: reason });
      } else if (now !== was) {
        changes.push({ entry, status: { type: now } });
      }
    }
    this.before.clear();
    return changes;
  }

  private add(entry: PoolEntry): void {
    this.byKey.set(entry.key, entry);
    for (const tag of entry.provideKeys) this.providers.set(tag, entry);
    this.addExpiry(entry);
  }

  private dropExpiry(entry: PoolEntry): void {
    const bucket = this.expiries.get(entry.validTill);
    bucket?.delete(entry);
    if (bucket?.size === 0) this.expiries.delete(entry.validTill);
  }

  private addExpiry(entry: PoolEntry): void {
    if (!Number.isSafeInteger(entry.validTill)) return;
    let bucket = this.expiries.get(entry.validTill);
    if (bucket === undefined) {
      bucket = new Set();
      this.expiries.set(entry.validTill, bucket);
    }
    bucket.add(entry);
  }

  private touch(entry: PoolEntry): void {
    if (!this.before.has(entry)) this.before.set(entry, entry.state);
  }

  private isSatisfied(tag: string): boolean {
    return this.providers.get(tag)?.state === "ready" || this.chainTags.has(tag);
  }

  private allSatisfied(entry: PoolEntry): boolean {
    return entry.requireKeys.every((tag) => this.isSatisfied(tag));
  }

  /**
   * The transactions to evict so that `entry` fits in its set: the worst first, only ones ranking
   * strictly below it, never its own ready ancestors (it could not be included without them).
   */
  private planEvictions(entry: PoolEntry, target: "ready" | "future", conflicts: Set<PoolEntry>): PoolEntry[] {
    const totals = target === "ready" ? this.readyTotals : this.futureTotals;
    const limits = target === "ready" ? this.limits.ready : this.limits.future;
    let count = 1;
    let bytes = entry.size;
    for (const conflict of conflicts) {
      if (conflict.state !== target) continue;
      count--;
      bytes -= conflict.size;
    }
    if (totals.fits(limits, count, bytes)) return [];
    const heap = target === "ready" ? this.readyWorst : this.futureWorst;
    const spared = target === "ready" ? this.readyAncestors(entry) : new Set<PoolEntry>();
    const popped: PoolEntry[] = [];
    const victims: PoolEntry[] = [];
    let fits = false;
    for (let candidate = heap.pop(); candidate !== undefined; candidate = heap.pop()) {
      popped.push(candidate);
      if (conflicts.has(candidate) || spared.has(candidate)) continue;
      if (!worseFirst(candidate, entry)) break;
      victims.push(candidate);
      count--;
      bytes -= candidate.size;
      fits = totals.fits(limits, count, bytes);
      if (fits) break;
    }
    for (const candidate of popped) heap.push(candidate);
    if (!fits) {
      throw new TxPoolError("TXPOOL_FULL", `the ${target} queue is full and the transaction ranks lowest`, {
        hash: toHex(entry.hash),
        priority: entry.priority.toString(),
      });
    }
    return victims;
  }

  private readyAncestors(entry: PoolEntry): Set<PoolEntry> {
    const ancestors = new Set<PoolEntry>();
    const stack = [entry];
    for (let current = stack.pop(); current !== undefined; current = stack.pop()) {
      for (const tag of current.requireKeys) {
        const provider = this.providers.get(tag);
        if (provider?.state !== "ready" || ancestors.has(provider)) continue;
        ancestors.add(provider);
        stack.push(provider);
      }
    }
    return ancestors;
  }

  private attachReady(entry: PoolEntry): void {
    entry.state = "ready";
    this.readyTotals.count++;
    this.readyTotals.bytes += entry.size;
    let deps = 0;
    for (const tag of entry.requireKeys) {
      const provider = this.providers.get(tag);
      if (provider !== undefined && provider !== entry && provider.state === "ready") deps++;
      let dependents = this.requiredBy.get(tag);
      if (dependents === undefined) {
        dependents = new Set();
        this.requiredBy.set(tag, dependents);
      }
      dependents.add(entry);
    }
    entry.readyDeps = deps;
    for (const tag of entry.provideKeys) {
      for (const dependent of this.requiredBy.get(tag) ?? []) {
        if (dependent === entry) continue;
        if (dependent.readyDeps++ === 0) this.best.delete(dependent);
      }
      this.release(tag);
    }
    if (deps === 0) this.best.push(entry);
    this.readyWorst.push(entry);
  }

  private detachReady(entry: PoolEntry): void {
    this.readyTotals.count--;
    this.readyTotals.bytes -= entry.size;
    this.best.delete(entry);
    this.readyWorst.delete(entry);
    for (const tag of entry.requireKeys) {
      const dependents = this.requiredBy.get(tag);
      dependents?.delete(entry);
      if (dependents?.size === 0) this.requiredBy.delete(tag);
    }
    for (const tag of entry.provideKeys) {
      for (const dependent of this.requiredBy.get(tag) ?? []) {
        if (dependent === entry) continue;
        if (--dependent.readyDeps === 0) this.best.push(dependent);
        this.demoteChecks.push(dependent);
      }
    }
  }

  private attachFuture(entry: PoolEntry): void {
    entry.state = "future";
    this.futureTotals.count++;
    this.futureTotals.bytes += entry.size;
    for (const tag of entry.requireKeys) {
      if (this.isSatisfied(tag)) continue;
      entry.missing.add(tag);
      let waiting = this.wanted.get(tag);
      if (waiting === undefined) {
        waiting = new Set();
        this.wanted.set(tag, waiting);
      }
      waiting.add(entry);
    }
    if (entry.missing.size === 0) this.ripe.push(entry);
    this.futureWorst.push(entry);
  }

  private detachFuture(entry: PoolEntry): void {
    this.futureTotals.count--;
    this.futureTotals.bytes -= entry.size;
    this.futureWorst.delete(entry);
    this.ripe.delete(entry);
    for (const tag of entry.missing) {
      const waiting = this.wanted.get(tag);
      waiting?.delete(entry);
      if (waiting?.size === 0) this.wanted.delete(tag);
    }
    entry.missing.clear();
  }

  /** `tag` became satisfied: future transactions waiting only on it become ripe. */
  private release(tag: string): void {
    const waiting = this.wanted.get(tag);
    if (waiting === undefined) return;
    this.wanted.delete(tag);
    for (const entry of waiting) {
      entry.missing.delete(tag);
      if (entry.missing.size === 0) this.ripe.push(entry);
    }
  }

  /**
   * Restores the invariants after removals: ready transactions that lost a requirement move to
   * future; ripe future transactions move to ready while there is room; then the future set is
   * trimmed to its limits, worst first, sparing `incoming` (already admitted by `planEvictions`).
   */
  private settle(incoming: PoolEntry | undefined): void {
    if (incoming?.state === "ready") this.demoteChecks.push(incoming);
    const tooBig: PoolEntry[] = [];
    for (;;) {
      for (let entry = this.demoteChecks.pop(); entry !== undefined; entry = this.demoteChecks.pop()) {
        if (entry.state !== "ready" || this.allSatisfied(entry)) continue;
        this.touch(entry);
        this.detachReady(entry);
        this.attachFuture(entry);
      }
      const next = this.ripe.pop();
      if (next === undefined) break;
      if (!this.readyTotals.fits(this.limits.ready, 1, 0)) {
        this.ripe.push(next);
        break;
      }
      if (!this.readyTotals.fits(this.limits.ready, 1, next.size)) {
        tooBig.push(next);
        continue;
      }
      this.touch(next);
      this.detachFuture(next);
      // Satisfaction is re-checked lazily here: a tag may have lost its ready provider since.
      if (this.allSatisfied(next)) this.attachReady(next);
      else this.attachFuture(next);
    }
    for (const entry of tooBig) this.ripe.push(entry);
    while (!this.futureTotals.fits(this.limits.future, 0, 0)) {
      let victim = this.futureWorst.peek();
      if (incoming !== undefined && victim === incoming) {
        this.futureWorst.pop();
        victim = this.futureWorst.peek();
        this.futureWorst.push(incoming);
      }
      if (victim === undefined) break;
      this.remove(victim, { type: "dropped" });
    }
  }

  /** Whether a pool transaction (ready or future) provides the tag. */
  isProvidedByPool(tag: string): boolean {
    return this.providers.has(tag);
  }
}
