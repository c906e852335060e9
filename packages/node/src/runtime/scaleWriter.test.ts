import { toHex } from "@phala-ts/core";
import { Bytes, Option, Struct, Vector } from "@polkadot-api/substrate-bindings";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bodyCodec, changesCodec } from "../db/codecs.js";
import { createPhalaRuntime } from "../pallets/phalaRuntime.js";
import type { AnyStorageItem } from "./pallet.js";
import { type AnyScaleType, type TypeDef, t } from "./scaleType.js";
import { referenceEncoder } from "./scaleWriter.js";

/** The bytes an encoder produces, or that it threw. */
// biome-ignore lint/suspicious/noExplicitAny: any encoder, given values of its type or not
function outcome(encode: (value: any) => Uint8Array, value: unknown): string {
  try {
    return toHex(encode(value));
  } catch {
    return "threw";
  }
}

function sameAsReference(type: AnyScaleType, value: unknown, what?: string): void {
  expect(outcome(type.codec.enc, value), what).toBe(outcome(referenceEncoder(type.codec), value));
}

const UINT_MAX = { u8: 0xffn, u16: 0xffffn, u32: 0xffff_ffffn, u64: (1n << 64n) - 1n, u128: (1n << 128n) - 1n };

/** Values of a type, generated from its metadata shape (what pallets declare), recursion cut at `depth`. */
function valuesOf(type: AnyScaleType, depth = 0): fc.Arbitrary<unknown> {
  const def: TypeDef = type.def;
  switch (def.kind) {
    case "primitive":
      if (def.primitive === "bool") return fc.boolean();
      if (def.primitive === "str") return fc.string({ unit: "grapheme", maxLength: 80 });
      if (def.primitive === "u64" || def.primitive === "u128") return fc.bigInt(0n, UINT_MAX[def.primitive]);
      return fc.integer({ min: 0, max: Number(UINT_MAX[def.primitive]) });
    case "compact": {
      const inner = (def.inner.def as { primitive: keyof typeof UINT_MAX }).primitive;
      // Small values most of the time: each of the four compact modes is met.
      const max = UINT_MAX[inner];
      const big = fc.oneof(fc.bigInt(0n, 1n << 31n), fc.bigInt(0n, max));
      return inner === "u64" || inner === "u128" ? big : big.map(Number);
    }
    case "sequence":
      if (def.inner.def.kind === "primitive" && def.inner.def.primitive === "u8")
        return fc.uint8Array({ maxLength: 300 });
      return fc.array(valuesOf(def.inner, depth + 1), { maxLength: depth > 2 ? 1 : 4 });
    case "array":
      return fc.uint8Array({ minLength: def.length, maxLength: def.length });
    case "tuple":
      return def.items.length === 0
        ? fc.constant(undefined)
        : fc.tuple(...def.items.map((i) => valuesOf(i, depth + 1)));
    case "composite":
      if (def.fields.length === 1 && def.fields[0]!.name === "") return valuesOf(def.fields[0]!.type, depth);
      return fc.record(Object.fromEntries(def.fields.map((f) => [f.name, valuesOf(f.type, depth + 1)])));
    case "variant": {
      if (type.path.length === 1 && type.path[0] === "Option") {
        return fc.option(valuesOf(def.variants[1]!.fields[0]!.type, depth + 1), { nil: undefined });
      }
      const variants = depth > 4 ? def.variants.filter((v) => v.fields.length === 0) : def.variants;
      if (variants.length === 0) return fc.constant(undefined);
      return fc.oneof(
        ...variants.map((v) => {
          const value =
            v.fields.length === 0
              ? fc.constant(undefined)
              : v.unnamed
                ? valuesOf(v.fields[0]!.type, depth + 1)
                : fc.record(Object.fromEntries(v.fields.map((f) => [f.name, valuesOf(f.type, depth + 1)])));
          return value.map((inner) => ({ type: v.name, value: inner }));
        }),
      );
    }
    case "lazy":
      return depth > 4 ? fc.constant(undefined) : valuesOf(def.resolve(), depth + 1);
  }
}

/** Every type the Phala runtime declares: calls, events, storage keys and values, constants. */
function runtimeTypes(): [string, AnyScaleType][] {
  const runtime = createPhalaRuntime();
  const types: [string, AnyScaleType][] = [
    ["RuntimeCall", runtime.callType],
    ["EventRecord", runtime.eventRecordType],
    ["System.Events", runtime.systemEvents.decl.type],
  ];
  for (const pallet of runtime.pallets) {
    if (pallet.events !== undefined) types.push([`${pallet.name} events`, pallet.events]);
    for (const [name, call] of Object.entries(pallet.calls ?? {})) types.push([`${pallet.name}.${name}`, call.args]);
    for (const [name, item] of Object.entries(pallet.storage ?? {}) as [string, AnyStorageItem][]) {
      if (item.decl.kind === "value") types.push([`${pallet.name}.${name}`, item.decl.type]);
      else types.push([`${pallet.name}.${name} key`, item.decl.key], [`${pallet.name}.${name}`, item.decl.value]);
    }
    for (const [name, constant] of Object.entries(pallet.constants ?? {}))
      types.push([`${pallet.name}.${name}`, constant.type]);
  }
  return types;
}

describe("ScaleWriter encoders", () => {
  it("encode every runtime type byte for byte as substrate-bindings does", () => {
    const types = runtimeTypes();
    expect(types.length).toBeGreaterThan(100);
    for (const [name, type] of types) {
      fc.assert(
        fc.property(valuesOf(type), (value) => {
          sameAsReference(type, value, name);
        }),
        { numRuns: 40 },
      );
    }
  });

  it("encode whole blocks of events as System.Events did", () => {
    const runtime = createPhalaRuntime();
    const records = fc.array(valuesOf(runtime.eventRecordType), { minLength: 50, maxLength: 200 });
    fc.assert(
      fc.property(records, (value) => {
        sameAsReference(runtime.systemEvents.decl.type, value);
      }),
      { numRuns: 20 },
    );
  });

  it("write compact integers in each mode, at each boundary", () => {
    const edges = [0, 1, 63, 64, 16_383, 16_384, 2 ** 30 - 1, 2 ** 30, 2 ** 32 - 1];
    for (const n of edges) sameAsReference(t.compactU32, n);
    for (const n of [...edges.map(BigInt), 1n << 56n, (1n << 64n) - 1n, 1n << 100n, (1n << 128n) - 1n]) {
      sameAsReference(t.compactU128, n);
      sameAsReference(t.compactU64, n);
    }
    sameAsReference(t.compactU32, -1);
    sameAsReference(t.compactU32, Number.NaN);
    expect(outcome(t.compactU32.codec.enc, -1)).toBe("threw");
  });

  it("treat values out of their type's range as substrate-bindings does", () => {
    sameAsReference(t.u8, 300);
    sameAsReference(t.u32, -1);
    sameAsReference(t.u64, (1n << 64n) + 5n);
    sameAsReference(t.u128, -1n);
    sameAsReference(t.u128, 1n << 130n);
    const fixed = t.fixed(32);
    sameAsReference(fixed, new Uint8Array(40).fill(1));
    sameAsReference(fixed, new Uint8Array(10).fill(2));
    sameAsReference(t.bytes, [1, 2, 3]);
    sameAsReference(t.vec(t.u8), new Uint8Array([1, 2]));
    const variant = t.variant(["V"], { A: [3], B: [7, t.u32] });
    sameAsReference(variant, { type: "B", value: 9 });
    expect(outcome(variant.codec.enc, { type: "C", value: 1 })).toBe("threw");
    expect(outcome(referenceEncoder(variant.codec), { type: "C", value: 1 })).toBe("threw");
  });

  it("store blocks in the database's layout (substrate-bindings' Vector and Struct)", () => {
    const changes = Vector(Struct({ key: Bytes(), value: Option(Bytes()), previous: Option(Bytes()) }));
    const change = fc.record({
      key: fc.uint8Array({ maxLength: 80 }),
      value: fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined }),
      previous: fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 40 }), fc.array(fc.uint8Array({ maxLength: 400 })), (set, body) => {
        expect(toHex(changesCodec.enc(set))).toBe(toHex(changes.enc(set)));
        expect(toHex(bodyCodec.enc(body))).toBe(toHex(Vector(Bytes()).enc(body)));
      }),
    );
  });

  it("grow past their first buffer and keep earlier bytes", () => {
    const long = t.vec(t.bytes);
    sameAsReference(long, [new Uint8Array(200).fill(1), new Uint8Array(5000).fill(2), new Uint8Array(3).fill(3)]);
  });
});
