import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PhalaError } from "@phala-ts/core";
import { type Logger, pino } from "pino";
import type { CorsOrigins } from "./cors.js";
import { Dispatcher } from "./dispatcher.js";
import { createHttpHandler, DEFAULT_HEALTH, type HealthProvider } from "./httpTransport.js";
import { type RpcLimits, resolveLimits } from "./limits.js";
import { type MethodRegistry, RpcRegistry, type SubscriptionRegistry } from "./registry.js";
import { WsTransport } from "./wsTransport.js";

export interface RpcServerOptions {
  /** Default 127.0.0.1: the RPC is for this machine unless asked otherwise. */
  readonly host?: string;
  /** Default 9944, Substrate's; 0 picks a free port. */
  readonly port?: number;
  readonly limits?: Partial<RpcLimits>;
  /** Default: silent. */
  readonly logger?: Logger;
  /** Default `"*"`, so a browser dashboard can call the HTTP endpoint. */
  readonly cors?: CorsOrigins;
  /** Answers `GET /health`; default: not syncing, no peers, none expected. */
  readonly health?: HealthProvider;
}

export interface RpcServer {
  /** `http://host:port` */
  readonly url: string;
  /** `ws://host:port` */
  readonly wsUrl: string;
  readonly host: string;
  readonly port: number;
  readonly limits: RpcLimits;
  readonly methods: MethodRegistry;
  readonly subscriptions: SubscriptionRegistry;
  /** Open WebSocket connections. */
  readonly connectionCount: number;
  /** Terminates every connection, stops every subscription and stops listening. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_RPC_PORT = 9944;

export class RpcServerError extends PhalaError<"RPC_LISTEN_FAILED" | "RPC_INVALID_OPTIONS"> {
  override readonly name = "RpcServerError";
}

/** One port for JSON-RPC over HTTP POST and over WebSocket, as a Substrate node serves it. */
export async function createRpcServer(options: RpcServerOptions = {}): Promise<RpcServer> {
  const host = options.host ?? "127.0.0.1";
  const requestedPort = options.port ?? DEFAULT_RPC_PORT;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new RpcServerError("RPC_INVALID_OPTIONS", "port must be an integer from 0 to 65535", { port: requestedPort });
  }
  const limits = resolveLimits(options.limits);
  const logger = (options.logger ?? pino({ enabled: false })).child({ component: "rpc" });
  const cors = options.cors ?? "*";
  const registry = new RpcRegistry();
  const dispatcher = new Dispatcher(registry, limits, logger);
  let lastConnectionId = 0;
  const nextConnectionId = (): number => ++lastConnectionId;

  const ws = new WsTransport({ dispatcher, limits, logger, cors, nextConnectionId });
  const http = createServer(
    createHttpHandler({
      dispatcher,
      limits,
      logger,
      cors,
      health: options.health ?? (() => DEFAULT_HEALTH),
      nextConnectionId,
    }),
  );
  http.on("upgrade", ws.handleUpgrade);
  await listen(http, requestedPort, host);
  http.on("error", (error) => logger.error({ err: error }, "rpc: server error"));

  const port = (http.address() as AddressInfo).port;
  const urlHost = urlHostOf(host);
  const url = `http://${urlHost}:${port}`;
  logger.info({ url }, "rpc: listening (HTTP and WebSocket)");

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      http.close(() => resolve());
      ws.closeAll();
      http.closeAllConnections();
    }).then(() => logger.info({ url }, "rpc: closed"));
    return closing;
  };

  return {
    url,
    wsUrl: `ws://${urlHost}:${port}`,
    host,
    port,
    limits,
    methods: registry.methods,
    subscriptions: registry.subscriptions,
    get connectionCount() {
      return ws.connectionCount;
    },
    close,
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off("listening", onListening);
      reject(
        new RpcServerError(
          "RPC_LISTEN_FAILED",
          `cannot listen on ${host}:${port}: ${error.message}`,
          { host, port },
          { cause: error },
        ),
      );
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

/** Where a local client reaches a server bound to `host`. */
function urlHostOf(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
