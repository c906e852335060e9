import { describe, expect, it } from "vitest";
import { asyncErrorCodeOf } from "../../../core/src/testing/errorCode.test-util.js";
import { SdkError } from "../sdkError.js";
import { FakeRpcError, fakeNode } from "./fakeNode.test-util.js";
import { RpcSocket } from "./rpcSocket.js";

describe("the node's JSON-RPC over WebSocket", () => {
  it("answers requests, in any order, and turns JSON-RPC errors into NODE_ERROR with the node's code and data", async () => {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const node = await fakeNode({
      echo: (params) => params,
      slow: async () => {
        await slow;
        return "late";
      },
      refuse: () => new FakeRpcError(1010, "Invalid Transaction", "Payment"),
    });
    const rpc = await RpcSocket.connect(node.url);
    const late = rpc.request("slow");
    expect(await rpc.request("echo", [1, "two"])).toEqual([1, "two"]);
    release();
    expect(await late).toBe("late");
    const error = await rpc.request("refuse").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SdkError);
    expect((error as SdkError).code).toBe("NODE_ERROR");
    expect((error as SdkError).details).toMatchObject({ method: "refuse", rpcCode: 1010, data: "Payment" });
    expect(await asyncErrorCodeOf(() => rpc.request("missing"))).toBe("NODE_ERROR");
    await rpc.close();
  });

  it("times requests out", async () => {
    const node = await fakeNode({ never: () => undefined });
    const rpc = await RpcSocket.connect(node.url, { requestTimeoutMs: 50 });
    expect(await asyncErrorCodeOf(() => rpc.request("never"))).toBe("NODE_TIMEOUT");
    expect(await asyncErrorCodeOf(() => rpc.request("never", [], 10))).toBe("NODE_TIMEOUT");
    await rpc.close();
  });

  it("routes notifications to their subscription until unsubscribed", async () => {
    const node = await fakeNode({
      sub_start: (params, connection) => {
        const id = `sub-${String(params[0])}`;
        // Sent right after the answer: the client must already know the subscription.
        setImmediate(() => {
          connection.notify("sub_event", id, 1);
          connection.notify("sub_event", id, 2);
        });
        return id;
      },
      sub_stop: () => true,
    });
    const rpc = await RpcSocket.connect(node.url);
    const a: unknown[] = [];
    const b: unknown[] = [];
    const subA = await rpc.subscribe("sub_start", ["a"], "sub_stop", { onData: (x) => a.push(x) });
    await rpc.subscribe("sub_start", ["b"], "sub_stop", { onData: (x) => b.push(`b${String(x)}`) });
    await new Promise((r) => setTimeout(r, 50));
    expect(a).toEqual([1, 2]);
    expect(b).toEqual(["b1", "b2"]);
    await subA.unsubscribe();
    expect(node.calls.filter((c) => c.method === "sub_stop")).toEqual([{ method: "sub_stop", params: ["sub-a"] }]);
    node.connections[0]!.notify("sub_event", "sub-a", 3);
    node.connections[0]!.notify("sub_event", "sub-b", 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(a).toEqual([1, 2]);
    expect(b).toEqual(["b1", "b2", "b3"]);
    await rpc.close();
  });

  it("fails what is open when the connection drops, and everything after close()", async () => {
    const node = await fakeNode({ never: () => undefined, sub: () => "s1" });
    const rpc = await RpcSocket.connect(node.url);
    const errors: string[] = [];
    await rpc.subscribe("sub", [], "unsub", { onData: () => {}, onError: (e) => errors.push(e.code) });
    const pending = asyncErrorCodeOf(() => rpc.request("never"));
    await node.close();
    expect(await pending).toBe("NODE_DISCONNECTED");
    expect(errors).toEqual(["NODE_DISCONNECTED"]);
    expect(rpc.isOpen).toBe(false);
    expect(await asyncErrorCodeOf(() => rpc.request("never"))).toBe("NODE_DISCONNECTED");

    const other = await fakeNode({ never: () => undefined });
    const closing = await RpcSocket.connect(other.url);
    const waiting = asyncErrorCodeOf(() => closing.request("never"));
    await closing.close();
    expect(await waiting).toBe("CLIENT_CLOSED");
    expect(await asyncErrorCodeOf(() => closing.request("never"))).toBe("CLIENT_CLOSED");
  });

  it("says when the node cannot be reached", async () => {
    const node = await fakeNode();
    const url = node.url;
    await node.close();
    expect(await asyncErrorCodeOf(() => RpcSocket.connect(url))).toBe("NODE_UNREACHABLE");
    expect(await asyncErrorCodeOf(() => RpcSocket.connect("not a url"))).toBe("NODE_UNREACHABLE");
  });
});
