import {
  _void,
  Bytes,
  bool,
  type Codec,
  type CodecType,
  compact,
  createCodec,
  createDecoder,
  enhanceCodec,
  Option,
  type StringRecord,
  Struct,
  str,
  Tuple,
  u8,
  u16,
  u32,
  u64,
  u128,
  Variant,
  Vector,
} from "@polkadot-api/substrate-bindings";

/**
 * A SCALE type: its codec from substrate-bindings, plus the shape that Substrate metadata (v14's
 * portable registry) describes. Pallets declare every storage, call and event type with these so
 * metadata can be generated from the same declarations that encode the data.
 */
export interface ScaleType<T> {
  readonly codec: Codec<T>;
  readonly def: TypeDef;
  /** Rust-style path for named types (`["pallet_balances", "AccountData"]`), empty for anonymous ones. */
  readonly path: readonly string[];
}

export type Primitive = "bool" | "str" | "u8" | "u16" | "u32" | "u64" | "u128";

export interface Field {
  readonly name: string;
  readonly type: AnyScaleType;
}

export interface VariantDef {
  readonly name: string;
  readonly index: number;
  readonly fields: readonly Field[];
  /** True when the variant carries one unnamed value rather than named fields. */
  readonly unnamed: boolean;
}

export type TypeDef =
  | { readonly kind: "primitive"; readonly primitive: Primitive }
  | { readonly kind: "compact"; readonly inner: AnyScaleType }
  | { readonly kind: "sequence"; readonly inner: AnyScaleType }
  | { readonly kind: "array"; readonly length: number; readonly inner: AnyScaleType }
  | { readonly kind: "tuple"; readonly items: readonly AnyScaleType[] }
  | { readonly kind: "composite"; readonly fields: readonly Field[] }
  | { readonly kind: "variant"; readonly variants: readonly VariantDef[] }
  | { readonly kind: "lazy"; readonly resolve: () => AnyScaleType };

/** A ScaleType of any value type, as the metadata walker sees them (Codec<T> is invariant in T). */
// biome-ignore lint/suspicious/noExplicitAny: type-erased storage of heterogeneous codecs
export type AnyScaleType = ScaleType<any>;

type AnyCodec = AnyScaleType["codec"];

export type TypeOf<S> = S extends ScaleType<infer T> ? T : never;

const U32_MAX = 0xffff_ffffn;
const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;

function inRange(value: number | bigint, max: bigint, what: string): bigint {
  const big = BigInt(value);
  if (big > max) throw new Error(`${what} out of range`);
  return big;
}

function scaleType<T>(codec: Codec<T>, def: TypeDef, path: readonly string[] = []): ScaleType<T> {
  return { codec, def, path };
}

const primitive = <T>(codec: Codec<T>, name: Primitive) => scaleType(codec, { kind: "primitive", primitive: name });

export const t = {
  bool: primitive(bool, "bool"),
  str: primitive(str, "str"),
  u8: primitive(u8, "u8"),
  u16: primitive(u16, "u16"),
  u32: primitive(u32, "u32"),
  u64: primitive(u64, "u64"),
  u128: primitive(u128, "u128"),
  unit: scaleType<undefined>(_void, { kind: "tuple", items: [] }),

  /** `Compact<u32>` as a number. */
  compactU32: scaleType(
    enhanceCodec(
      compact,
      (v: number) => v,
      (v) => Number(inRange(v, U32_MAX, "Compact<u32>")),
    ),
    { kind: "compact", inner: primitive(u32, "u32") },
  ),
  /** `Compact<u64>` as a bigint. */
  compactU64: scaleType(
    enhanceCodec(
      compact,
      (v: bigint) => v,
      (v) => inRange(v, U64_MAX, "Compact<u64>"),
    ),
    { kind: "compact", inner: primitive(u64, "u64") },
  ),
  /** `Compact<u128>` (balances) as a bigint. */
  compactU128: scaleType(
    enhanceCodec(
      compact,
      (v: bigint) => v,
      (v) => inRange(v, U128_MAX, "Compact<u128>"),
    ),
    { kind: "compact", inner: primitive(u128, "u128") },
  ),

  /** `Vec<u8>`. */
  bytes: scaleType(Bytes(), { kind: "sequence", inner: primitive(u8, "u8") }),
  /** `[u8; n]`. */
  fixed(length: number): ScaleType<Uint8Array> {
    return scaleType(Bytes(length), { kind: "array", length, inner: primitive(u8, "u8") });
  },

  vec<T>(inner: ScaleType<T>): ScaleType<T[]> {
    return scaleType(Vector(inner.codec), { kind: "sequence", inner: inner });
  },

  option<T>(inner: ScaleType<T>): ScaleType<T | undefined> {
    const variants: VariantDef[] = [
      { name: "None", index: 0, fields: [], unnamed: false },
      { name: "Some", index: 1, fields: [{ name: "", type: inner }], unnamed: true },
    ];
    return scaleType(Option(inner.codec), { kind: "variant", variants }, ["Option"]);
  },

  tuple<const I extends readonly AnyScaleType[]>(...items: I): ScaleType<{ -readonly [K in keyof I]: TypeOf<I[K]> }> {
    const codec = Tuple(...(items.map((i) => i.codec) as [Codec<unknown>]));
    return scaleType(codec as unknown as Codec<{ -readonly [K in keyof I]: TypeOf<I[K]> }>, { kind: "tuple", items });
  },

  struct<F extends Record<string, AnyScaleType>>(
    path: readonly string[],
    fields: F,
  ): ScaleType<{ [K in keyof F]: TypeOf<F[K]> }> {
    const codecs = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.codec])) as StringRecord<AnyCodec>;
    const codec = Struct(codecs) as unknown as Codec<{ [K in keyof F]: TypeOf<F[K]> }>;
    return scaleType(
      codec,
      { kind: "composite", fields: Object.entries(fields).map(([name, type]) => ({ name, type })) },
      path,
    );
  },

  /**
   * An enum with explicit indices. A variant is `[index, ScaleType]` for one unnamed value, or
   * `[index, {field: ScaleType, …}]` for named fields, or `[index]` for none. Values are
   * `{ type: name, value }` as substrate-bindings' `Variant` has them.
   */
  variant<V extends Record<string, VariantSpec>>(path: readonly string[], variants: V): ScaleType<VariantValue<V>> {
    const names = Object.keys(variants);
    const codecs: Record<string, AnyCodec> = {};
    const defs: VariantDef[] = [];
    for (const name of names) {
      const [index, spec] = variants[name]!;
      if (spec === undefined) {
        codecs[name] = _void;
        defs.push({ name, index, fields: [], unnamed: false });
      } else if (isScaleType(spec)) {
        codecs[name] = spec.codec;
        defs.push({ name, index, fields: [{ name: "", type: spec }], unnamed: true });
      } else {
        const fields = Object.entries(spec).map(([field, type]) => ({ name: field, type }));
        codecs[name] = Struct(Object.fromEntries(fields.map((f) => [f.name, f.type.codec])) as StringRecord<AnyCodec>);
        defs.push({ name, index, fields, unnamed: false });
      }
    }
    const indices = names.map((n) => variants[n]![0]);
    const codec = Variant(codecs as StringRecord<AnyCodec>, indices as never) as unknown as Codec<VariantValue<V>>;
    return scaleType(codec, { kind: "variant", variants: defs }, path);
  },

  /** A type known only once something else is built (a runtime's `RuntimeCall` inside `sudo`). */
  lazy<T>(resolve: () => ScaleType<T>): ScaleType<T> {
    const codec = createCodec(
      (value: T) => resolve().codec.enc(value),
      createDecoder((bytes) => resolve().codec.dec(bytes)),
    );
    return scaleType(codec, { kind: "lazy", resolve });
  },

  /**
   * A type whose bytes come from an existing codec (core's, shared with other roles), described for
   * metadata by `shape`; a test must show the two encode alike.
   */
  withCodec<T>(codec: Codec<T>, shape: AnyScaleType): ScaleType<T> {
    return scaleType(codec, shape.def, shape.path);
  },

  /** A named alias of another type (`AccountId32`, `H256`, …) with its own metadata path. */
  named<T>(path: readonly string[], inner: ScaleType<T>): ScaleType<T> {
    return scaleType(inner.codec, { kind: "composite", fields: [{ name: "", type: inner }] }, path);
  },
} as const;

export type VariantSpec =
  | readonly [index: number]
  | readonly [index: number, value: AnyScaleType]
  | readonly [index: number, fields: Record<string, AnyScaleType>];

type VariantPayload<S> = S extends readonly [number, infer P]
  ? P extends ScaleType<infer T>
    ? T
    : P extends Record<string, AnyScaleType>
      ? { [K in keyof P]: TypeOf<P[K]> }
      : never
  : undefined;

export type VariantValue<V extends Record<string, VariantSpec>> = {
  [K in keyof V & string]: { type: K; value: VariantPayload<V[K]> };
}[keyof V & string];

function isScaleType(value: unknown): value is AnyScaleType {
  return typeof value === "object" && value !== null && "codec" in value && "def" in value;
}

export const AccountId32 = t.named(["sp_core", "crypto", "AccountId32"], t.fixed(32));
export const H256 = t.named(["primitive_types", "H256"], t.fixed(32));

export type CodecOf<S extends AnyScaleType> = CodecType<S["codec"]>;
