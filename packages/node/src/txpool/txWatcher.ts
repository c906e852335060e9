import { TERMINAL_STATUSES, type TxStatus } from "./types.js";

type Listener = (status: TxStatus) => void;

/**
 * Status updates of one transaction, for `author_submitAndWatchExtrinsic`: read them with
 * `for await` (one reader), or with `on`. Both start from the first status. Ends after a terminal
 * status or `close()`.
 */
export class TxWatcher implements AsyncIterable<TxStatus> {
  /** Every status so far; a handful at most, since a terminal one ends the watcher. */
  private readonly history: TxStatus[] = [];
  private readonly listeners = new Set<Listener>();
  private wake: (() => void) | undefined;
  private ended = false;

  constructor(
    readonly hash: Uint8Array,
    private readonly onEnd: (watcher: TxWatcher) => void,
  ) {}

  get closed(): boolean {
    return this.ended;
  }

  /** Calls `listener` with every status, past ones first; returns the unsubscribe function. */
  on(listener: Listener): () => void {
    for (const status of this.history) listener(status);
    if (!this.ended) this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops watching; a pending `for await` finishes after the statuses already received. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.listeners.clear();
    this.onEnd(this);
    this.wakeUp();
  }

  push(status: TxStatus): void {
    if (this.ended) return;
    this.history.push(status);
    for (const listener of this.listeners) listener(status);
    if (TERMINAL_STATUSES.has(status.type)) this.close();
    else this.wakeUp();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<TxStatus, void, undefined> {
    try {
      for (let next = 0; ; ) {
        const status = this.history[next];
        if (status !== undefined) {
          next++;
          yield status;
          continue;
        }
        if (this.ended) return;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      this.close();
    }
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** Watchers by transaction hash key; several may watch the same transaction. */
export class WatcherRegistry {
  private readonly byKey = new Map<string, Set<TxWatcher>>();

  get size(): number {
    return this.byKey.size;
  }

  add(key: string, hash: Uint8Array): TxWatcher {
    const watcher = new TxWatcher(hash, (ended) => {
      const set = this.byKey.get(key);
      set?.delete(ended);
      if (set?.size === 0) this.byKey.delete(key);
    });
    let set = this.byKey.get(key);
    if (set === undefined) {
      set = new Set();
      this.byKey.set(key, set);
    }
    set.add(watcher);
    return watcher;
  }

  notify(key: string, status: TxStatus): void {
    const set = this.byKey.get(key);
    if (set === undefined) return;
    for (const watcher of [...set]) watcher.push(status);
  }
}
