import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";

export interface FakeConnection {
  readonly socket: WebSocket;
  /** Sends a subscription notification. */
  notify(method: string, subscription: string, result: unknown): void;
}

/** A handler's answer: a result, an `{ error }` to answer a JSON-RPC error, or `undefined` to never answer. */
export type FakeHandler = (params: unknown[], connection: FakeConnection) => unknown;

export interface FakeNode {
  readonly url: string;
  readonly calls: { method: string; params: unknown[] }[];
  readonly connections: FakeConnection[];
  handle(method: string, handler: FakeHandler): void;
  close(): Promise<void>;
}

export class FakeRpcError {
  constructor(
    readonly code: number,
    readonly message: string,
    readonly data?: unknown,
  ) {}
}

const servers: WebSocketServer[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          for (const client of server.clients) client.terminate();
          server.close(() => resolve());
        }),
    ),
  );
});

/** A JSON-RPC WebSocket server on loopback whose methods a test defines; closed after the test. */
export async function fakeNode(handlers: Record<string, FakeHandler> = {}): Promise<FakeNode> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  servers.push(server);
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const routes = new Map(Object.entries(handlers));
  const calls: { method: string; params: unknown[] }[] = [];
  const connections: FakeConnection[] = [];
  server.on("connection", (socket) => {
    const connection: FakeConnection = {
      socket,
      notify: (method, subscription, result) =>
        socket.send(JSON.stringify({ jsonrpc: "2.0", method, params: { subscription, result } })),
    };
    connections.push(connection);
    socket.on("message", async (data) => {
      const { id, method, params } = JSON.parse(String(data)) as { id: number; method: string; params: unknown[] };
      calls.push({ method, params });
      const handler = routes.get(method);
      if (handler === undefined) {
        socket.send(JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32601, message: "Method not found" } }));
        return;
      }
      const result = await handler(params, connection);
      if (result === undefined) return;
      if (result instanceof FakeRpcError) {
        const { code, message, data } = result;
        socket.send(
          JSON.stringify({ jsonrpc: "2.0", id, error: { code, message, ...(data === undefined ? {} : { data }) } }),
        );
      } else {
        socket.send(JSON.stringify({ jsonrpc: "2.0", id, result: result === null ? null : result }));
      }
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    calls,
    connections,
    handle: (method, handler) => routes.set(method, handler),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
