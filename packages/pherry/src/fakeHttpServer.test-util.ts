import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";

export interface FakeRequest {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: Uint8Array;
}

export interface FakeAnswer {
  readonly status?: number;
  readonly type?: string;
  readonly body: string | Uint8Array;
}

export interface FakeServer {
  readonly url: string;
  readonly port: number;
  readonly received: FakeRequest[];
  /** Stops listening, so the next request is refused. */
  close(): Promise<void>;
}

/**
 * HTTP servers on 127.0.0.1 standing in for a node or a pRuntime: each answers every request with
 * `reply` (or never, when it returns undefined). Those still open are closed after each test.
 */
export function useFakeHttpServers(): (reply: (request: FakeRequest) => FakeAnswer | undefined) => Promise<FakeServer> {
  const servers: Server[] = [];
  const close = (server: Server) => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(close));
  });
  return async (reply) => {
    const received: FakeRequest[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const entry = {
          method: request.method,
          url: request.url,
          headers: request.headers,
          body: new Uint8Array(Buffer.concat(chunks)),
        };
        received.push(entry);
        const answer = reply(entry);
        if (answer === undefined) return;
        response.writeHead(answer.status ?? 200, { "content-type": answer.type ?? "application/octet-stream" });
        response.end(answer.body);
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      received,
      close: () => {
        servers.splice(servers.indexOf(server), 1);
        return close(server);
      },
    };
  };
}
