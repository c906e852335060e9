import { byteKey, concatBytes, decodeExact, hashKeyPart, type StorageHasher, storagePrefix } from "@phala-ts/core";
import { compact } from "@polkadot-api/substrate-bindings";
import { compactPrefix } from "./appendedVector.js";
import type { ScaleType } from "./scaleType.js";

/** What a storage item reads from: the block overlay, or a committed trie. */
export interface StorageReader {
  get(key: Uint8Array): Uint8Array | undefined;
}

export interface StorageWriter extends StorageReader {
  set(key: Uint8Array, value: Uint8Array): void;
  remove(key: Uint8Array): void;
  keysWithPrefix(prefix: Uint8Array): Uint8Array[];
  /** Appends an encoded item to a vector value without rewriting it, where the writer can (the block overlay). */
  append?(key: Uint8Array, item: Uint8Array, absent: () => Uint8Array, what: string): void;
}

/** The declaration, as a pallet lists it; `Q` is what a read of an absent entry returns. */
export interface StorageValueDecl<T, Q> {
  readonly kind: "value";
  readonly type: ScaleType<T>;
  readonly default: Q;
  readonly docs: string;
}

export interface StorageMapDecl<K, V, Q> {
  readonly kind: "map";
  readonly hasher: StorageHasher;
  readonly key: ScaleType<K>;
  readonly value: ScaleType<V>;
  readonly default: Q;
  readonly docs: string;
}

// biome-ignore lint/suspicious/noExplicitAny: declarations of any value type, as pallets list them
export type AnyStorageDecl = StorageValueDecl<any, any> | StorageMapDecl<any, any, any>;

export function storageValue<T>(type: ScaleType<T>, options?: { docs?: string }): StorageValueDecl<T, undefined>;
export function storageValue<T>(type: ScaleType<T>, options: { default: T; docs?: string }): StorageValueDecl<T, T>;
export function storageValue<T>(
  type: ScaleType<T>,
  options: { default?: T; docs?: string } = {},
): StorageValueDecl<T, T | undefined> {
  return { kind: "value", type, default: options.default, docs: options.docs ?? "" };
}

export function storageMap<K, V>(
  hasher: StorageHasher,
  key: ScaleType<K>,
  value: ScaleType<V>,
  options?: { docs?: string },
): StorageMapDecl<K, V, undefined>;
export function storageMap<K, V>(
  hasher: StorageHasher,
  key: ScaleType<K>,
  value: ScaleType<V>,
  options: { default: V; docs?: string },
): StorageMapDecl<K, V, V>;
export function storageMap<K, V>(
  hasher: StorageHasher,
  key: ScaleType<K>,
  value: ScaleType<V>,
  options: { default?: V; docs?: string } = {},
): StorageMapDecl<K, V, V | undefined> {
  return { kind: "map", hasher, key, value, default: options.default, docs: options.docs ?? "" };
}

/** A plain value bound to its pallet: key `twox128(pallet) ++ twox128(item)`. */
export class StorageValue<T, Q> {
  readonly key: Uint8Array;

  constructor(
    readonly pallet: string,
    readonly name: string,
    readonly decl: StorageValueDecl<T, Q>,
  ) {
    this.key = storagePrefix(pallet, name);
  }

  get(state: StorageReader): T | Q {
    const raw = state.get(this.key);
    return raw === undefined
      ? this.decl.default
      : decodeExact(this.decl.type.codec.dec, raw, `${this.pallet}.${this.name}`);
  }

  set(state: StorageWriter, value: T): void {
    state.set(this.key, this.decl.type.codec.enc(value));
  }

  remove(state: StorageWriter): void {
    state.remove(this.key);
  }

  mutate<R>(state: StorageWriter, update: (value: T | Q) => { value: T | undefined; result: R }): R {
    const { value, result } = update(this.get(state));
    if (value === undefined) this.remove(state);
    else this.set(state, value);
    return result;
  }

  /**
   * Appends `item` to a `Vec` value without decoding it, as Substrate's `StorageAppend`: only the
   * SCALE compact length prefix is rewritten and the item's encoding goes after the raw bytes, so
   * the stored bytes are exactly those of decoding, pushing and re-encoding. An absent value
   * starts from the declared default (an empty vector when there is none). In the block overlay
   * the bytes are only made when read, so that a block's appends copy nothing.
   */
  append(state: StorageWriter, item: T extends readonly (infer I)[] ? I : never): void {
    const { def, codec } = this.decl.type;
    if (def.kind !== "sequence") throw new Error(`${this.pallet}.${this.name} is not a vector`);
    const encodedItem = def.inner.codec.enc(item);
    const absent = () => codec.enc((this.decl.default ?? []) as T);
    if (state.append !== undefined) {
      state.append(this.key, encodedItem, absent, `${this.pallet}.${this.name}`);
      return;
    }
    const current = state.get(this.key) ?? absent();
    const { length, prefixLength } = compactPrefix(current, `${this.pallet}.${this.name}`);
    const prefix = compact.enc(length + 1);
    const next = new Uint8Array(prefix.length + current.length - prefixLength + encodedItem.length);
    next.set(prefix, 0);
    next.set(current.subarray(prefixLength), prefix.length);
    next.set(encodedItem, prefix.length + current.length - prefixLength);
    state.set(this.key, next);
  }
}

/** Hashed keys kept per map (see `StorageMap.keyFor`). */
const KEY_CACHE_SIZE = 4096;

const CONCAT_HASH_LENGTH: Partial<Record<StorageHasher, number>> = {
  Blake2_128Concat: 16,
  Twox64Concat: 8,
  Identity: 0,
};

/** A map bound to its pallet: key `twox128(pallet) ++ twox128(item) ++ hasher(SCALE(key))`. */
export class StorageMap<K, V, Q> {
  readonly prefix: Uint8Array;
  readonly #keys = new Map<string, Uint8Array>();

  constructor(
    readonly pallet: string,
    readonly name: string,
    readonly decl: StorageMapDecl<K, V, Q>,
  ) {
    this.prefix = storagePrefix(pallet, name);
  }

  /**
   * The storage key of `key`. The same keys come back many times within a block (an account is
   * read and written for its fee, its nonce, its deposit): their hashed keys are kept by their
   * encoding, the most recent ones. The returned bytes are shared: nothing may change them.
   */
  keyFor(key: K): Uint8Array {
    const encoded = this.decl.key.codec.enc(key);
    const id = byteKey(encoded);
    let storageKeyBytes = this.#keys.get(id);
    if (storageKeyBytes === undefined) {
      storageKeyBytes = concatBytes(this.prefix, hashKeyPart(this.decl.hasher, encoded));
      this.#keys.set(id, storageKeyBytes);
      if (this.#keys.size > KEY_CACHE_SIZE) this.#keys.delete(this.#keys.keys().next().value!);
    }
    return storageKeyBytes;
  }

  get(state: StorageReader, key: K): V | Q {
    const raw = state.get(this.keyFor(key));
    return raw === undefined ? this.decl.default : this.#decodeValue(raw);
  }

  contains(state: StorageReader, key: K): boolean {
    return state.get(this.keyFor(key)) !== undefined;
  }

  set(state: StorageWriter, key: K, value: V): void {
    state.set(this.keyFor(key), this.decl.value.codec.enc(value));
  }

  remove(state: StorageWriter, key: K): void {
    state.remove(this.keyFor(key));
  }

  mutate<R>(state: StorageWriter, key: K, update: (value: V | Q) => { value: V | undefined; result: R }): R {
    const storageKeyBytes = this.keyFor(key);
    const raw = state.get(storageKeyBytes);
    const { value, result } = update(raw === undefined ? this.decl.default : this.#decodeValue(raw));
    if (value === undefined) state.remove(storageKeyBytes);
    else state.set(storageKeyBytes, this.decl.value.codec.enc(value));
    return result;
  }

  /** Every entry, in storage-key order; only for hashers that keep the key (`*Concat`, `Identity`). */
  entries(state: StorageWriter): [K, V][] {
    const hashLength = CONCAT_HASH_LENGTH[this.decl.hasher];
    if (hashLength === undefined)
      throw new Error(`${this.pallet}.${this.name}: ${this.decl.hasher} keys cannot be listed`);
    return state.keysWithPrefix(this.prefix).map((storageKeyBytes) => {
      const encodedKey = storageKeyBytes.slice(this.prefix.length + hashLength);
      const key = decodeExact(this.decl.key.codec.dec, encodedKey, `${this.pallet}.${this.name} key`);
      return [key, this.#decodeValue(state.get(storageKeyBytes)!)];
    });
  }

  #decodeValue(raw: Uint8Array): V {
    return decodeExact(this.decl.value.codec.dec, raw, `${this.pallet}.${this.name}`);
  }
}
