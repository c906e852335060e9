import { describe, expect, it } from "vitest";
import { type AnyScaleType, t } from "../runtime/scaleType.js";
import { PortableRegistry } from "./portableRegistry.js";
import { rustTypeName } from "./rustTypeName.js";
import { snakeCase } from "./snakeCase.js";

function entry(registry: PortableRegistry, type: AnyScaleType) {
  const id = registry.idOf(type);
  const found = registry.types[id];
  expect(found?.id).toBe(id);
  return found!;
}

describe("snakeCase", () => {
  it("writes camelCase names as Rust does", () => {
    expect(snakeCase("dispatchInfo")).toBe("dispatch_info");
    expect(snakeCase("freeBalance")).toBe("free_balance");
    expect(snakeCase("transferKeepAlive")).toBe("transfer_keep_alive");
    expect(snakeCase("set")).toBe("set");
    expect(snakeCase("already_snake")).toBe("already_snake");
    expect(snakeCase("address20Value")).toBe("address20_value");
    expect(snakeCase("CheckNonZeroSender")).toBe("check_non_zero_sender");
  });
});

describe("PortableRegistry", () => {
  it("gives one ScaleType one id, and merges structurally equal anonymous types", () => {
    const registry = new PortableRegistry();
    const a = t.fixed(32);
    const b = t.fixed(32);
    expect(registry.idOf(a)).toBe(registry.idOf(a));
    expect(registry.idOf(a)).toBe(registry.idOf(b));
    expect(registry.idOf(t.option(t.u64))).toBe(registry.idOf(t.option(t.u64)));
    expect(registry.idOf(t.compactU32)).not.toBe(registry.idOf(t.compactU64));
    // compactU32's inner u32 is its own object, but it is the same primitive.
    const compact = entry(registry, t.compactU32);
    expect(compact.def).toEqual({ tag: "compact", value: registry.idOf(t.u32) });
    expect(registry.types.map((type) => type.id)).toEqual(registry.types.map((_, i) => i));
  });

  it("keeps distinct named declarations apart and shares a declaration re-wrapped with another codec", () => {
    const registry = new PortableRegistry();
    const shape = t.struct(["a", "Thing"], { x: t.u8 });
    const same = t.withCodec(shape.codec, shape);
    expect(registry.idOf(same)).toBe(registry.idOf(shape));
    const other = t.struct(["b", "Thing"], { x: t.u8 });
    expect(registry.idOf(other)).not.toBe(registry.idOf(shape));
  });

  it("refuses two different types under one path, which polkadot.js would confuse", () => {
    const registry = new PortableRegistry();
    registry.idOf(t.struct(["a", "Thing"], { x: t.u8 }));
    registry.idOf(t.struct(["a", "Thing"], { x: t.u16 }));
    expect(() => registry.types).toThrow(/a::Thing/);
  });

  it("maps every kind of TypeDef, with snake_case field names and Rust type names", () => {
    const registry = new PortableRegistry();
    const inner = t.struct(["m", "Inner"], { freeBalance: t.compactU128, flags: t.vec(t.bool) });
    const outer = t.variant(["m", "Outer"], {
      Unit: [0],
      One: [2, t.tuple(t.str, t.u16)],
      Named: [1, { dispatchInfo: inner, maybe: t.option(t.u32), raw: t.fixed(4) }],
    });
    const id = (type: AnyScaleType) => registry.idOf(type);
    const described = entry(registry, outer);
    expect(described.path).toEqual(["m", "Outer"]);
    expect(described.def.tag).toBe("variant");
    if (described.def.tag !== "variant") return;
    expect(described.def.value.map((v) => [v.name, v.index])).toEqual([
      ["Unit", 0],
      ["Named", 1],
      ["One", 2],
    ]);
    const [, named, one] = described.def.value;
    expect(named!.fields.map((f) => [f.name, f.typeName])).toEqual([
      ["dispatch_info", "Inner"],
      ["maybe", "Option<u32>"],
      ["raw", "[u8; 4]"],
    ]);
    expect(one!.fields).toEqual([
      { name: undefined, type: id(t.tuple(t.str, t.u16)), typeName: "(str, u16)", docs: [] },
    ]);
    expect(entry(registry, inner).def).toEqual({
      tag: "composite",
      value: [
        { name: "free_balance", type: id(t.compactU128), typeName: "Compact<u128>", docs: [] },
        { name: "flags", type: id(t.vec(t.bool)), typeName: "Vec<bool>", docs: [] },
      ],
    });
    expect(entry(registry, t.fixed(4)).def).toEqual({ tag: "array", value: { len: 4, type: id(t.u8) } });
    expect(entry(registry, t.bytes).def).toEqual({ tag: "sequence", value: id(t.u8) });
    expect(entry(registry, t.unit).def).toEqual({ tag: "tuple", value: [] });
    expect(entry(registry, t.str).def).toEqual({ tag: "primitive", value: { tag: "str", value: undefined } });
  });

  it("describes Option and Result with their type parameters, as polkadot.js reads them", () => {
    const registry = new PortableRegistry();
    const option = entry(registry, t.option(t.u64));
    expect(option.path).toEqual(["Option"]);
    expect(option.params).toEqual([{ name: "T", type: registry.idOf(t.u64) }]);
    const error = t.variant(["m", "Error"], { Bad: [0] });
    const result = entry(registry, t.variant(["Result"], { Ok: [0, t.unit], Err: [1, error] }));
    expect(result.params).toEqual([
      { name: "T", type: registry.idOf(t.unit) },
      { name: "E", type: registry.idOf(error) },
    ]);
    expect(rustTypeName(t.variant(["Result"], { Ok: [0, t.unit], Err: [1, error] }))).toBe("Result<(), Error>");
  });

  it("resolves lazy types, including a named type that contains itself", () => {
    const registry = new PortableRegistry();
    const call: AnyScaleType = t.variant(["RuntimeCall"], {
      Remark: [0, t.bytes],
      Wrap: [1, { call: t.lazy(() => call) }],
    });
    const id = registry.idOf(call);
    expect(registry.idOf(t.lazy(() => call))).toBe(id);
    const described = registry.types[id]!;
    if (described.def.tag !== "variant") throw new Error("not a variant");
    expect(described.def.value[1]!.fields[0]).toMatchObject({ name: "call", type: id, typeName: "RuntimeCall" });
  });

  it("describes an anonymous type that contains itself, and an Option reached inside its own payload", () => {
    const registry = new PortableRegistry();
    const tree: AnyScaleType = t.vec(t.lazy(() => tree));
    expect(entry(registry, tree).def).toEqual({ tag: "sequence", value: registry.idOf(tree) });
    const holder = entry(registry, t.struct(["m", "Holder"], { tree }));
    expect(holder.def).toEqual({
      tag: "composite",
      value: [{ name: "tree", type: registry.idOf(tree), typeName: undefined, docs: [] }],
    });
    const node: AnyScaleType = t.struct(["m", "Node"], { next: t.lazy(() => maybeNode) });
    const maybeNode: AnyScaleType = t.option(node);
    const option = entry(registry, maybeNode);
    expect(option.params).toEqual([{ name: "T", type: registry.idOf(node) }]);
    expect(entry(registry, node).def).toEqual({
      tag: "composite",
      value: [{ name: "next", type: option.id, typeName: "Option<Node>", docs: [] }],
    });
  });

  it("describes a substituted type by its substitute", () => {
    const original = t.variant(["m", "Call"], { doIt: [0, t.struct([], { someArg: t.u8 })] });
    const flat = t.variant(["m", "Call"], { do_it: [0, { someArg: t.u8 }] });
    const registry = new PortableRegistry(new Map([[original, flat]]));
    const described = entry(registry, original);
    expect(registry.idOf(flat)).toBe(described.id);
    expect(described.def).toEqual({
      tag: "variant",
      value: [
        {
          name: "do_it",
          index: 0,
          docs: [],
          fields: [{ name: "some_arg", type: registry.idOf(t.u8), typeName: "u8", docs: [] }],
        },
      ],
    });
  });

  it("assigns the same ids for the same walk", () => {
    const walk = () => {
      const registry = new PortableRegistry();
      for (const type of [t.option(t.bytes), t.compactU64, t.struct(["x", "Y"], { a: t.u32, b: t.fixed(3) })]) {
        registry.idOf(type);
      }
      return registry.types;
    };
    expect(walk()).toEqual(walk());
  });
});
