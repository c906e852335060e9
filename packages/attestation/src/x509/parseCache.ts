/**
 * Memoisation of pure DER parses (certificates, CRLs). Verifying a DCAP quote parses the same few
 * certificates again and again (the Intel root four times per quote, the PCK CA and TCB signing
 * certificates twice, and the same ones for every quote of a platform), and parsing dominates the
 * cost. A parse depends only on the bytes, so it is cached by them; everything that depends on
 * time (validity windows, CRL freshness, revocation) stays in the verifiers and runs every time.
 *
 * Only successful parses are cached: bad input is parsed, and refused with the caller's error,
 * every time. Cached values are shared by every caller, so they are frozen (`Object.freeze` plus
 * `frozenSet` / `frozenMap` for collections); their byte arrays cannot be frozen and are never
 * handed out of the package.
 */

/** Bounds of one cache: entries, and the DER bytes the entries were parsed from. */
export interface ParseCacheLimits {
  readonly maxEntries: number;
  /** Total DER size of the cached entries; input larger than this is parsed but never cached. */
  readonly maxBytes: number;
}

/** 256 certificates or CRLs, at most 4 MiB of DER: far more than the PKIs one node meets. */
export const DEFAULT_PARSE_CACHE_LIMITS: ParseCacheLimits = { maxEntries: 256, maxBytes: 4 * 1024 * 1024 };

interface Entry<T> {
  readonly value: T;
  readonly bytes: number;
}

const caches = new Set<ParseCache<object>>();

/** A bounded LRU cache of `parse(der)` keyed by the bytes of `der` (a Map in recency order). */
export class ParseCache<T extends object> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #limits: ParseCacheLimits;
  #bytes = 0;

  constructor(limits: ParseCacheLimits = DEFAULT_PARSE_CACHE_LIMITS) {
    this.#limits = limits;
    caches.add(this);
  }

  /**
   * `parse(der)`, or the value an earlier successful parse of the same bytes returned. `parse`
   * must be pure (depend on the bytes only) and its value must be immutable. A parse that throws
   * is not cached.
   */
  parse(der: Uint8Array, parse: (der: Uint8Array) => T): T {
    // Bytes another thread can change would let the key and the parse see different input.
    const input = der.buffer instanceof ArrayBuffer ? der : der.slice();
    // latin1 maps each byte to one character: the cheapest key to build and hash (a 1-byte
    // string as long as the DER), and one-to-one, so no two inputs share a key.
    const key = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString("latin1");
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit.value;
    }
    const value = parse(input);
    if (key.length <= this.#limits.maxBytes) {
      this.#entries.set(key, { value, bytes: key.length });
      this.#bytes += key.length;
      this.#evict();
    }
    return value;
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #evict(): void {
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.#limits.maxEntries && this.#bytes <= this.#limits.maxBytes) return;
      this.#entries.delete(key);
      this.#bytes -= entry.bytes;
    }
  }
}

/** Empties every parse cache (tests, or a caller that wants memory back). */
export function clearParseCaches(): void {
  for (const cache of caches) cache.clear();
}

/** A Set that refuses changes: a cached value's collections are shared by every caller. */
class FrozenSet<T> extends Set<T> {
  constructor(values: Iterable<T>) {
    super();
    for (const value of values) super.add(value);
    Object.freeze(this);
  }
  override add(): never {
    throw new TypeError("frozen set");
  }
  override delete(): never {
    throw new TypeError("frozen set");
  }
  override clear(): never {
    throw new TypeError("frozen set");
  }
}

/** A Map that refuses changes, for the same reason. */
class FrozenMap<K, V> extends Map<K, V> {
  constructor(entries: Iterable<readonly [K, V]>) {
    super();
    for (const [key, value] of entries) super.set(key, value);
    Object.freeze(this);
  }
  override set(): never {
    throw new TypeError("frozen map");
  }
  override delete(): never {
    throw new TypeError("frozen map");
  }
  override clear(): never {
    throw new TypeError("frozen map");
  }
}

export function frozenSet<T>(values: Iterable<T>): ReadonlySet<T> {
  return new FrozenSet(values);
}

export function frozenMap<K, V>(entries: Iterable<readonly [K, V]>): ReadonlyMap<K, V> {
  return new FrozenMap(entries);
}
