import { request } from "node:http";
import { PhalaError } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { RpcError } from "./rpcError.js";
import type { RpcServer } from "./rpcServer.js";
import { captureLogs, post, startServer } from "./rpcTestClient.test-util.js";

function withMethods(server: RpcServer): RpcServer {
  server.methods.register("test_echo", (params) => params, { params: { max: 3 } });
  server.methods.register("test_context", (_params, ctx) => ctx);
  server.methods.register("test_async", async (params) => `later ${String(params[0])}`, { params: 1 });
  server.methods.register("test_rpcError", () => {
    throw new RpcError(1010, "Invalid Transaction", "Custom error: 3");
  });
  server.methods.register("test_phalaError", () => {
    throw new PhalaError("POOL_FULL", "the pool is full", { size: 10 });
  });
  server.methods.register("test_crash", async () => {
    throw new Error("database at /secret/path exploded");
  });
  server.subscriptions.register({
    subscribe: "test_subscribe",
    unsubscribe: "test_unsubscribe",
    notification: "test_event",
    start: () => () => {},
  });
  return server;
}

describe("JSON-RPC over HTTP", () => {
  it("answers a call, with absent or positional params, and tells the handler it came over HTTP", async () => {
    const server = withMethods(await startServer());
    const echo = await post(server.url, { jsonrpc: "2.0", id: 1, method: "test_echo", params: [1, "two", null] });
    expect(echo.status).toBe(200);
    expect(echo.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(echo.json).toEqual({ jsonrpc: "2.0", id: 1, result: [1, "two", null] });
    expect((await post(server.url, { jsonrpc: "2.0", id: "a", method: "test_echo" })).json).toEqual({
      jsonrpc: "2.0",
      id: "a",
      result: [],
    });
    expect((await post(server.url, { jsonrpc: "2.0", id: 2, method: "test_async", params: ["x"] })).json).toMatchObject(
      {
        result: "later x",
      },
    );
    const context = (await post(server.url, { jsonrpc: "2.0", id: 3, method: "test_context" })).json as {
      result: { transport: string; connectionId: number };
    };
    expect(context.result.transport).toBe("http");
    expect(context.result.connectionId).toBeGreaterThan(0);
  });

  it("answers a batch in order, errors beside successes, notifications left out", async () => {
    const server = withMethods(await startServer());
    const reply = await post(server.url, [
      { jsonrpc: "2.0", id: 1, method: "test_echo", params: [1] },
      { jsonrpc: "2.0", method: "test_echo", params: [2] },
      { jsonrpc: "2.0", id: 2, method: "nope" },
      42,
      { jsonrpc: "2.0", id: 3, method: "test_async", params: [] },
      { jsonrpc: "2.0", id: 4, method: "test_rpcError" },
    ]);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual([
      { jsonrpc: "2.0", id: 1, result: [1] },
      { jsonrpc: "2.0", id: 2, error: { code: -32601, message: "Method not found" } },
      {
        jsonrpc: "2.0",
        id: null,
        error: { code: -32600, message: "Invalid request", data: "a request must be an object" },
      },
      { jsonrpc: "2.0", id: 3, error: { code: -32602, message: "Invalid params", data: "expected 1 param, got 0" } },
      { jsonrpc: "2.0", id: 4, error: { code: 1010, message: "Invalid Transaction", data: "Custom error: 3" } },
    ]);
  });

  it("sends nothing back for notifications, single or batched", async () => {
    const server = withMethods(await startServer());
    const single = await post(server.url, { jsonrpc: "2.0", method: "test_echo" });
    expect(single.status).toBe(204);
    expect(single.text).toBe("");
    const batch = await post(server.url, [
      { jsonrpc: "2.0", method: "test_echo" },
      { jsonrpc: "2.0", method: "unknown_method" },
      { jsonrpc: "2.0", method: "test_crash" },
    ]);
    expect(batch.status).toBe(204);
  });

  it("reports parse errors, invalid requests and an empty batch", async () => {
    const server = withMethods(await startServer());
    expect((await post(server.url, '{"jsonrpc":"2.0","id":1,')).json).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32700, message: "Parse error" },
    });
    expect((await post(server.url, [])).json).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: "Invalid request", data: "empty batch" },
    });
    expect((await post(server.url, { jsonrpc: "1.0", id: 9, method: "test_echo" })).json).toMatchObject({
      id: 9,
      error: { code: -32600 },
    });
    expect(
      (await post(server.url, { jsonrpc: "2.0", id: 9, method: "test_echo", params: { a: 1 } })).json,
    ).toMatchObject({
      id: 9,
      error: { code: -32602, data: "params must be an array (by-name params are not supported)" },
    });
    expect((await post(server.url, [1, 2])).json).toEqual([
      {
        jsonrpc: "2.0",
        id: null,
        error: { code: -32600, message: "Invalid request", data: "a request must be an object" },
      },
      {
        jsonrpc: "2.0",
        id: null,
        error: { code: -32600, message: "Invalid request", data: "a request must be an object" },
      },
    ]);
  });

  it("maps handler errors: RpcError as thrown, PhalaError as client error, anything else hidden but logged", async () => {
    const { logger, records } = captureLogs();
    const server = withMethods(await startServer({ logger }));
    expect((await post(server.url, { jsonrpc: "2.0", id: 1, method: "test_phalaError" })).json).toEqual({
      jsonrpc: "2.0",
      id: 1,
      error: { code: 4003, message: "the pool is full", data: "POOL_FULL" },
    });
    const crash = await post(server.url, { jsonrpc: "2.0", id: 2, method: "test_crash" });
    expect(crash.json).toEqual({ jsonrpc: "2.0", id: 2, error: { code: -32603, message: "Internal error" } });
    expect(crash.text).not.toMatch(/secret|exploded|at |\.ts/);
    const logged = records.find((record) => record["msg"] === "rpc: handler failed");
    expect(logged).toMatchObject({ method: "test_crash", err: { message: "database at /secret/path exploded" } });
    expect(String((logged?.["err"] as { stack?: string } | undefined)?.stack)).toContain("httpTransport.test.ts");
  });

  it("refuses subscriptions, which need a WebSocket", async () => {
    const server = withMethods(await startServer());
    for (const method of ["test_subscribe", "test_unsubscribe"]) {
      expect((await post(server.url, { jsonrpc: "2.0", id: 1, method, params: ["x"] })).json).toEqual({
        jsonrpc: "2.0",
        id: 1,
        error: { code: -32603, message: "Subscriptions are only available over WebSocket" },
      });
    }
  });

  it("lists methods with rpc_methods", async () => {
    const server = withMethods(await startServer());
    const reply = (await post(server.url, { jsonrpc: "2.0", id: 1, method: "rpc_methods", params: [] })).json as {
      result: { methods: string[]; version: number };
    };
    expect(reply.result.version).toBe(1);
    expect(reply.result.methods).toEqual([...reply.result.methods].sort());
    expect(reply.result.methods).toEqual(
      expect.arrayContaining(["rpc_methods", "test_echo", "test_subscribe", "test_unsubscribe"]),
    );
  });

  it("serves /health from the injected callback, and readiness from the same facts", async () => {
    const plain = await startServer();
    const health = await fetch(`${plain.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ isSyncing: false, peers: 0, shouldHavePeers: false });

    let current = { isSyncing: true, peers: 0, shouldHavePeers: true };
    const node = await startServer({ health: async () => current });
    expect(await (await fetch(`${node.url}/health`)).json()).toEqual(current);
    expect((await fetch(`${node.url}/health/readiness`)).status).toBe(503);
    current = { isSyncing: false, peers: 2, shouldHavePeers: true };
    expect((await fetch(`${node.url}/health/readiness`)).status).toBe(200);
  });

  it("sends CORS headers (any origin by default, or an allow-list) and answers preflight", async () => {
    const open = await startServer();
    const reply = await post(
      open.url,
      { jsonrpc: "2.0", id: 1, method: "rpc_methods" },
      { origin: "http://dash.local" },
    );
    expect(reply.headers.get("access-control-allow-origin")).toBe("*");
    const preflight = await fetch(open.url, {
      method: "OPTIONS",
      headers: { origin: "http://dash.local", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("content-type");

    const listed = await startServer({ cors: ["http://dash.local"] });
    const allowed = await post(
      listed.url,
      { jsonrpc: "2.0", id: 1, method: "rpc_methods" },
      { origin: "http://dash.local" },
    );
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://dash.local");
    const other = await post(
      listed.url,
      { jsonrpc: "2.0", id: 1, method: "rpc_methods" },
      { origin: "http://evil.example" },
    );
    expect(other.headers.get("access-control-allow-origin")).toBeNull();

    const closed = await startServer({ cors: false });
    const none = await post(
      closed.url,
      { jsonrpc: "2.0", id: 1, method: "rpc_methods" },
      { origin: "http://dash.local" },
    );
    expect(none.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses other HTTP methods and non-JSON bodies", async () => {
    const server = await startServer();
    const get = await fetch(server.url);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST, GET, OPTIONS");
    await get.text();
    const form = await post(server.url, "a=1", { "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    const withCharset = await post(
      server.url,
      { jsonrpc: "2.0", id: 1, method: "rpc_methods" },
      {
        "content-type": "Application/JSON; charset=utf-8",
      },
    );
    expect(withCharset.status).toBe(200);
  });
});

describe("HTTP limits", () => {
  it("refuses a body over the limit, by its declared length or as it streams", async () => {
    const server = await startServer({ limits: { maxRequestBytes: 1024 } });
    const fits = { jsonrpc: "2.0", id: 1, method: "rpc_methods", pad: "x".repeat(900) };
    expect((await post(server.url, fits)).status).toBe(200);

    const declared = await post(server.url, { ...fits, pad: "x".repeat(2000) });
    expect(declared.status).toBe(413);
    expect(declared.json).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32007, message: "Request is too big", data: "Exceeded max limit of 1024" },
    });

    // Chunked, so the server only learns the size while reading.
    const streamed = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      const req = request(server.url, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode, body }));
      });
      req.on("error", reject);
      req.write(`{"jsonrpc":"2.0","id":1,"method":"rpc_methods","pad":"${"y".repeat(600)}`);
      req.write("z".repeat(600));
      req.end('"}');
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ error: { code: -32007 } });
  });

  it("refuses a batch longer than the limit as a whole", async () => {
    const server = await startServer({ limits: { maxBatchLength: 3 } });
    const call = { jsonrpc: "2.0", id: 1, method: "rpc_methods" };
    expect(((await post(server.url, [call, call, call])).json as unknown[]).length).toBe(3);
    expect((await post(server.url, [call, call, call, call])).json).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32010, message: "The batch request was too large", data: "Exceeded max limit of 3" },
    });
  });

  it("replaces a response over the limit with an error", async () => {
    const server = await startServer({ limits: { maxResponseBytes: 1000 } });
    server.methods.register("test_big", (params) => "b".repeat(Number(params[0])));
    expect((await post(server.url, { jsonrpc: "2.0", id: 1, method: "test_big", params: [100] })).json).toMatchObject({
      result: "b".repeat(100),
    });
    expect((await post(server.url, { jsonrpc: "2.0", id: 2, method: "test_big", params: [2000] })).json).toEqual({
      jsonrpc: "2.0",
      id: 2,
      error: { code: -32008, message: "Response is too big", data: "Exceeded max limit of 1000" },
    });
    const batch = Array.from({ length: 4 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "test_big", params: [400] }));
    expect((await post(server.url, batch)).json).toMatchObject({ id: null, error: { code: -32011 } });
  });
});
