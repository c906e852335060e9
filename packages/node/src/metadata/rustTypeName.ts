import type { AnyScaleType } from "../runtime/scaleType.js";
import { knownTypeParams, STRUCTURAL_PATHS } from "./knownTypeParams.js";

/**
 * How Rust source would write the type (`Compact<u128>`, `Vec<u8>`, `[u8; 32]`, `AccountId32`,
 * `Option<u64>`): the `typeName` metadata gives a field. Undefined for anonymous structs and enums,
 * and for an anonymous type that contains itself.
 */
export function rustTypeName(type: AnyScaleType, outer: ReadonlySet<AnyScaleType> = new Set()): string | undefined {
  const { def, path } = type;
  if (outer.has(type)) return undefined;
  const name = (inner: AnyScaleType) => rustTypeName(inner, new Set(outer).add(type));
  if (def.kind === "lazy") return name(def.resolve());
  const last = path[path.length - 1];
  if (last !== undefined) {
    if (!STRUCTURAL_PATHS.has(path.join("::"))) return last;
    const params = knownTypeParams(path, def).map((p) => (p.type === undefined ? undefined : name(p.type)));
    return params.every((p) => p !== undefined) ? `${last}<${params.join(", ")}>` : undefined;
  }
  switch (def.kind) {
    case "primitive":
      return def.primitive;
    case "compact":
      return wrap("Compact", name(def.inner));
    case "sequence":
      return wrap("Vec", name(def.inner));
    case "array": {
      const inner = name(def.inner);
      return inner === undefined ? undefined : `[${inner}; ${def.length}]`;
    }
    case "tuple": {
      const items = def.items.map(name);
      return items.every((i) => i !== undefined) ? `(${items.join(", ")})` : undefined;
    }
    default:
      return undefined;
  }
}

function wrap(outer: string, inner: string | undefined): string | undefined {
  return inner === undefined ? undefined : `${outer}<${inner}>`;
}
