import { describe, expect, it } from "vitest";
import { ParamsSpecError } from "./paramsSpec.js";
import { RpcRegistry, RpcRegistryError, type SubscriptionDefinition } from "./registry.js";

const heads: SubscriptionDefinition = {
  subscribe: "chain_subscribeNewHeads",
  unsubscribe: "chain_unsubscribeNewHeads",
  notification: "chain_newHead",
  start: () => () => {},
};

describe("RpcRegistry", () => {
  it("lists methods, subscribe and unsubscribe names sorted, rpc_methods included", async () => {
    const registry = new RpcRegistry();
    registry.methods.register("system_name", () => "phala");
    registry.methods.register("chain_getHeader", () => null);
    registry.subscriptions.register(heads);
    expect(registry.methods.names()).toEqual([
      "chain_getHeader",
      "chain_subscribeNewHeads",
      "chain_unsubscribeNewHeads",
      "rpc_methods",
      "system_name",
    ]);
    const rpcMethods = registry.lookup("rpc_methods");
    expect(rpcMethods?.kind).toBe("method");
    if (rpcMethods?.kind !== "method") return;
    expect(await rpcMethods.handler([], { connectionId: 1, transport: "ws" })).toEqual({
      methods: registry.methods.names(),
      version: 1,
    });
    expect(registry.subscriptions.has("chain_subscribeNewHeads")).toBe(true);
    expect(registry.subscriptions.has("chain_unsubscribeNewHeads")).toBe(false);
    expect(registry.methods.has("chain_unsubscribeNewHeads")).toBe(true);
  });

  it("refuses a name twice, across methods and subscriptions", () => {
    const registry = new RpcRegistry();
    registry.subscriptions.register(heads);
    expect(() => registry.methods.register("chain_subscribeNewHeads", () => 1)).toThrow(RpcRegistryError);
    expect(() => registry.methods.register("rpc_methods", () => 1)).toThrow(/already registered/);
    expect(() => registry.subscriptions.register({ ...heads, subscribe: "other_subscribe" })).toThrow(
      /chain_unsubscribeNewHeads is already registered/,
    );
    // The failed registration left nothing behind.
    expect(registry.methods.has("other_subscribe")).toBe(false);
  });

  it("refuses bad names and definitions", () => {
    const registry = new RpcRegistry();
    for (const name of ["", "has space", "rpc.discover"]) {
      expect(() => registry.methods.register(name, () => 1)).toThrow(RpcRegistryError);
    }
    expect(() => registry.methods.register("x", "not a function" as never)).toThrow(RpcRegistryError);
    expect(() => registry.subscriptions.register({ ...heads, unsubscribe: heads.subscribe })).toThrow(RpcRegistryError);
    expect(() => registry.subscriptions.register({ ...heads, notification: "" })).toThrow(/notification name/);
    expect(() => registry.methods.register("y", () => 1, { params: { min: 2, max: 1 } })).toThrow(ParamsSpecError);
    expect(() => registry.methods.register("z", () => 1, { params: -1 })).toThrow(ParamsSpecError);
  });
});
