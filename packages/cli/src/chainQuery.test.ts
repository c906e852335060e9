import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { byteKey, compareBytes, fromHex, KEY_HIERARCHY_STORAGE, toHex } from "@phala-ts/core";
import { NodeRpc } from "@phala-ts/pherry";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clustersJson } from "./clusterCommand.js";
import { gatekeeperJson } from "./gatekeeperCommand.js";
import {
  fixtureState,
  memoryReader,
  memoryState,
  type StateEntries,
  sortedKeys,
} from "./keyHierarchyFixture.test-util.js";
import { readClusterView, readGatekeeperView } from "./keyHierarchyView.js";
import { main } from "./main.js";
import { rpcStorageReader } from "./nodeStorage.js";
import { captureOutput } from "./outputCapture.test-util.js";

const FINALIZED = `0x${"f1".repeat(32)}` as const;

interface FakeNode {
  readonly url: string;
  /** Every call's method and params. */
  readonly calls: { method: string; params: unknown[] }[];
}

/** A node's JSON-RPC over HTTP serving `state` as its finalized block #9, and refusing other blocks. */
function fakeNode(state: StateEntries, servers: Server[]): Promise<FakeNode> {
  const calls: FakeNode["calls"] = [];
  const answer = (method: string, params: unknown[]): unknown => {
    const at = method.startsWith("state_") ? params.at(-1) : FINALIZED;
    if (at !== FINALIZED) throw new Error(`not the finalized block: ${String(at)}`);
    if (method === "chain_getFinalizedHead") return FINALIZED;
    if (method === "chain_getHeader") return { number: "0x9" };
    if (method === "state_getStorage") {
      const value = state.get(byteKey(fromHex(params[0] as string)))?.value;
      return value === undefined ? null : toHex(value);
    }
    if (method === "state_getKeysPaged") {
      const [prefix, count, start] = params as [string, number, string | null];
      return sortedKeys(state, fromHex(prefix))
        .filter((key) => start === null || compareBytes(key, fromHex(start)) > 0)
        .slice(0, count)
        .map(toHex);
    }
    throw new Error(`no method ${method}`);
  };
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on("end", () => {
      const { id, method, params } = JSON.parse(body) as { id: number; method: string; params: unknown[] };
      calls.push({ method, params });
      let reply: object;
      try {
        reply = { jsonrpc: "2.0", id, result: answer(method, params) };
      } catch (error) {
        reply = { jsonrpc: "2.0", id, error: { code: -32602, message: (error as Error).message } };
      }
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(reply));
    });
  });
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls }),
    ),
  );
}

describe("phala gatekeeper list / cluster list", () => {
  const servers: Server[] = [];
  let output: { out: string; err: string };
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      server.close();
    }
  });
  const phala = (...args: string[]) => main(["node", "phala", ...args]);

  it("exits 1 with a clear message when no node answers", async () => {
    expect(await phala("gatekeeper", "list", "--node", "http://127.0.0.1:1")).toBe(1);
    expect(output.err).toMatch(
      /^error: no node answers at http:\/\/127\.0\.0\.1:1 \(.+\); is `phala node` running there\?\n$/,
    );
    expect(output.out).toBe("");
    output.err = "";
    const closed = await fakeNode(fixtureState(), servers);
    servers.pop()?.close();
    expect(await phala("cluster", "list", "--node", closed.url.replace("http", "ws"), "--json")).toBe(1);
    expect(output.err).toContain(`no node answers at ${closed.url} (connect ECONNREFUSED`);
  });

  it("exits 2 on a --node that is not a node URL", async () => {
    expect(await phala("gatekeeper", "list", "--node", "ftp://127.0.0.1:9944")).toBe(2);
    expect(output.err).toContain("must be an http://, https://, ws:// or wss:// URL");
    output.err = "";
    expect(await phala("cluster", "list", "--node", "127.0.0.1:9944")).toBe(2);
    expect(output.err).toContain("must be a URL such as ws://127.0.0.1:9944");
  });

  it("reads everything at the finalized head and prints the views", async () => {
    const state = fixtureState();
    const node = await fakeNode(state, servers);
    const at = { hash: FINALIZED, number: 9 } as const;
    expect(await phala("gatekeeper", "list", "--node", node.url, "--json")).toBe(0);
    expect(JSON.parse(output.out)).toEqual(
      gatekeeperJson({ at, value: await readGatekeeperView(memoryReader(state)) }),
    );
    output.out = "";
    expect(await phala("cluster", "list", "--node", node.url, "--json")).toBe(0);
    expect(JSON.parse(output.out)).toEqual(clustersJson({ at, value: await readClusterView(memoryReader(state)) }));
    output.out = "";
    expect(await phala("cluster", "list", "--node", node.url)).toBe(0);
    expect(output.out).toMatch(/^finalized block: +#9 0xf1f1/);
    expect(output.err).toBe("");
    const stateCalls = node.calls.filter(({ method }) => method.startsWith("state_"));
    expect(stateCalls.length).toBeGreaterThan(0);
    expect(stateCalls.every(({ params }) => params.at(-1) === FINALIZED)).toBe(true);
  });

  it("exits 1 when the chain holds what it cannot decode", async () => {
    const node = await fakeNode(
      memoryState([[KEY_HIERARCHY_STORAGE.rotationCounter, new Uint8Array([1, 2, 3])]]),
      servers,
    );
    expect(await phala("gatekeeper", "list", "--node", node.url)).toBe(1);
    expect(output.err).toBe(
      `error: cannot read the chain at ${node.url}: PhalaRegistry.RotationCounter: input ends early (SCALE_TRUNCATED)\n`,
    );
    expect(output.out).toBe("");
  });

  it("pages through keys until a page comes back short", async () => {
    const state = fixtureState();
    const node = await fakeNode(state, servers);
    const reader = rpcStorageReader(new NodeRpc(node.url), FINALIZED, 3);
    const all = await reader.keys(new Uint8Array());
    expect(all).toEqual(sortedKeys(state, new Uint8Array()));
    const pages = node.calls.filter(({ method }) => method === "state_getKeysPaged");
    expect(pages).toHaveLength(Math.floor(state.size / 3) + 1);
    expect(pages[1]?.params[2]).toBe(toHex(all[2] as Uint8Array));
  });
});
