import { concatBytes, fromHex } from "@phala-ts/core";
import { getDynamicBuilder, getLookupFn, type LookupEntry, type MetadataLookup } from "@polkadot-api/metadata-builders";
import { type Codec, decAnyMetadata, type UnifiedMetadata, unifyMetadata } from "@polkadot-api/substrate-bindings";
import { SdkError } from "../sdkError.js";
import { coerceValue } from "./coerceValue.js";

type DynamicBuilder = ReturnType<typeof getDynamicBuilder>;
type PalletMetadata = UnifiedMetadata["pallets"][number];
export type StorageCodecs = ReturnType<DynamicBuilder["buildStorage"]>;

export interface CallCodec {
  readonly pallet: string;
  /** As metadata names it (snake_case). */
  readonly name: string;
  /** `[pallet index, call index]`: the first two bytes of the encoded call. */
  readonly location: readonly [number, number];
  /** The call's arguments as one struct. */
  readonly args: LookupEntry;
  readonly codec: Codec<unknown>;
}

export interface StorageEntryCodec {
  readonly pallet: string;
  readonly item: string;
  /** The key's parts, in order; empty for a plain value. */
  readonly keyTypes: readonly LookupEntry[];
  readonly codecs: StorageCodecs;
  /** What the chain answers for an absent key of a `ValueQuery` item (its default); undefined for `OptionQuery`. */
  readonly fallback: unknown;
}

/** `transferKeepAlive` → `transfer_keep_alive`, as Rust (and so metadata) spells calls and fields. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

/**
 * The node's runtime metadata, and the codecs it defines (through `@polkadot-api/metadata-builders`):
 * calls, storage entries, events, errors and constants are located and encoded by name, never by
 * compiled-in indices, so the SDK follows the chain's layout and names what is missing.
 *
 * Values use the builders' conventions: AccountId32 is an SS58 string (the chain's prefix), a
 * fixed `[u8; N]` a 0x-hex string, `Vec<u8>` a `Uint8Array`, u64 and wider integers `bigint`,
 * enums `{ type, value }`, struct fields as metadata names them (snake_case).
 */
export class ChainMetadata {
  readonly metadata: UnifiedMetadata;
  readonly lookup: MetadataLookup;
  readonly builder: DynamicBuilder;
  /** `System.SS58Prefix`, the prefix of the chain's addresses. */
  readonly ss58Prefix: number;
  readonly #calls = new Map<string, CallCodec>();
  readonly #storage = new Map<string, StorageEntryCodec>();

  private constructor(metadata: UnifiedMetadata) {
    this.metadata = metadata;
    this.lookup = getLookupFn(metadata);
    this.builder = getDynamicBuilder(this.lookup);
    this.ss58Prefix = this.builder.ss58Prefix ?? 42;
  }

  /** From the bytes (or hex) of `state_getMetadata`. */
  static decode(bytes: Uint8Array | string): ChainMetadata {
    try {
      const raw = typeof bytes === "string" ? fromHex(bytes) : bytes;
      return new ChainMetadata(unifyMetadata(decAnyMetadata(raw)));
    } catch (cause) {
      throw new SdkError("NODE_BAD_REPLY", "the node's metadata does not decode", {}, { cause });
    }
  }

  pallet(name: string): PalletMetadata {
    const pallet = this.metadata.pallets.find((p) => p.name === name);
    if (pallet === undefined) {
      throw new SdkError("METADATA_MISMATCH", `the chain has no pallet ${name}`, {
        pallet: name,
        pallets: this.metadata.pallets.map((p) => p.name),
      });
    }
    return pallet;
  }

  /** The variants of a pallet's calls, events or errors enum, by name. */
  #variants(
    pallet: PalletMetadata,
    kind: "calls" | "events" | "errors",
  ): Extract<LookupEntry, { type: "enum" }>["value"] {
    const typeId = pallet[kind]?.type;
    const entry = typeId === undefined ? undefined : this.lookup(typeId);
    return entry?.type === "enum" ? entry.value : {};
  }

  /** `pallet.call`; the call may be named in snake_case (as metadata) or camelCase. */
  call(palletName: string, callName: string): CallCodec {
    const key = `${palletName}.${callName}`;
    const known = this.#calls.get(key);
    if (known !== undefined) return known;
    const pallet = this.pallet(palletName);
    const variants = this.#variants(pallet, "calls");
    const name = callName in variants ? callName : snakeCase(callName);
    const variant = variants[name];
    if (variant === undefined) {
      throw new SdkError("METADATA_MISMATCH", `the chain has no call ${palletName}.${callName}`, {
        pallet: palletName,
        call: callName,
        calls: Object.keys(variants),
      });
    }
    const { codec, location } = this.builder.buildCall(palletName, name);
    const args: LookupEntry =
      variant.type === "lookupEntry" ? variant.value : ({ id: -1, ...variant } as unknown as LookupEntry);
    const built: CallCodec = { pallet: palletName, name, location, args, codec };
    this.#calls.set(key, built);
    return built;
  }

  /**
   * The SCALE bytes of `pallet.call(args)`: pallet index, call index, arguments. `args` is an object
   * of the call's arguments, named as metadata (snake_case) or in camelCase; accounts may be SS58
   * addresses, 0x-hex or bytes, fixed byte arrays hex or bytes, integers numbers or bigints.
   */
  encodeCall(palletName: string, callName: string, args: Readonly<Record<string, unknown>> = {}): Uint8Array {
    const call = this.call(palletName, callName);
    const where = `${call.pallet}.${call.name}`;
    const value = coerceValue(call.args, args, { where, path: "", ss58Prefix: this.ss58Prefix });
    try {
      return concatBytes(Uint8Array.from(call.location), call.codec.enc(value));
    } catch (cause) {
      throw new SdkError("ARGS_INVALID", `${where}: the arguments do not encode`, { call: where }, { cause });
    }
  }

  storage(palletName: string, itemName: string): StorageEntryCodec {
    const key = `${palletName}.${itemName}`;
    const known = this.#storage.get(key);
    if (known !== undefined) return known;
    const pallet = this.pallet(palletName);
    const item = pallet.storage?.items.find((i) => i.name === itemName);
    if (item === undefined) {
      throw new SdkError("METADATA_MISMATCH", `the chain has no storage entry ${key}`, {
        pallet: palletName,
        item: itemName,
        items: pallet.storage?.items.map((i) => i.name) ?? [],
      });
    }
    const codecs = this.builder.buildStorage(palletName, itemName);
    let keyTypes: LookupEntry[] = [];
    if (item.type.tag === "map") {
      const keyType = this.lookup(item.type.value.key);
      keyTypes = item.type.value.hashers.length === 1 ? [keyType] : keyType.type === "tuple" ? keyType.value : [];
    }
    const built: StorageEntryCodec = {
      pallet: palletName,
      item: itemName,
      keyTypes,
      codecs,
      fallback: codecs.fallback,
    };
    this.#storage.set(key, built);
    return built;
  }

  /** The hex storage key of `pallet.item` at `keys` (none for a plain value; a prefix when fewer than the map's). */
  storageKey(palletName: string, itemName: string, ...keys: unknown[]): string {
    const entry = this.storage(palletName, itemName);
    if (keys.length > entry.keyTypes.length) {
      throw new SdkError("ARGS_INVALID", `${palletName}.${itemName} takes ${entry.keyTypes.length} key(s)`, {
        item: `${palletName}.${itemName}`,
        given: keys.length,
      });
    }
    const where = `${palletName}.${itemName}`;
    const coerced = keys.map((key, i) =>
      coerceValue(entry.keyTypes[i]!, key, { where, path: `key ${i}`, ss58Prefix: this.ss58Prefix }),
    );
    try {
      return entry.codecs.keys.enc(...coerced);
    } catch (cause) {
      throw new SdkError("ARGS_INVALID", `${where}: the key does not encode`, { item: where }, { cause });
    }
  }

  /** The decoded value of a storage entry; an absent one is its default (`ValueQuery`) or undefined. */
  decodeStorage(palletName: string, itemName: string, raw: Uint8Array | string | null | undefined): unknown {
    const entry = this.storage(palletName, itemName);
    if (raw === null || raw === undefined) return entry.fallback;
    try {
      return entry.codecs.value.dec(raw);
    } catch (cause) {
      throw new SdkError(
        "NODE_BAD_REPLY",
        `${palletName}.${itemName}: the stored value does not decode`,
        { item: `${palletName}.${itemName}` },
        { cause },
      );
    }
  }

  /** The keys (decoded) of a map entry's full storage key. */
  decodeStorageKey(palletName: string, itemName: string, key: string): unknown[] {
    try {
      return this.storage(palletName, itemName).codecs.keys.dec(key);
    } catch (cause) {
      throw new SdkError("NODE_BAD_REPLY", `${palletName}.${itemName}: a key does not decode`, { key }, { cause });
    }
  }

  constant(palletName: string, constantName: string): unknown {
    const constant = this.pallet(palletName).constants.find((c) => c.name === constantName);
    if (constant === undefined) {
      throw new SdkError("METADATA_MISMATCH", `the chain has no constant ${palletName}.${constantName}`, {
        pallet: palletName,
        constant: constantName,
      });
    }
    return this.builder.buildConstant(palletName, constantName).dec(constant.value);
  }

  /** The docs of an error, an event or a call, joined (empty when metadata has none). */
  docs(palletName: string, kind: "calls" | "events" | "errors", name: string): string {
    const pallet = this.metadata.pallets.find((p) => p.name === palletName);
    if (pallet === undefined) return "";
    const typeId = pallet[kind]?.type;
    const entry = typeId === undefined ? undefined : this.lookup(typeId);
    if (entry?.type !== "enum") return "";
    return (entry.innerDocs[name] ?? []).join(" ").trim();
  }
}
