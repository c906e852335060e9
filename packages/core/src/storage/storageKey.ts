import { byteKey, concatBytes, utf8 } from "../bytes/bytes.js";
import { PhalaError } from "../errors/phalaError.js";
import { blake2_128, blake2_256, twox64, twox128, twox256 } from "../hashing/hashes.js";

/** Substrate's `StorageHasher`s. The `Concat` ones keep the key readable after its hash. */
export type StorageHasher =
  | "Blake2_128"
  | "Blake2_256"
  | "Blake2_128Concat"
  | "Twox128"
  | "Twox256"
  | "Twox64Concat"
  | "Identity";

const HASHERS: Record<StorageHasher, (encoded: Uint8Array) => Uint8Array> = {
  Blake2_128: blake2_128,
  Blake2_256: blake2_256,
  Blake2_128Concat: (encoded) => concatBytes(blake2_128(encoded), encoded),
  Twox128: twox128,
  Twox256: twox256,
  Twox64Concat: (encoded) => concatBytes(twox64(encoded), encoded),
  Identity: (encoded) => encoded,
};

/** Bytes of hash in front of the key itself, for hashers that keep the key; undefined for opaque ones. */
const CONCAT_PREFIX: Partial<Record<StorageHasher, number>> = { Blake2_128Concat: 16, Twox64Concat: 8, Identity: 0 };

export function hashKeyPart(hasher: StorageHasher, encoded: Uint8Array): Uint8Array {
  return HASHERS[hasher](encoded);
}

const prefixCache = new Map<string, Uint8Array>();

/** `twox128(pallet) ++ twox128(item)`, the key of a plain value and the prefix of a map's keys. */
export function storagePrefix(pallet: string, item: string): Uint8Array {
  const id = `${pallet}\u0000${item}`;
  let prefix = prefixCache.get(id);
  if (prefix === undefined) {
    prefix = concatBytes(twox128(utf8(pallet)), twox128(utf8(item)));
    prefixCache.set(id, prefix);
  }
  return prefix;
}

/** `twox128(pallet) ++ twox128(item) ++ hasher₁(key₁) ++ …` for each SCALE-encoded key part. */
export function storageKey(
  pallet: string,
  item: string,
  ...parts: readonly (readonly [StorageHasher, Uint8Array])[]
): Uint8Array {
  const prefix = storagePrefix(pallet, item);
  if (parts.length === 0) return prefix;
  return concatBytes(prefix, ...parts.map(([hasher, encoded]) => hashKeyPart(hasher, encoded)));
}

export class StorageKeyError extends PhalaError<"STORAGE_KEY_INVALID"> {
  override readonly name = "StorageKeyError";
}

/** Recovers the encoded key parts of a map key built with `storageKey`, given each part's encoded length. */
export function splitStorageKey(
  key: Uint8Array,
  pallet: string,
  item: string,
  parts: readonly (readonly [StorageHasher, number])[],
): Uint8Array[] {
  const prefix = storagePrefix(pallet, item);
  if (key.length < prefix.length || byteKey(key.subarray(0, prefix.length)) !== byteKey(prefix)) {
    throw new StorageKeyError("STORAGE_KEY_INVALID", `key is not under ${pallet}.${item}`, { pallet, item });
  }
  const out: Uint8Array[] = [];
  let at = prefix.length;
  for (const [hasher, length] of parts) {
    const skip = CONCAT_PREFIX[hasher];
    if (skip === undefined) {
      throw new StorageKeyError("STORAGE_KEY_INVALID", `${hasher} keys cannot be recovered`, { hasher });
    }
    if (at + skip + length > key.length) {
      throw new StorageKeyError("STORAGE_KEY_INVALID", `key too short for ${pallet}.${item}`, { pallet, item });
    }
    out.push(key.slice(at + skip, at + skip + length));
    at += skip + length;
  }
  if (at !== key.length) {
    throw new StorageKeyError("STORAGE_KEY_INVALID", `key too long for ${pallet}.${item}`, { pallet, item });
  }
  return out;
}
