import type { JsonValue } from "./json.js";

/** `0x`-prefixed lowercase hex. */
export type Hex = `0x${string}`;

/**
 * The contract's own key-value store. Keys and values are strings; reads see this call's own
 * writes. In `query`, `set` and `delete` throw a `ReadOnlyError`.
 */
export interface Storage {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
  /** Every entry whose key starts with `prefix`, sorted by key (JavaScript string order). */
  entries(prefix?: string): [string, string][];
}

/** Everything a contract can reach outside itself. */
export interface Context {
  /** The verified account that sent the command or signed the query; undefined when nobody did. */
  readonly caller: Hex | undefined;
  readonly contractId: Hex;
  /** The block the call runs in; `timestamp` in milliseconds. There is no clock besides this. */
  readonly block: { readonly number: number; readonly timestamp: number };
  readonly storage: Storage;
  /** An event, public or, with `to`, for one account only. Dropped if the call fails. */
  emit(data: JsonValue, options?: { to?: Hex }): void;
  /** Deterministic bytes: the same call on every worker gets the same ones. At most 65,536 a call. */
  randomBytes(n: number): Uint8Array;
}
