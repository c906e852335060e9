import type { SandboxRuntime, TopLevel } from "./sandboxRuntime.js";

/** How many warm contexts an engine keeps, and for how many calls each, unless told otherwise. */
export const WARM_CONTEXT_DEFAULTS = { contexts: 64, callsPerContext: 1000 } as const;

/**
 * A context kept between the queries of one caller to one contract, whose code's top level has
 * run and whose sandbox is built. Only `ContractEngine.runQuery` uses one, for the key and code
 * it was built for.
 */
export class WarmContext {
  /** Served calls, the one that built it included. */
  calls = 1;

  constructor(
    /** The contract and the caller, as `WarmContexts.key` makes them. */
    readonly key: string,
    readonly code: string,
    readonly box: SandboxRuntime,
    /**
     * The gas the code's top level took when it ran (every later call is charged it again) and
     * the interrupt countdown where it left it (every later call starts from it).
     */
    readonly topLevel: TopLevel,
  ) {}

  dispose(): void {
    this.box.dispose();
  }
}

/**
 * The warm contexts of one engine's module, least recently used first. A context is taken out
 * while a call runs in it and put back only if the call succeeded, so a context in which a call
 * failed is never used again.
 */
export class WarmContexts {
  readonly #contexts = new Map<string, WarmContext>();
  readonly #max: number;
  readonly #callsPerContext: number;

  constructor(max: number, callsPerContext: number) {
    this.#max = max;
    this.#callsPerContext = callsPerContext;
  }

  /** The key of a caller's queries to a contract: each pair has a context of its own. */
  static key(contractHex: string, callerHex: string): string {
    return `${contractHex}/${callerHex}`;
  }

  get size(): number {
    return this.#contexts.size;
  }

  get enabled(): boolean {
    return this.#max > 0;
  }

  /** Takes the context for `key`, if it runs `code`; one for other code is dropped. */
  take(key: string, code: string): WarmContext | undefined {
    const context = this.#contexts.get(key);
    if (context === undefined) return undefined;
    this.#contexts.delete(key);
    if (context.code === code) return context;
    context.dispose();
    return undefined;
  }

  /** Keeps a context that has just served a call, as the most recently used; the least recently used go past the bound. */
  put(context: WarmContext): void {
    if (context.calls >= this.#callsPerContext || this.#max === 0) {
      context.dispose();
      return;
    }
    this.#contexts.get(context.key)?.dispose();
    this.#contexts.delete(context.key);
    this.#contexts.set(context.key, context);
    for (const [key, oldest] of this.#contexts) {
      if (this.#contexts.size <= this.#max) break;
      this.#contexts.delete(key);
      oldest.dispose();
    }
  }

  /** Disposes every context. */
  clear(): void {
    const contexts = [...this.#contexts.values()];
    this.#contexts.clear();
    for (const context of contexts) context.dispose();
  }

  /** Lets go of every context without touching its module (which has failed and is being replaced). */
  abandon(): void {
    this.#contexts.clear();
  }
}
