import { EXTRINSIC_FORMAT_VERSION, toHex } from "@phala-ts/core";
import { metadata, type V14 } from "@polkadot-api/substrate-bindings";
import type { AnyStorageItem, Pallet } from "../runtime/pallet.js";
import type { Runtime } from "../runtime/runtime.js";
import { type AnyScaleType, t } from "../runtime/scaleType.js";
import { SIGNED_EXTENSION_TYPES, uncheckedExtrinsicType } from "./extrinsicTypes.js";
import { docLines } from "./metaType.js";
import { palletStorage } from "./palletStorage.js";
import { palletCallType, palletErrorType } from "./palletTypes.js";
import { PortableRegistry } from "./portableRegistry.js";

/** `RuntimeMetadataPrefixed`'s magic number: the bytes "meta" read as a little-endian u32. */
export const METADATA_MAGIC_NUMBER = 0x6174656d;

type PalletMetadata = V14["pallets"][number];
type IdOf = (type: AnyScaleType) => number;

/** The pallet's own storage items; System's also gets `Events`, which the runtime owns. */
function storageItems(runtime: Runtime, pallet: Pallet): AnyStorageItem[] {
  const items: AnyStorageItem[] = Object.values(pallet.storage ?? {});
  const events = runtime.systemEvents;
  if (pallet.name === events.pallet && !items.some((item) => item.name === events.name)) items.push(events);
  return items;
}

function palletMetadata(runtime: Runtime, pallet: Pallet, idOf: IdOf): PalletMetadata {
  const errors = palletErrorType(pallet);
  return {
    name: pallet.name,
    storage: palletStorage(pallet.name, storageItems(runtime, pallet), idOf),
    calls: pallet.callType === undefined ? undefined : idOf(pallet.callType),
    events: pallet.events === undefined ? undefined : idOf(pallet.events),
    constants: Object.entries(pallet.constants ?? {}).map(([name, constant]) => ({
      name,
      type: idOf(constant.type),
      value: toHex(constant.type.codec.enc(constant.value)),
      docs: docLines(constant.docs),
    })),
    errors: errors === undefined ? undefined : idOf(errors),
    index: pallet.index,
    // v14 has no pallet docs; the v14 codec drops them.
    docs: [],
  };
}

/** The runtime's metadata v14, as substrate-bindings' `v14` codec takes it. Same runtime, same value. */
export function runtimeMetadataV14(runtime: Runtime): V14 {
  const events = runtime.systemEvents;
  if (runtime.pallet(events.pallet) === undefined) throw new Error(`the runtime has no ${events.pallet} pallet`);
  const callTypes = new Map<AnyScaleType, AnyScaleType>();
  for (const pallet of runtime.pallets) {
    const flat = palletCallType(pallet);
    if (pallet.callType !== undefined && flat !== undefined) callTypes.set(pallet.callType, flat);
  }
  const registry = new PortableRegistry(callTypes);
  const idOf: IdOf = (type) => registry.idOf(type);
  const pallets = runtime.pallets.map((pallet) => palletMetadata(runtime, pallet, idOf));
  const extrinsic = {
    type: idOf(uncheckedExtrinsicType(runtime)),
    version: EXTRINSIC_FORMAT_VERSION,
    signedExtensions: SIGNED_EXTENSION_TYPES.map((extension) => ({
      identifier: extension.identifier,
      type: idOf(extension.type),
      additionalSigned: idOf(extension.additionalSigned),
    })),
  };
  const runtimeType = idOf(t.struct([...runtime.callType.path.slice(0, -1), "Runtime"], {}));
  return { lookup: registry.types, pallets, extrinsic, type: runtimeType, apis: [] };
}

/** `RuntimeMetadataPrefixed` (magic "meta", version 14), what `state_getMetadata` returns. */
export function buildMetadata(runtime: Runtime): Uint8Array {
  return metadata.enc({
    magicNumber: METADATA_MAGIC_NUMBER,
    metadata: { tag: "v14", value: runtimeMetadataV14(runtime) },
  });
}
