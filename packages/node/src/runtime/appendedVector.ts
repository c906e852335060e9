import { compact } from "@polkadot-api/substrate-bindings";

/** The value and byte length of the SCALE compact integer that starts `bytes` (a vector's length). */
export function compactPrefix(bytes: Uint8Array, what: string): { length: number; prefixLength: number } {
  const first = bytes[0];
  if (first === undefined) throw new Error(`${what}: an empty value has no vector length`);
  const prefixLength = [1, 2, 4, 5 + (first >> 2)][first & 3]!;
  if (bytes.length < prefixLength) throw new Error(`${what}: truncated vector length`);
  const length = Number(compact.dec(bytes.subarray(0, prefixLength)));
  if (!Number.isSafeInteger(length)) throw new Error(`${what}: vector length out of range`);
  return { length, prefixLength };
}

/**
 * A SCALE vector value grown by appends (Substrate's `StorageAppend`), kept as the value it grew
 * from and the items since, and written out only when read: appending copies nothing, where
 * rewriting the whole value each time made a block's appends quadratic in its size. The bytes are
 * exactly those of decoding, pushing and re-encoding after each append. Never changed once made,
 * so a transaction layer rolled back leaves the value below it as it was.
 */
export class AppendedVector {
  #bytes: Uint8Array | undefined;

  private constructor(
    readonly previous: AppendedVector | undefined,
    /** The encoded vector the appends started from. */
    readonly root: Uint8Array,
    readonly rootPrefixLength: number,
    readonly item: Uint8Array,
    /** Items in the vector, the ones of `root` included. */
    readonly length: number,
  ) {}

  /** `item` (encoded) appended to `base`; a malformed base throws here, as rewriting it would. */
  static onto(base: Uint8Array | AppendedVector, item: Uint8Array, what: string): AppendedVector {
    if (base instanceof AppendedVector)
      return new AppendedVector(base, base.root, base.rootPrefixLength, item, base.length + 1);
    const { length, prefixLength } = compactPrefix(base, what);
    return new AppendedVector(undefined, base, prefixLength, item, length + 1);
  }

  /** compact(length) ++ the root's items ++ each appended item, computed once. */
  bytes(): Uint8Array {
    if (this.#bytes !== undefined) return this.#bytes;
    const items: Uint8Array[] = [];
    let start = this.root.subarray(this.rootPrefixLength);
    for (let node: AppendedVector | undefined = this; node !== undefined; node = node.previous) {
      const known = node === this ? undefined : node.#bytes;
      if (known !== undefined) {
        start = known.subarray(compactPrefix(known, "appended vector").prefixLength);
        break;
      }
      items.push(node.item);
    }
    const prefix = compact.enc(this.length);
    let size = prefix.length + start.length;
    for (const item of items) size += item.length;
    const out = new Uint8Array(size);
    out.set(prefix, 0);
    out.set(start, prefix.length);
    let at = prefix.length + start.length;
    for (let i = items.length - 1; i >= 0; i--) {
      out.set(items[i]!, at);
      at += items[i]!.length;
    }
    this.#bytes = out;
    return out;
  }
}
