import { byteKey, isPhalaError, toHex } from "@phala-ts/core";
import { BanList } from "./banList.js";
import { PoolEntry } from "./poolEntry.js";
import { ReadyIterator } from "./readyIterator.js";
import { RevalidationQueue } from "./revalidationQueue.js";
import { type StatusChange, TxGraph } from "./txGraph.js";
import { TxPoolError } from "./txPoolError.js";
import { type TxWatcher, WatcherRegistry } from "./txWatcher.js";
import type {
  PoolTransaction,
  SetLimits,
  TxPoolStats,
  TxSource,
  TxStatus,
  ValidateTransaction,
  ValidTransaction,
} from "./types.js";

export interface TxPoolOptions {
  readonly validate: ValidateTransaction;
  /**
   * The chain's transaction hash (blake2-256 of the bytes). With it, banned and duplicate
   * transactions are refused before validation, and ones failing validation are banned.
   */
  readonly hasher?: (bytes: Uint8Array) => Uint8Array;
  readonly ready?: Partial<SetLimits>;
  readonly future?: Partial<SetLimits>;
  readonly banTimeMs?: number;
  readonly maxBanned?: number;
  /** Transactions revalidated after each block at most; the rest wait for the next blocks. */
  readonly revalidationBatch?: number;
  /** For how many blocks the tags a block provided count as satisfied without revalidation. */
  readonly recentTagBlocks?: number;
  /** Milliseconds clock for bans. */
  readonly now?: () => number;
}

export const TXPOOL_DEFAULTS = {
  ready: { count: 8192, bytes: 20 * 1024 * 1024 },
  future: { count: 1024, bytes: 5 * 1024 * 1024 },
  banTimeMs: 30_000,
  maxBanned: 65_536,
  revalidationBatch: 512,
  recentTagBlocks: 2,
} as const;

export interface SubmitResult {
  readonly hash: Uint8Array;
  readonly status: "ready" | "future";
}

export interface PruneReport {
  /** Pool transactions the block included. */
  readonly included: number;
  /** Transactions past their longevity. */
  readonly expired: number;
  readonly revalidated: number;
  /** Transactions that failed revalidation (removed and banned). */
  readonly invalid: number;
}

/** A submission validated against a state that a block import replaced meanwhile is validated again. */
const MAX_VALIDATION_ATTEMPTS = 3;

/**
 * The transaction pool: validated transactions ordered by their provides/requires tags, split
 * into ready (includable now, in dependency order) and future (waiting for a predecessor), with
 * replacement by priority, bounds with eviction, temporary bans, revalidation after each block,
 * and per-transaction watchers. Chain-agnostic: everything chain-specific is in `validate`.
 *
 * Bounds: ready and future each have a count and a byte limit. A newcomer that does not fit
 * evicts the worst of its own set (lowest priority, then newest), only ones ranking strictly
 * below it and never its own ready ancestors, else it is refused with TXPOOL_FULL and nothing
 * changes. Future transactions go first: a newcomer never evicts a ready transaction to wait in
 * future, moving to ready never evicts (it waits for room), and the ready dependents of an
 * evicted or removed transaction fall back to future, which is then trimmed worst first.
 */
export class TxPool {
  private readonly validate: ValidateTransaction;
  private readonly hasher: ((bytes: Uint8Array) => Uint8Array) | undefined;
  private readonly graph: TxGraph;
  private readonly bans: BanList;
  private readonly watchers = new WatcherRegistry();
  private readonly revalidation = new RevalidationQueue();
  private readonly revalidationBatch: number;
  private revalidating: Promise<unknown> = Promise.resolve();
  /** Blocks pruned so far: the pool's clock for longevity. */
  private height = 0;
  private nextInsertionId = 0;

  constructor(options: TxPoolOptions) {
    const ready = { ...TXPOOL_DEFAULTS.ready, ...options.ready };
    const future = { ...TXPOOL_DEFAULTS.future, ...options.future };
    const banTimeMs = options.banTimeMs ?? TXPOOL_DEFAULTS.banTimeMs;
    const maxBanned = options.maxBanned ?? TXPOOL_DEFAULTS.maxBanned;
    const recentTagBlocks = options.recentTagBlocks ?? TXPOOL_DEFAULTS.recentTagBlocks;
    this.revalidationBatch = options.revalidationBatch ?? TXPOOL_DEFAULTS.revalidationBatch;
    const numbers = {
      readyCount: ready.count,
      readyBytes: ready.bytes,
      futureCount: future.count,
      futureBytes: future.bytes,
      banTimeMs,
      maxBanned,
      recentTagBlocks,
      revalidationBatch: this.revalidationBatch,
    };
    for (const [name, value] of Object.entries(numbers)) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new TxPoolError("TXPOOL_INVALID_OPTIONS", `${name} must be a non-negative integer`, { [name]: value });
      }
    }
    this.validate = options.validate;
    this.hasher = options.hasher;
    this.graph = new TxGraph({ ready, future }, recentTagBlocks);
    this.bans = new BanList(banTimeMs, maxBanned, options.now ?? Date.now);
  }

  /** Validates and adds a transaction. Throws the validation error unchanged, or a `TxPoolError`. */
  async submit(bytes: Uint8Array, source: TxSource): Promise<SubmitResult> {
    const entry = await this.import(bytes, source);
    return { hash: entry.hash, status: entry.state === "ready" ? "ready" : "future" };
  }

  /** `submit`, plus a watcher whose first status is the one returned. */
  async submitAndWatch(bytes: Uint8Array, source: TxSource): Promise<SubmitResult & { readonly watcher: TxWatcher }> {
    const entry = await this.import(bytes, source);
    const status = entry.state === "ready" ? "ready" : "future";
    const watcher = this.watchers.add(entry.key, entry.hash);
    watcher.push({ type: status });
    return { hash: entry.hash, status, watcher };
  }

  /** Watches a pool transaction; its current status comes first. */
  watch(hash: Uint8Array): TxWatcher {
    const key = byteKey(hash);
    const entry = this.graph.byKey.get(key);
    if (entry === undefined || entry.state === "removed") {
      throw new TxPoolError("TXPOOL_UNKNOWN_TRANSACTION", "no such transaction in the pool", { hash: toHex(hash) });
    }
    const watcher = this.watchers.add(key, entry.hash);
    watcher.push({ type: entry.state });
    return watcher;
  }

  /** Ready transactions in an order valid for block building; see `ReadyIterator`. */
  ready(): ReadyIterator {
    return new ReadyIterator(this.graph);
  }

  /** Every pool transaction's bytes: ready ones in block order, then future ones by arrival. */
  pending(): Uint8Array[] {
    const ready = Array.from(this.ready(), (tx) => tx.bytes);
    const future = this.graph.futureEntries().sort((a, b) => a.insertionId - b.insertionId);
    return [...ready, ...future.map((entry) => entry.bytes)];
  }

  get(hash: Uint8Array): PoolTransaction | undefined {
    return this.graph.byKey.get(byteKey(hash));
  }

  has(hash: Uint8Array): boolean {
    return this.graph.byKey.has(byteKey(hash));
  }

  /** Whether a transaction in the pool provides `tag`. */
  isProvided(tag: Uint8Array): boolean {
    return this.graph.isProvidedByPool(byteKey(tag));
  }

  isBanned(hash: Uint8Array): boolean {
    return this.bans.isBanned(byteKey(hash));
  }

  /**
   * Drops transactions (`author_removeExtrinsic`); their ready dependents move back to future.
   * Returns the hashes that were in the pool.
   */
  remove(hashes: readonly Uint8Array[]): Uint8Array[] {
    const entries = this.entriesOf(hashes);
    this.graph.removeAll(entries, { type: "dropped" });
    this.emit(this.graph.takeChanges());
    return entries.map((entry) => entry.hash);
  }

  /**
   * After a block import: removes the included transactions (and bans their hashes), marks the
   * tags the block provided as satisfied, promotes what waited on them, removes transactions whose
   * tags the block took (usurped) or whose longevity ended (invalid); then revalidates the next
   * `revalidationBatch` transactions in round-robin order. Call once per imported block, in order.
   * The pool reflects the block as soon as this returns; the promise settles after revalidation.
   */
  prune(includedHashes: readonly Uint8Array[], providedTags: readonly Uint8Array[]): Promise<PruneReport> {
    this.height++;
    for (const hash of includedHashes) this.bans.ban(byteKey(hash));
    const included = this.entriesOf(includedHashes);
    const expired = this.graph.applyBlock(included, providedTags.map(byteKey), this.height);
    this.emit(this.graph.takeChanges());
    const revalidation = this.revalidating.then(() => this.revalidateBatch());
    this.revalidating = revalidation.catch(() => undefined);
    return revalidation.then(({ revalidated, invalid }) => ({
      included: included.length,
      expired: expired.length,
      revalidated,
      invalid,
    }));
  }

  /** The chain included these transactions in `blockHash` (watchers hear `inBlock`). */
  notifyInBlock(blockHash: Uint8Array, hashes: readonly Uint8Array[]): void {
    for (const hash of hashes) this.watchers.notify(byteKey(hash), { type: "inBlock", blockHash });
  }

  /** `blockHash`, containing these transactions, is final (watchers hear `finalized` and end). */
  notifyFinalized(blockHash: Uint8Array, hashes: readonly Uint8Array[]): void {
    for (const hash of hashes) this.watchers.notify(byteKey(hash), { type: "finalized", blockHash });
  }

  stats(): TxPoolStats {
    const { readyTotals: ready, futureTotals: future } = this.graph;
    return {
      ready: { count: ready.count, bytes: ready.bytes },
      future: { count: future.count, bytes: future.bytes },
      banned: this.bans.size,
    };
  }

  private async import(bytes: Uint8Array, source: TxSource): Promise<PoolEntry> {
    const knownHash = this.hasher?.(bytes);
    const knownKey = knownHash === undefined ? undefined : byteKey(knownHash);
    if (knownHash !== undefined) this.refuseKnown(knownHash);
    let valid: ValidTransaction;
    for (let attempt = 1; ; attempt++) {
      const height = this.height;
      try {
        valid = await this.validate(bytes, source);
      } catch (error) {
        if (knownKey !== undefined && isPhalaError(error, "TX_INVALID")) this.bans.ban(knownKey);
        throw error;
      }
      if (height === this.height || attempt >= MAX_VALIDATION_ATTEMPTS) break;
    }
    const entry = new PoolEntry(valid.hash, bytes, source, this.nextInsertionId++, valid, this.height);
    this.refuseKnown(entry.hash);
    this.graph.insert(entry);
    this.revalidation.push(entry);
    this.emit(this.graph.takeChanges());
    return entry;
  }

  private refuseKnown(hash: Uint8Array): void {
    const key = byteKey(hash);
    if (this.bans.isBanned(key)) {
      throw new TxPoolError("TXPOOL_TEMPORARILY_BANNED", "transaction temporarily banned", { hash: toHex(hash) });
    }
    if (this.graph.byKey.has(key)) {
      throw new TxPoolError("TXPOOL_ALREADY_IMPORTED", "transaction already in the pool", { hash: toHex(hash) });
    }
  }

  private async revalidateBatch(): Promise<{ revalidated: number; invalid: number }> {
    const batch = this.revalidation.take(this.revalidationBatch, this.graph.byKey.size);
    const results = await Promise.all(
      batch.map(async (entry) => {
        try {
          return { entry, valid: await this.validate(entry.bytes, "inBlock") };
        } catch {
          return { entry, valid: undefined };
        }
      }),
    );
    const invalid: PoolEntry[] = [];
    for (const { entry, valid } of results) {
      if (entry.state === "removed") continue;
      if (valid === undefined) {
        invalid.push(entry);
      } else if (entry.reordersWith(valid)) {
        this.graph.reindex(entry, () => entry.revalidated(valid, this.height));
      } else {
        this.graph.renew(entry, () => entry.revalidated(valid, this.height));
      }
    }
    this.graph.removeAll(invalid, { type: "invalid" });
    this.emit(this.graph.takeChanges());
    return { revalidated: batch.length, invalid: invalid.length };
  }

  private entriesOf(hashes: readonly Uint8Array[]): PoolEntry[] {
    const entries: PoolEntry[] = [];
    for (const hash of hashes) {
      const entry = this.graph.byKey.get(byteKey(hash));
      if (entry !== undefined) entries.push(entry);
    }
    return entries;
  }

  private emit(changes: readonly StatusChange[]): void {
    for (const { entry, status } of changes) {
      if (status.type === "invalid") this.bans.ban(entry.key);
      this.watchers.notify(entry.key, status satisfies TxStatus);
    }
  }
}
