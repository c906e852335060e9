import { fromHex } from "@phala-ts/core";
import { decAnyMetadata, type UnifiedMetadata, unifyMetadata } from "@polkadot-api/substrate-bindings";
import { PherryError } from "./pherryError.js";

type Variant = { name: string; index: number; fields: { name: string | undefined }[] };

function variantsOf(metadata: UnifiedMetadata, typeId: number | undefined): Variant[] {
  const def = typeId === undefined ? undefined : metadata.lookup[typeId]?.def;
  return def?.tag === "variant" ? def.value : [];
}

/**
 * What pherry needs from the node's runtime metadata: where its calls are (pallet and call
 * indices) and the names of pallet errors. Read from the chain rather than compiled in, so pherry
 * stays correct when the runtime's layout changes and refuses clearly when a call is gone.
 */
export class ChainMetadata {
  private constructor(readonly metadata: UnifiedMetadata) {}

  static fromHex(hex: string): ChainMetadata {
    try {
      return new ChainMetadata(unifyMetadata(decAnyMetadata(fromHex(hex))));
    } catch (cause) {
      throw new PherryError("PHERRY_BAD_NODE_REPLY", "the node's metadata does not decode", {}, { cause });
    }
  }

  /** `[pallet index, call index]` of `pallet.call` (snake_case, as metadata names calls), checking its argument names. */
  callIndex(pallet: string, call: string, args: readonly string[]): Uint8Array {
    const entry = this.metadata.pallets.find((p) => p.name === pallet);
    const variant = variantsOf(this.metadata, entry?.calls?.type).find((v) => v.name === call);
    if (entry === undefined || variant === undefined) {
      throw new PherryError("PHERRY_METADATA_MISMATCH", `the chain has no ${pallet}.${call}`, { pallet, call });
    }
    const names = variant.fields.map((f) => f.name ?? "");
    if (names.length !== args.length || names.some((name, i) => name !== args[i])) {
      throw new PherryError("PHERRY_METADATA_MISMATCH", `${pallet}.${call} takes other arguments than pherry sends`, {
        pallet,
        call,
        expected: args,
        actual: names,
      });
    }
    return Uint8Array.of(entry.index, variant.index);
  }

  /** `Pallet.Error` for a module error, or undefined when the metadata does not name it. */
  errorName(palletIndex: number, errorIndex: number): string | undefined {
    const entry = this.metadata.pallets.find((p) => p.index === palletIndex);
    const variant = variantsOf(this.metadata, entry?.errors?.type).find((v) => v.index === errorIndex);
    return entry === undefined || variant === undefined ? undefined : `${entry.name}.${variant.name}`;
  }
}
