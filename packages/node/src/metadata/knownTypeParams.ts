import type { AnyScaleType, Field, TypeDef } from "../runtime/scaleType.js";
import type { TypeParam } from "./metaType.js";

function variantField(def: TypeDef, variant: string): AnyScaleType | undefined {
  return def.kind === "variant" ? def.variants.find((v) => v.name === variant)?.fields[0]?.type : undefined;
}

function structField(def: TypeDef, name: string): Field | undefined {
  return def.kind === "composite" ? def.fields.find((f) => f.name === name) : undefined;
}

/** The element type of a `compact` or `sequence`, seen through lazies. */
function innerOf(type: AnyScaleType | undefined): AnyScaleType | undefined {
  let def = type?.def;
  while (def?.kind === "lazy") def = def.resolve().def;
  return def?.kind === "compact" || def?.kind === "sequence" ? def.inner : undefined;
}

interface KnownParams {
  readonly names: readonly string[];
  readonly find: (def: TypeDef) => readonly (AnyScaleType | undefined)[];
}

/**
 * Generic parameters of the Substrate types whose declarations do not list them, but whose
 * parameters polkadot.js reads: `Option<T>` and `Result<T, E>` (it decodes them by parameter, not
 * by variant), `MultiAddress<AccountId, AccountIndex>` (the account id type) and
 * `EventRecord<E, T>` (the runtime's event type).
 */
const KNOWN_PARAMS: Readonly<Record<string, KnownParams>> = {
  Option: { names: ["T"], find: (def) => [variantField(def, "Some")] },
  Result: { names: ["T", "E"], find: (def) => [variantField(def, "Ok"), variantField(def, "Err")] },
  "sp_runtime::multiaddress::MultiAddress": {
    names: ["AccountId", "AccountIndex"],
    find: (def) => [variantField(def, "Id"), innerOf(variantField(def, "Index"))],
  },
  "frame_system::EventRecord": {
    names: ["E", "T"],
    find: (def) => [structField(def, "event")?.type, innerOf(structField(def, "topics")?.type)],
  },
};

/** Generic wrappers: deduplicated by shape (every `Option<u64>` is one type), not by declaration. */
export const STRUCTURAL_PATHS: ReadonlySet<string> = new Set(["Option", "Result"]);

export function knownTypeParams(path: readonly string[], def: TypeDef): TypeParam[] {
  const key = path.join("::");
  const known = KNOWN_PARAMS[key];
  if (known === undefined) return [];
  const types = known.find(def);
  return known.names.map((name, i) => {
    const type = types[i];
    if (type === undefined) throw new Error(`${key}: cannot find its parameter ${name}`);
    return { name, type };
  });
}
