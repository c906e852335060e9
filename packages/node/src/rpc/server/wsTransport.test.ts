import { PhalaError } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { RpcError } from "./rpcError.js";
import { captureLogs, deferred, startServer, TestWsClient, upgradeRefusal } from "./rpcTestClient.test-util.js";

describe("JSON-RPC over WebSocket", () => {
  it("answers calls and tells the handler which connection it came from", async () => {
    const server = await startServer();
    server.methods.register("test_echo", (params) => params);
    server.methods.register("test_context", (_params, ctx) => ctx);
    const first = await TestWsClient.connect(server.wsUrl);
    const second = await TestWsClient.connect(server.wsUrl);
    expect(await first.call("test_echo", [1, { a: "b" }])).toEqual({ jsonrpc: "2.0", id: 1, result: [1, { a: "b" }] });
    expect(await first.call("test_echo")).toMatchObject({ result: [] });
    const a = (await first.call("test_context")).result as { connectionId: number; transport: string };
    const b = (await second.call("test_context")).result as { connectionId: number; transport: string };
    expect(a.transport).toBe("ws");
    expect(a.connectionId).not.toBe(b.connectionId);
    expect(server.connectionCount).toBe(2);
  });

  it("answers a batch, a parse error and invalid requests, and nothing for notifications", async () => {
    const server = await startServer();
    server.methods.register("test_echo", (params) => params);
    const client = await TestWsClient.connect(server.wsUrl);
    client.send("not json");
    expect(await client.next()).toEqual({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
    client.send("[]");
    expect(await client.next()).toMatchObject({ id: null, error: { code: -32600, data: "empty batch" } });
    client.send(
      JSON.stringify([
        { jsonrpc: "2.0", id: "a", method: "test_echo", params: [1] },
        { jsonrpc: "2.0", method: "test_echo" },
        { jsonrpc: "2.0", id: "b", method: "missing" },
      ]),
    );
    expect(await client.next()).toEqual([
      { jsonrpc: "2.0", id: "a", result: [1] },
      { jsonrpc: "2.0", id: "b", error: { code: -32601, message: "Method not found" } },
    ]);
    client.send(JSON.stringify({ jsonrpc: "2.0", method: "test_echo" }));
    client.send(JSON.stringify([{ jsonrpc: "2.0", method: "test_echo" }]));
    // Replies keep the order of requests on one connection, so had the notifications been answered, it would show now.
    await client.call("rpc_methods");
    expect(client.unclaimed).toBe(0);
  });

  it("accepts binary frames holding JSON", async () => {
    const server = await startServer();
    const client = await TestWsClient.connect(server.wsUrl);
    client.socket.send(Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: 5, method: "rpc_methods" })), { binary: true });
    expect(await client.next()).toMatchObject({ id: 5, result: { version: 1 } });
  });

  it("maps handler errors without leaking a stack", async () => {
    const server = await startServer();
    server.methods.register("test_rpcError", () => {
      throw new RpcError(1014, "Priority is too low: (1 vs 1)", "too low");
    });
    server.methods.register("test_phalaError", async () => {
      throw new PhalaError("MQ_BAD_SEQUENCE", "sequence 3 expected, got 5");
    });
    server.methods.register("test_crash", () => {
      throw new TypeError("Cannot read properties of undefined (reading 'root')");
    });
    const client = await TestWsClient.connect(server.wsUrl);
    expect((await client.call("test_rpcError")).error).toEqual({
      code: 1014,
      message: "Priority is too low: (1 vs 1)",
      data: "too low",
    });
    expect((await client.call("test_phalaError")).error).toEqual({
      code: 4003,
      message: "sequence 3 expected, got 5",
      data: "MQ_BAD_SEQUENCE",
    });
    expect((await client.call("test_crash")).error).toEqual({ code: -32603, message: "Internal error" });
  });
});

describe("WebSocket limits", () => {
  it("closes a connection that sends a message over the size limit (1009), others unaffected", async () => {
    const { logger, records } = captureLogs();
    const server = await startServer({ logger, limits: { maxRequestBytes: 1024 } });
    const bystander = await TestWsClient.connect(server.wsUrl);
    const client = await TestWsClient.connect(server.wsUrl);
    expect(await client.call("rpc_methods", [])).toMatchObject({ result: { version: 1 } });
    client.send(JSON.stringify({ jsonrpc: "2.0", id: 9, method: "rpc_methods", pad: "x".repeat(2000) }));
    expect((await client.closed).code).toBe(1009);
    expect(records.some((record) => record["msg"] === "rpc: WebSocket error")).toBe(true);
    expect(await bystander.call("rpc_methods")).toMatchObject({ result: { version: 1 } });
  });

  it("refuses a WebSocket beyond the connection limit with 503 and a log line, and admits one after a close", async () => {
    const { logger, records } = captureLogs();
    const server = await startServer({ logger, limits: { maxConnections: 2 } });
    const stopped = deferred();
    server.subscriptions.register({
      subscribe: "test_watch",
      unsubscribe: "test_unwatch",
      notification: "test_watched",
      start: () => () => stopped.resolve(),
    });
    const first = await TestWsClient.connect(server.wsUrl);
    await TestWsClient.connect(server.wsUrl);

    expect(await upgradeRefusal(server.wsUrl)).toBe(503);
    expect(records).toContainEqual(
      expect.objectContaining({ msg: "rpc: refused a WebSocket connection: connection limit reached", limit: 2 }),
    );

    // The server has processed the close once the connection's subscriptions are stopped.
    await first.call("test_watch");
    first.socket.close();
    await stopped.promise;
    expect(server.connectionCount).toBe(1);
    const third = await TestWsClient.connect(server.wsUrl);
    expect(await third.call("rpc_methods")).toMatchObject({ result: { version: 1 } });
  });

  it("answers 'server is busy' to calls beyond the per-connection in-flight cap", async () => {
    const server = await startServer({ limits: { maxInFlightPerConnection: 2 } });
    const gate = deferred();
    const entered: number[] = [];
    server.methods.register("test_slow", async (params) => {
      entered.push(Number(params[0]));
      await gate.promise;
      return params[0];
    });
    const client = await TestWsClient.connect(server.wsUrl);
    const first = client.call("test_slow", [1]);
    const second = client.call("test_slow", [2]);
    expect(await client.call("test_slow", [3])).toMatchObject({
      error: { code: -32009, message: "Server is busy, try again later", data: "Exceeded max limit of 2" },
    });
    expect(entered).toEqual([1, 2]);
    gate.resolve();
    expect((await first).result).toBe(1);
    expect((await second).result).toBe(2);
    expect(await client.call("test_slow", [4])).toMatchObject({ result: 4 });
  });

  it("closes a connection whose client stops reading once its outgoing buffer passes the limit", async () => {
    const { logger, records } = captureLogs();
    const limit = 1024 * 1024;
    const server = await startServer({ logger, limits: { maxWsBufferedBytes: limit } });
    const sink = deferred<{ send(result: unknown): void; readonly closed: boolean }>();
    const stopped = deferred();
    server.subscriptions.register({
      subscribe: "test_flood",
      unsubscribe: "test_unflood",
      notification: "test_flooded",
      start: (_params, s) => {
        sink.resolve(s);
        return () => stopped.resolve();
      },
    });
    const client = await TestWsClient.connect(server.wsUrl);
    await client.call("test_flood");
    const producer = await sink.promise;
    client.socket.pause();

    const chunk = "f".repeat(256 * 1024);
    let sent = 0;
    // Loopback socket buffers hold a few MiB; past them every frame lands in the ws buffer.
    while (!producer.closed && sent < 400) {
      producer.send(chunk);
      sent += 1;
    }
    expect(producer.closed).toBe(true);
    await stopped.promise;
    expect(records).toContainEqual(
      expect.objectContaining({
        msg: "rpc: closing a WebSocket whose client does not keep up with its outgoing messages",
        limit,
      }),
    );
    client.socket.resume();
    expect((await client.closed).code).toBe(1006);
    expect(server.connectionCount).toBe(0);
  });

  it("refuses WebSocket upgrades from origins outside an allow-list", async () => {
    const server = await startServer({ cors: ["http://dash.local"] });
    const allowed = await TestWsClient.connect(server.wsUrl, { origin: "http://dash.local" });
    expect(await allowed.call("rpc_methods")).toMatchObject({ result: { version: 1 } });
    await TestWsClient.connect(server.wsUrl); // no Origin: not a browser
    expect(await upgradeRefusal(server.wsUrl, { origin: "http://evil.example" })).toBe(403);
  });
});
