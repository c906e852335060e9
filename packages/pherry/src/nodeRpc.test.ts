import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import { asyncErrorCodeOf } from "../../core/src/testing/errorCode.test-util.js";
import { useFakeHttpServers } from "./fakeHttpServer.test-util.js";
import { isInvalidTransaction, isPriorityTooLow, NodeRpc } from "./nodeRpc.js";

interface Received {
  readonly method: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: { jsonrpc?: string; id?: number; method?: string; params?: unknown[] };
}

type Reply = (request: Received) => { status?: number; body: string } | undefined;

const fakeServer = useFakeHttpServers();

/** A node on 127.0.0.1 that answers each request with `reply` (or never, when it returns undefined). */
async function fakeNode(reply: Reply) {
  const received: Received[] = [];
  const server = await fakeServer(({ method, headers, body }) => {
    const text = new TextDecoder().decode(body);
    const entry = { method, headers, body: text === "" ? {} : JSON.parse(text) };
    received.push(entry);
    const answer = reply(entry);
    return answer && { ...answer, type: "application/json" };
  });
  return { ...server, received };
}

const result = (value: unknown) => (request: Received) => ({
  body: JSON.stringify({ jsonrpc: "2.0", id: request.body.id, result: value }),
});

/** The PherryError `run` rejects with. */
async function rejection(
  run: () => Promise<unknown>,
): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  try {
    await run();
  } catch (error) {
    return error as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error("the call succeeded");
}

describe("NodeRpc", () => {
  it("posts JSON-RPC 2.0 requests and returns their results", async () => {
    const node = await fakeNode(result({ number: "0x2a" }));
    const rpc = new NodeRpc(node.url);
    expect(await rpc.call("chain_getHeader", ["0xabcd"])).toEqual({ number: "0x2a" });
    expect(await rpc.call("system_health")).toEqual({ number: "0x2a" });
    expect(node.received.map((r) => [r.method, r.headers["content-type"], r.body])).toEqual([
      ["POST", "application/json", { jsonrpc: "2.0", id: 1, method: "chain_getHeader", params: ["0xabcd"] }],
      ["POST", "application/json", { jsonrpc: "2.0", id: 2, method: "system_health", params: [] }],
    ]);
  });

  it("returns a null result as null", async () => {
    const node = await fakeNode(result(null));
    expect(await new NodeRpc(node.url).call("chain_getBlockHash", [99])).toBeNull();
  });

  it("reaches the node's WebSocket address over HTTP on the same port", async () => {
    const node = await fakeNode(result("0x01"));
    const rpc = new NodeRpc(`ws://127.0.0.1:${node.port}`);
    expect(rpc.url).toBe(`http://127.0.0.1:${node.port}`);
    expect(await rpc.call("state_getMetadata")).toBe("0x01");
    expect(new NodeRpc("wss://node.example:9944/rpc").url).toBe("https://node.example:9944/rpc");
    expect(new NodeRpc("http://node.example:9944").url).toBe("http://node.example:9944");
  });

  it("turns a JSON-RPC error into PHERRY_NODE_ERROR with its code and data", async () => {
    const node = await fakeNode((request) => ({
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: request.body.id,
        error: { code: 1010, message: "Invalid Transaction", data: "Stale" },
      }),
    }));
    const error = await rejection(() => new NodeRpc(node.url).call("author_submitExtrinsic", ["0x00"]));
    expect(error).toMatchObject({
      code: "PHERRY_NODE_ERROR",
      details: { method: "author_submitExtrinsic", rpcCode: 1010, data: "Stale" },
    });
    expect(error.message).toContain("Invalid Transaction");
    expect(isInvalidTransaction(error)).toBe(true);
    expect(isInvalidTransaction(error, "Stale")).toBe(true);
    expect(isInvalidTransaction(error, "Future")).toBe(false);
    expect(isPriorityTooLow(error)).toBe(false);
  });

  it("recognises the pool's refusal of a second transaction for the same tags", async () => {
    const node = await fakeNode((request) => ({
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: request.body.id,
        error: { code: 1014, message: "Priority is too low" },
      }),
    }));
    const error = await rejection(() => new NodeRpc(node.url).call("author_submitExtrinsic", ["0x00"]));
    expect(isPriorityTooLow(error)).toBe(true);
    expect(isInvalidTransaction(error)).toBe(false);
  });

  it("keeps an error without data, and an HTTP error status carrying a JSON-RPC error", async () => {
    const node = await fakeNode((request) => ({
      status: 500,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: request.body.id,
        error: { code: -32601, message: "Method not found" },
      }),
    }));
    const error = await rejection(() => new NodeRpc(node.url).call("nope"));
    expect(error).toMatchObject({ code: "PHERRY_NODE_ERROR", details: { method: "nope", rpcCode: -32601 } });
    expect(error.details["data"]).toBeUndefined();
    expect(isInvalidTransaction(error)).toBe(false);
  });

  it("reports a reply without a result as PHERRY_BAD_NODE_REPLY", async () => {
    const node = await fakeNode((request) => ({ body: JSON.stringify({ jsonrpc: "2.0", id: request.body.id }) }));
    expect(await asyncErrorCodeOf(() => new NodeRpc(node.url).call("system_chain"))).toBe("PHERRY_BAD_NODE_REPLY");
  });

  it("reports a JSON reply that is not an object as PHERRY_BAD_NODE_REPLY", async () => {
    for (const body of ["null", "42", '"result"', "[]"]) {
      const node = await fakeNode(() => ({ body }));
      expect(await asyncErrorCodeOf(() => new NodeRpc(node.url).call("system_chain")), body).toBe(
        "PHERRY_BAD_NODE_REPLY",
      );
    }
  });

  it("reports a reply that is not JSON as PHERRY_NODE_UNREACHABLE", async () => {
    const node = await fakeNode(() => ({ status: 502, body: "<html>bad gateway</html>" }));
    expect(await asyncErrorCodeOf(() => new NodeRpc(node.url).call("system_chain"))).toBe("PHERRY_NODE_UNREACHABLE");
  });

  it("reports a refused connection as PHERRY_NODE_UNREACHABLE", async () => {
    const node = await fakeNode(result(1));
    await node.close();
    const error = await rejection(() => new NodeRpc(`ws://127.0.0.1:${node.port}`).call("system_health"));
    expect(error).toMatchObject({ code: "PHERRY_NODE_UNREACHABLE", details: { method: "system_health" } });
    expect(error.message).toContain(`http://127.0.0.1:${node.port}`);
  });

  it("gives up on a node that does not answer within the timeout", async () => {
    const node = await fakeNode(() => undefined);
    const started = Date.now();
    expect(await asyncErrorCodeOf(() => new NodeRpc(node.url, 100).call("system_health"))).toBe(
      "PHERRY_NODE_UNREACHABLE",
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
