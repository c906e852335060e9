import type { V14 } from "@polkadot-api/substrate-bindings";
import type { AnyScaleType, Field, TypeDef } from "../runtime/scaleType.js";
import { knownTypeParams, STRUCTURAL_PATHS } from "./knownTypeParams.js";
import type { DocumentedVariantDef, MetaScaleType } from "./metaType.js";
import { rustTypeName } from "./rustTypeName.js";
import { snakeCase } from "./snakeCase.js";

/** One type of metadata v14's portable registry (`lookup`), as substrate-bindings' `v14` codec has it. */
export type LookupEntry = V14["lookup"][number];
type LookupBody = Omit<LookupEntry, "id">;
type LookupDef = LookupEntry["def"];
type LookupField = Extract<LookupDef, { tag: "composite" }>["value"][number];
type LookupVariant = Extract<LookupDef, { tag: "variant" }>["value"][number];

/**
 * Metadata v14's type registry, built by walking ScaleTypes. Ids are assigned in walk order, so
 * the same walk gives the same ids. A ScaleType gets one id however often it is reached; types
 * with a path are one type per declaration (their `def`), anonymous types and `Option`/`Result`
 * are one type per shape (except one that contains itself); `lazy` types are the type they resolve
 * to. Field names are written in
 * snake_case, as Rust's.
 */
export class PortableRegistry {
  readonly #entries: (LookupEntry | undefined)[] = [];
  readonly #ids = new Map<AnyScaleType, number>();
  readonly #nominal = new Map<TypeDef, Map<string, number>>();
  readonly #structural = new Map<string, number>();
  readonly #building = new Set<AnyScaleType>();

  /** `substitutes`: types to describe by another ScaleType (a pallet's Call enum by its flat form). */
  constructor(private readonly substitutes: ReadonlyMap<AnyScaleType, AnyScaleType> = new Map()) {}

  idOf(type: AnyScaleType): number {
    const known = this.#ids.get(type);
    if (known !== undefined) return known;
    const target = type.def.kind === "lazy" ? type.def.resolve() : (this.substitutes.get(type) ?? type);
    const id = target === type ? this.#register(type) : this.idOf(target);
    this.#ids.set(type, id);
    return id;
  }

  /** Every type, in id order (id = position, as polkadot.js expects). */
  get types(): LookupEntry[] {
    const types = this.#entries.map((entry, id) => {
      if (entry === undefined) throw new Error(`type ${id} was never completed`);
      return entry;
    });
    assertUniquePaths(types);
    return types;
  }

  #register(type: AnyScaleType): number {
    const pathKey = type.path.join("::");
    if (type.path.length > 0 && !STRUCTURAL_PATHS.has(pathKey)) {
      const byPath = this.#nominal.get(type.def) ?? new Map<string, number>();
      const existing = byPath.get(pathKey);
      if (existing !== undefined) return existing;
      // The id exists before the fields are walked, so a type can contain itself (RuntimeCall in Sudo's call).
      const id = this.#entries.push(undefined) - 1;
      this.#ids.set(type, id);
      this.#nominal.set(type.def, byPath.set(pathKey, id));
      this.#entries[id] = { id, ...this.#body(type) };
      return id;
    }
    if (this.#building.has(type)) {
      // Reached again while its own fields are walked: it gets its id now, filled in when that walk ends.
      const id = this.#entries.push(undefined) - 1;
      this.#ids.set(type, id);
      return id;
    }
    this.#building.add(type);
    let body: LookupBody;
    try {
      body = this.#body(type);
    } finally {
      this.#building.delete(type);
    }
    const reserved = this.#ids.get(type);
    if (reserved !== undefined) {
      this.#entries[reserved] = { id: reserved, ...body };
      return reserved;
    }
    const shape = JSON.stringify(body);
    const existing = this.#structural.get(shape);
    if (existing !== undefined) return existing;
    const id = this.#entries.push({ id: this.#entries.length, ...body }) - 1;
    this.#structural.set(shape, id);
    return id;
  }

  #body(type: MetaScaleType): LookupBody {
    const def = this.#def(type.def);
    const params = (type.params ?? knownTypeParams(type.path, type.def)).map((p) => ({
      name: p.name,
      type: p.type === undefined ? undefined : this.idOf(p.type),
    }));
    return { path: [...type.path], params, def, docs: [...(type.docs ?? [])] };
  }

  #def(def: TypeDef): LookupDef {
    switch (def.kind) {
      case "primitive":
        return { tag: "primitive", value: { tag: def.primitive, value: undefined } };
      case "compact":
        return { tag: "compact", value: this.idOf(def.inner) };
      case "sequence":
        return { tag: "sequence", value: this.idOf(def.inner) };
      case "array":
        return { tag: "array", value: { len: def.length, type: this.idOf(def.inner) } };
      case "tuple":
        return { tag: "tuple", value: def.items.map((item) => this.idOf(item)) };
      case "composite":
        return { tag: "composite", value: def.fields.map((field) => this.#field(field)) };
      case "variant":
        return {
          tag: "variant",
          value: [...def.variants].sort((a, b) => a.index - b.index).map((v) => this.#variant(v)),
        };
      case "lazy":
        throw new Error("a lazy type is resolved before it is described");
    }
  }

  #variant(variant: DocumentedVariantDef): LookupVariant {
    return {
      name: variant.name,
      fields: variant.fields.map((field) => this.#field(field)),
      index: variant.index,
      docs: [...(variant.docs ?? [])],
    };
  }

  #field(field: Field): LookupField {
    const type = this.idOf(field.type);
    return {
      name: field.name === "" ? undefined : snakeCase(field.name),
      type,
      typeName: rustTypeName(field.type),
      docs: [],
    };
  }
}

/** Two different types under one path would get one name in polkadot.js, which then decodes one as the other. */
function assertUniquePaths(types: readonly LookupEntry[]): void {
  const shapes = new Map<string, string>();
  for (const { id: _, ...body } of types) {
    const path = body.path.join("::");
    if (path === "" || STRUCTURAL_PATHS.has(path)) continue;
    const shape = JSON.stringify(body);
    const seen = shapes.get(path);
    if (seen !== undefined && seen !== shape) throw new Error(`two different types share the path ${path}`);
    shapes.set(path, shape);
  }
}
