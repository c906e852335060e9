import { describe, expect, it } from "vitest";
import type { MethodContext, SubscriptionSink } from "./registry.js";
import { RpcError } from "./rpcError.js";
import type { RpcServer } from "./rpcServer.js";
import { deferred, startServer, TestWsClient } from "./rpcTestClient.test-util.js";

/** A `chain_subscribeNewHeads` whose heads the test pushes by hand. */
function headsSource(server: RpcServer, options: { initial?: unknown; maxParams?: number } = {}) {
  const sinks: SubscriptionSink[] = [];
  const contexts: MethodContext[] = [];
  const stops: string[] = [];
  const stopped = new Map<string, ReturnType<typeof deferred<void>>>();
  const stopOf = (id: string) => {
    let entry = stopped.get(id);
    if (entry === undefined) {
      entry = deferred();
      stopped.set(id, entry);
    }
    return entry;
  };
  server.subscriptions.register({
    subscribe: "chain_subscribeNewHeads",
    unsubscribe: "chain_unsubscribeNewHeads",
    notification: "chain_newHead",
    params: { max: options.maxParams ?? 0 },
    start: (_params, sink, ctx) => {
      sinks.push(sink);
      contexts.push(ctx);
      if (options.initial !== undefined) sink.send(options.initial);
      return () => {
        stops.push(sink.subscriptionId);
        stopOf(sink.subscriptionId).resolve();
      };
    },
  });
  return { sinks, contexts, stops, stopped: (id: string) => stopOf(id).promise };
}

describe("subscriptions", () => {
  it("delivers notifications until unsubscribed, then none", async () => {
    const server = await startServer();
    const heads = headsSource(server);
    const client = await TestWsClient.connect(server.wsUrl);
    const subscribed = await client.call("chain_subscribeNewHeads", []);
    const id = subscribed.result;
    expect(typeof id).toBe("string");
    expect(heads.contexts[0]?.transport).toBe("ws");
    const sink = heads.sinks[0]!;
    expect(sink.subscriptionId).toBe(id);

    for (const number of [1, 2, 3]) sink.send({ number: `0x${number.toString(16)}` });
    for (const number of [1, 2, 3]) {
      expect(await client.nextNotification()).toEqual({
        jsonrpc: "2.0",
        method: "chain_newHead",
        params: { subscription: id, result: { number: `0x${number}` } },
      });
    }

    expect(await client.call("chain_unsubscribeNewHeads", [id])).toMatchObject({ result: true });
    expect(heads.stops).toEqual([id]);
    expect(sink.closed).toBe(true);
    sink.send({ number: "0x4" });
    await client.call("rpc_methods");
    expect(client.unclaimed).toBe(0);
    expect(await client.call("chain_unsubscribeNewHeads", [id])).toMatchObject({ result: false });
    expect(heads.stops).toEqual([id]);
  });

  it("sends what start emits at once only after the subscription id", async () => {
    const server = await startServer();
    headsSource(server, { initial: { number: "0x0" } });
    const client = await TestWsClient.connect(server.wsUrl);
    // Sent raw so the response lands in the same queue as the notification, in arrival order.
    client.send(JSON.stringify({ jsonrpc: "2.0", id: "s", method: "chain_subscribeNewHeads" }));
    const response = (await client.next()) as { id: string; result: string };
    expect(response.id).toBe("s");
    expect(await client.nextNotification()).toMatchObject({
      params: { subscription: response.result, result: { number: "0x0" } },
    });
  });

  it("answers subscriptions inside a batch before their notifications", async () => {
    const server = await startServer();
    headsSource(server, { initial: "first" });
    const client = await TestWsClient.connect(server.wsUrl);
    client.send(
      JSON.stringify([
        { jsonrpc: "2.0", id: 1, method: "chain_subscribeNewHeads" },
        { jsonrpc: "2.0", id: 2, method: "chain_subscribeNewHeads" },
      ]),
    );
    const batch = (await client.next()) as { result: string }[];
    const ids = batch.map((entry) => entry.result);
    expect(new Set(ids).size).toBe(2);
    const notified = [await client.nextNotification(), await client.nextNotification()].map(
      (n) => n.params.subscription,
    );
    expect(notified.sort()).toEqual([...ids].sort());
  });

  it("stops every subscription of a connection when it closes, and ignores later writes", async () => {
    const server = await startServer();
    const heads = headsSource(server);
    const client = await TestWsClient.connect(server.wsUrl);
    const other = await TestWsClient.connect(server.wsUrl);
    const a = (await client.call("chain_subscribeNewHeads")).result as string;
    const b = (await client.call("chain_subscribeNewHeads")).result as string;
    const kept = (await other.call("chain_subscribeNewHeads")).result as string;
    client.socket.close();
    await Promise.all([heads.stopped(a), heads.stopped(b)]);
    expect(heads.stops.sort()).toEqual([a, b].sort());
    for (const sink of heads.sinks.slice(0, 2)) {
      expect(sink.closed).toBe(true);
      sink.send("into the void");
    }
    heads.sinks[2]!.send("still here");
    expect(await other.nextNotification()).toMatchObject({ params: { subscription: kept, result: "still here" } });
  });

  it("only unsubscribes the caller's own subscriptions, through the matching unsubscribe method", async () => {
    const server = await startServer();
    headsSource(server);
    server.subscriptions.register({
      subscribe: "state_subscribeStorage",
      unsubscribe: "state_unsubscribeStorage",
      notification: "state_storage",
      start: () => () => {},
    });
    const owner = await TestWsClient.connect(server.wsUrl);
    const stranger = await TestWsClient.connect(server.wsUrl);
    const id = (await owner.call("chain_subscribeNewHeads")).result as string;
    expect(await stranger.call("chain_unsubscribeNewHeads", [id])).toMatchObject({ result: false });
    expect(await owner.call("state_unsubscribeStorage", [id])).toMatchObject({ result: false });
    expect(await owner.call("chain_unsubscribeNewHeads", ["nonexistent"])).toMatchObject({ result: false });
    expect(await owner.call("chain_unsubscribeNewHeads", [])).toMatchObject({ error: { code: -32602 } });
    expect(await owner.call("chain_unsubscribeNewHeads", [{ id }])).toMatchObject({ error: { code: -32602 } });
    expect(await owner.call("chain_unsubscribeNewHeads", [id])).toMatchObject({ result: true });
  });

  it("checks subscribe params and reports a failing start", async () => {
    const server = await startServer();
    headsSource(server);
    server.subscriptions.register({
      subscribe: "test_failing",
      unsubscribe: "test_unfailing",
      notification: "test_failed",
      start: () => {
        throw new RpcError(-32602, "Invalid params", "unknown storage key");
      },
    });
    const client = await TestWsClient.connect(server.wsUrl);
    expect(await client.call("chain_subscribeNewHeads", [1])).toMatchObject({
      error: { code: -32602, data: "expected 0 params, got 1" },
    });
    expect(await client.call("test_failing")).toMatchObject({ error: { code: -32602, data: "unknown storage key" } });
  });

  it("supports an async start and a producer ending its subscription", async () => {
    const server = await startServer();
    const gate = deferred();
    let stops = 0;
    let sink: SubscriptionSink | undefined;
    server.subscriptions.register({
      subscribe: "author_submitAndWatchExtrinsic",
      unsubscribe: "author_unwatchExtrinsic",
      notification: "author_extrinsicUpdate",
      params: 1,
      start: async (_params, s) => {
        await gate.promise;
        sink = s;
        s.send("ready");
        return () => {
          stops += 1;
        };
      },
    });
    const client = await TestWsClient.connect(server.wsUrl);
    const pending = client.call("author_submitAndWatchExtrinsic", ["0x00"]);
    gate.resolve();
    const id = (await pending).result;
    expect(await client.nextNotification()).toMatchObject({ params: { subscription: id, result: "ready" } });
    sink!.send({ finalized: "0xab" });
    sink!.end();
    expect(stops).toBe(1);
    expect(sink!.closed).toBe(true);
    expect(await client.nextNotification()).toMatchObject({ params: { result: { finalized: "0xab" } } });
    expect(await client.call("author_unwatchExtrinsic", [id])).toMatchObject({ result: false });
    expect(stops).toBe(1);
  });

  it("refuses a subscription beyond the per-connection limit, and accepts one again after an unsubscribe", async () => {
    const server = await startServer({ limits: { maxSubscriptionsPerConnection: 2 } });
    headsSource(server);
    const client = await TestWsClient.connect(server.wsUrl);
    const first = (await client.call("chain_subscribeNewHeads")).result;
    await client.call("chain_subscribeNewHeads");
    expect(await client.call("chain_subscribeNewHeads")).toMatchObject({
      error: { code: -32006, message: "Too many subscriptions on the connection", data: "Exceeded max limit of 2" },
    });
    const other = await TestWsClient.connect(server.wsUrl);
    expect(typeof (await other.call("chain_subscribeNewHeads")).result).toBe("string");
    await client.call("chain_unsubscribeNewHeads", [first]);
    expect(typeof (await client.call("chain_subscribeNewHeads")).result).toBe("string");
  });

  it("does not start a subscription requested as a notification", async () => {
    const server = await startServer();
    const heads = headsSource(server);
    const client = await TestWsClient.connect(server.wsUrl);
    client.send(JSON.stringify({ jsonrpc: "2.0", method: "chain_subscribeNewHeads" }));
    await client.call("rpc_methods");
    expect(heads.sinks).toHaveLength(0);
    expect(client.unclaimed).toBe(0);
  });
});
