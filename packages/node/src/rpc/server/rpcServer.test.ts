import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { createRpcServer, RpcServerError } from "./rpcServer.js";
import { deferred, post, startServer, TestWsClient } from "./rpcTestClient.test-util.js";

/** Counts of the live handles and timers of this thread, by kind, once pending handle closes have run. */
async function resources(): Promise<Record<string, number>> {
  // Closed handles are released in the loop's close phase, which follows the check phase of setImmediate.
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** A POST on its own socket (no keep-alive pool), resolved once that socket is closed. */
function postOnce(url: string, body: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = "";
    const req = request(
      url,
      { method: "POST", agent: false, headers: { "content-type": "application/json" } },
      (res) => {
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
      },
    );
    req.on("close", () => resolve(JSON.parse(text)));
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

describe("createRpcServer", () => {
  it("serves HTTP and WebSocket on one loopback port", async () => {
    const server = await startServer();
    expect(server.host).toBe("127.0.0.1");
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.wsUrl).toBe(`ws://127.0.0.1:${server.port}`);
    expect((await post(server.url, { jsonrpc: "2.0", id: 1, method: "rpc_methods" })).json).toMatchObject({
      result: { methods: ["rpc_methods"], version: 1 },
    });
    const client = await TestWsClient.connect(server.wsUrl);
    expect(await client.call("rpc_methods")).toMatchObject({ result: { methods: ["rpc_methods"] } });
  });

  it("close() terminates connections, stops subscriptions and leaves no handle or timer behind", async () => {
    const before = await resources();
    const server = await createRpcServer({ port: 0 });
    const stopped = deferred();
    server.subscriptions.register({
      subscribe: "test_watch",
      unsubscribe: "test_unwatch",
      notification: "test_watched",
      start: () => () => stopped.resolve(),
    });
    const gate = deferred();
    server.methods.register("test_slow", async () => {
      await gate.promise;
      return "late";
    });
    expect(await postOnce(server.url, { jsonrpc: "2.0", id: 1, method: "rpc_methods" })).toMatchObject({ id: 1 });
    const client = await TestWsClient.connect(server.wsUrl);
    await client.call("test_watch");
    void client.call("test_slow");

    const closing = server.close();
    expect(server.close()).toBe(closing);
    await closing;
    await stopped.promise;
    expect((await client.closed).code).toBe(1006);
    expect(server.connectionCount).toBe(0);
    // A handler finishing after close writes into nothing.
    gate.resolve();

    await expect(fetch(server.url, { method: "POST" })).rejects.toThrow();
    const after = await resources();
    expect(after["TCPServerWrap"] ?? 0).toBe(before["TCPServerWrap"] ?? 0);
    expect(after["TCPSocketWrap"] ?? 0).toBe(before["TCPSocketWrap"] ?? 0);
    expect(after["Timeout"] ?? 0).toBeLessThanOrEqual(before["Timeout"] ?? 0);
  });

  it("fails with a typed error when the port is taken or invalid", async () => {
    const first = await startServer();
    const taken = createRpcServer({ port: first.port });
    await expect(taken).rejects.toBeInstanceOf(RpcServerError);
    await expect(taken).rejects.toMatchObject({ code: "RPC_LISTEN_FAILED" });
    await expect(createRpcServer({ port: 70000 })).rejects.toMatchObject({ code: "RPC_INVALID_OPTIONS" });
    await expect(createRpcServer({ port: 0, limits: { maxBatchLength: 0 } })).rejects.toMatchObject({
      code: "RPC_INVALID_LIMIT",
    });
  });

  it("lets methods be registered while it runs", async () => {
    const server = await startServer();
    const client = await TestWsClient.connect(server.wsUrl);
    expect(await client.call("system_name")).toMatchObject({ error: { code: -32601 } });
    server.methods.register("system_name", () => "phala-ts");
    expect(await client.call("system_name")).toMatchObject({ result: "phala-ts" });
  });
});
