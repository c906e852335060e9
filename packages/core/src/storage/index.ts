export type { StorageHasher } from "./storageKey.js";
export { hashKeyPart, StorageKeyError, splitStorageKey, storageKey, storagePrefix } from "./storageKey.js";
