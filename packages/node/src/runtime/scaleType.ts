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
import { type ScaleWriter, type Write, withWriter, writerOf } from "./scaleWriter.js";

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

const primitive = <T>(codec: Codec<T>, name: Primitive, write: Write<T>) =>
  scaleType(withWriter(codec, write, { leaf: true }), { kind: "primitive", primitive: name });

const textEncoder = new TextEncoder();

/** `Vec<u8>`: anything but bytes goes through substrate-bindings, as before. */
const bytesCodec = Bytes();
const writeBytes: Write<Uint8Array> = (w, value) => {
  if (!(value instanceof Uint8Array)) return w.bytes(bytesCodec.enc(value));
  w.compact(value.length);
  w.bytes(value);
};

const compactCodec = <T extends number | bigint>(decode: (v: number | bigint) => T): Codec<T> =>
  withWriter(
    enhanceCodec(compact, (v: T) => v, decode),
    (w: ScaleWriter, v: T) => w.compact(v),
    { leaf: true },
  );

/** Writes each field of `fields` in order, by name. */
function fieldsWriter(fields: readonly (readonly [string, AnyScaleType])[]): Write<Record<string, unknown>> {
  const parts = fields.map(([name, type]) => [name, writerOf(type.codec)] as const);
  return (w, value) => {
    for (const [name, write] of parts) write(w, value[name]);
  };
}

const u8Type = primitive(u8, "u8", (w, v) => w.u8(v));

export const t = {
  bool: primitive(bool, "bool", (w, v) => w.u8(v ? 1 : 0)),
  str: primitive(str, "str", (w, v) => {
    const bytes = textEncoder.encode(v);
    w.compact(bytes.length);
    w.bytes(bytes);
  }),
  u8: u8Type,
  u16: primitive(u16, "u16", (w, v) => w.u16(v)),
  u32: primitive(u32, "u32", (w, v) => w.u32(v)),
  u64: primitive(u64, "u64", (w, v) => w.u64(v)),
  u128: primitive(u128, "u128", (w, v) => w.u128(v)),
  unit: scaleType<undefined>(
    withWriter(_void, () => {}, { leaf: true }),
    { kind: "tuple", items: [] },
  ),

  /** `Compact<u32>` as a number. */
  compactU32: scaleType(
    compactCodec((v) => Number(inRange(v, U32_MAX, "Compact<u32>"))),
    { kind: "compact", inner: primitive(u32, "u32", (w, v) => w.u32(v)) },
  ),
  /** `Compact<u64>` as a bigint. */
  compactU64: scaleType(
    compactCodec((v) => inRange(v, U64_MAX, "Compact<u64>")),
    { kind: "compact", inner: primitive(u64, "u64", (w, v) => w.u64(v)) },
  ),
  /** `Compact<u128>` (balances) as a bigint. */
  compactU128: scaleType(
    compactCodec((v) => inRange(v, U128_MAX, "Compact<u128>")),
    { kind: "compact", inner: primitive(u128, "u128", (w, v) => w.u128(v)) },
  ),

  /** `Vec<u8>`. */
  bytes: scaleType(withWriter(bytesCodec, writeBytes, { leaf: true }), { kind: "sequence", inner: u8Type }),
  /** `[u8; n]`. */
  fixed(length: number): ScaleType<Uint8Array> {
    const reference = Bytes(length);
    const codec = withWriter(
      reference,
      (w, v) => {
        if (!(v instanceof Uint8Array)) return w.bytes(reference.enc(v));
        // As substrate-bindings: a longer value is cut, a shorter one written as it is.
        w.bytes(v.length === length ? v : v.subarray(0, length));
      },
      { leaf: true },
    );
    return scaleType(codec, { kind: "array", length, inner: u8Type });
  },

  vec<T>(inner: ScaleType<T>): ScaleType<T[]> {
    const reference = Vector(inner.codec);
    const item = writerOf(inner.codec);
    const codec = withWriter(reference, (w, v) => {
      if (!Array.isArray(v)) return w.bytes(reference.enc(v));
      w.compact(v.length);
      for (const value of v) item(w, value);
    });
    return scaleType(codec, { kind: "sequence", inner: inner });
  },

  option<T>(inner: ScaleType<T>): ScaleType<T | undefined> {
    const variants: VariantDef[] = [
      { name: "None", index: 0, fields: [], unnamed: false },
      { name: "Some", index: 1, fields: [{ name: "", type: inner }], unnamed: true },
    ];
    const some = writerOf(inner.codec);
    const codec = withWriter(Option(inner.codec), (w, v) => {
      if (v === undefined) return w.u8(0);
      w.u8(1);
      some(w, v);
    });
    return scaleType(codec, { kind: "variant", variants }, ["Option"]);
  },

  tuple<const I extends readonly AnyScaleType[]>(...items: I): ScaleType<{ -readonly [K in keyof I]: TypeOf<I[K]> }> {
    const reference = Tuple(...(items.map((i) => i.codec) as [Codec<unknown>]));
    const parts = items.map((i) => writerOf(i.codec));
    const codec = withWriter(reference as unknown as Codec<unknown[]>, (w, v) => {
      for (const [i, write] of parts.entries()) write(w, v[i]);
    });
    return scaleType(codec as unknown as Codec<{ -readonly [K in keyof I]: TypeOf<I[K]> }>, { kind: "tuple", items });
  },

  struct<F extends Record<string, AnyScaleType>>(
    path: readonly string[],
    fields: F,
  ): ScaleType<{ [K in keyof F]: TypeOf<F[K]> }> {
    const codecs = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.codec])) as StringRecord<AnyCodec>;
    const codec = withWriter(
      Struct(codecs) as unknown as Codec<Record<string, unknown>>,
      fieldsWriter(Object.entries(fields)),
    );
    return scaleType(
      codec as unknown as Codec<{ [K in keyof F]: TypeOf<F[K]> }>,
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
    const writers = new Map<string, { readonly index: number; readonly write: Write<unknown> }>();
    for (const name of names) {
      const [index, spec] = variants[name]!;
      if (spec === undefined) {
        codecs[name] = _void;
        defs.push({ name, index, fields: [], unnamed: false });
        writers.set(name, { index, write: () => {} });
      } else if (isScaleType(spec)) {
        codecs[name] = spec.codec;
        defs.push({ name, index, fields: [{ name: "", type: spec }], unnamed: true });
        writers.set(name, { index, write: writerOf(spec.codec) });
      } else {
        const fields = Object.entries(spec).map(([field, type]) => ({ name: field, type }));
        codecs[name] = Struct(Object.fromEntries(fields.map((f) => [f.name, f.type.codec])) as StringRecord<AnyCodec>);
        defs.push({ name, index, fields, unnamed: false });
        const write = fieldsWriter(fields.map((f) => [f.name, f.type] as const));
        writers.set(name, { index, write: write as Write<unknown> });
      }
    }
    const indices = names.map((n) => variants[n]![0]);
    const reference = Variant(codecs as StringRecord<AnyCodec>, indices as never) as unknown as Codec<VariantValue<V>>;
    const codec = withWriter(reference, (w, v) => {
      const variant = writers.get(v.type);
      if (variant === undefined) throw new Error(`${path.join("::") || "variant"}: no variant ${String(v.type)}`);
      w.u8(variant.index);
      variant.write(w, v.value);
    });
    return scaleType(codec, { kind: "variant", variants: defs }, path);
  },

  /** A type known only once something else is built (a runtime's `RuntimeCall` inside `sudo`). */
  lazy<T>(resolve: () => ScaleType<T>): ScaleType<T> {
    const reference = createCodec(
      (value: T) => resolve().codec.enc(value),
      createDecoder((bytes) => resolve().codec.dec(bytes)),
    );
    const codec = withWriter(reference, (w, v) => writerOf(resolve().codec)(w, v));
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
