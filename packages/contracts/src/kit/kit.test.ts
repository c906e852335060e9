import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type Context,
  defineContract,
  fields,
  getJson,
  requireCaller,
  type Storage,
  setJson,
  variant,
} from "./index.js";

function memoryStorage(): Storage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get: (key) => map.get(key),
    set: (key, value) => void map.set(key, value),
    delete: (key) => void map.delete(key),
    entries: (prefix = "") => [...map].filter(([key]) => key.startsWith(prefix)),
  };
}

describe("the authoring kit", () => {
  it("defines a contract, with an init that does nothing when none is given", () => {
    const contract = defineContract({ handle: () => 1, query: () => 2 });
    expect(contract.init(undefined, {} as Context)).toBeNull();
    const withInit = defineContract({ init: () => "set up", handle: () => 1, query: () => 2 });
    expect(withInit.init(undefined, {} as Context)).toBe("set up");
  });

  it("types the entry points from its parameters, or from explicit type arguments", () => {
    type Command = { kind: "add"; by: number };
    const inferred = defineContract({
      handle: (command: Command) => command.by,
      query: (request: { who: string }) => request.who.length,
    });
    expectTypeOf(inferred.handle).parameter(0).toEqualTypeOf<Command>();
    expectTypeOf(inferred.handle).returns.toEqualTypeOf<number>();
    expectTypeOf(inferred.query).parameter(0).toEqualTypeOf<{ who: string }>();
    const explicit = defineContract<{ start: number }, Command, number, null, string>({
      init: (args, ctx) => ctx.storage.set("n", String(args.start)),
      handle: (command) => command.by,
      query: (_request, ctx) => ctx.storage.get("n") ?? "none",
    });
    expectTypeOf(explicit.init).parameter(0).toEqualTypeOf<{ start: number }>();
    expectTypeOf(explicit.query).returns.toEqualTypeOf<string>();
  });

  it("reads and writes JSON in storage, and names the caller", () => {
    const storage = memoryStorage();
    expect(getJson(storage, "missing")).toBeUndefined();
    expect(getJson(storage, "missing", { n: 0 })).toEqual({ n: 0 });
    setJson(storage, "k", { n: [1, 2] });
    expect(storage.map.get("k")).toBe('{"n":[1,2]}');
    expect(getJson<{ n: number[] }>(storage, "k")).toEqual({ n: [1, 2] });
    expect(requireCaller({ caller: "0xab" })).toBe("0xab");
    expect(() => requireCaller({ caller: undefined })).toThrow("this call needs a caller");
  });

  it("checks JSON input: an object with known fields only, a variant with exactly one kind", () => {
    expect(fields({ to: "x" }, "transfer", ["to", "amount"])).toEqual({ to: "x" });
    expect(() => fields({ to: "x", memo: 1 }, "transfer", ["to"])).toThrow('transfer has no field "memo"');
    expect(() => fields([1], "transfer", ["to"])).toThrow("transfer must be an object");
    expect(variant({ bid: { amount: "1" } }, "a command", ["bid", "close"])).toEqual(["bid", { amount: "1" }]);
    expect(() => variant({}, "a command", ["bid", "close"])).toThrow("a command must be one of { bid }, { close }");
    expect(() => variant({ bid: 1, close: 1 }, "a command", ["bid", "close"])).toThrow("must be one of");
  });
});
