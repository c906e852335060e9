import { type StorageHasher, toHex } from "@phala-ts/core";
import type { V14 } from "@polkadot-api/substrate-bindings";
import type { AnyStorageItem } from "../runtime/pallet.js";
import type { AnyScaleType } from "../runtime/scaleType.js";
import { docLines } from "./metaType.js";

type PalletStorage = NonNullable<V14["pallets"][number]["storage"]>;
export type StorageEntry = PalletStorage["items"][number];
type MapEntry = Extract<StorageEntry["type"], { tag: "map" }>["value"];

const HASHER_TAGS: Readonly<Record<StorageHasher, MapEntry["hashers"][number]["tag"]>> = {
  Blake2_128: "Blake2128",
  Blake2_256: "Blake2256",
  Blake2_128Concat: "Blake2128Concat",
  Twox128: "Twox128",
  Twox256: "Twox256",
  Twox64Concat: "Twox64Concat",
  Identity: "Identity",
};

/** `StorageEntryModifier`: an Optional item reads as `None` when absent, a Default one as its default. */
const OPTIONAL = 0;
const DEFAULT = 1;

/**
 * An item's metadata: Optional when declared without a default (fallback `None`, 0x00), else
 * Default with the SCALE encoding of its default as the fallback.
 */
export function storageEntry(item: AnyStorageItem, idOf: (type: AnyScaleType) => number): StorageEntry {
  const { decl } = item;
  const valueType = decl.kind === "value" ? decl.type : decl.value;
  const type: StorageEntry["type"] =
    decl.kind === "value"
      ? { tag: "plain", value: idOf(decl.type) }
      : {
          tag: "map",
          value: {
            hashers: [{ tag: HASHER_TAGS[decl.hasher], value: undefined }],
            key: idOf(decl.key),
            value: idOf(decl.value),
          },
        };
  const optional = decl.default === undefined;
  return {
    name: item.name,
    modifier: optional ? OPTIONAL : DEFAULT,
    type,
    fallback: optional ? "0x00" : toHex(valueType.codec.enc(decl.default)),
    docs: docLines(decl.docs),
  };
}

export function palletStorage(
  prefix: string,
  items: readonly AnyStorageItem[],
  idOf: (type: AnyScaleType) => number,
): PalletStorage | undefined {
  return items.length === 0 ? undefined : { prefix, items: items.map((item) => storageEntry(item, idOf)) };
}
