import { type IncomingMessage, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import { ConnectionSubscriptions } from "./connectionSubscriptions.js";
import { type CorsOrigins, originAllowed } from "./cors.js";
import type { Dispatcher, RpcConnection } from "./dispatcher.js";
import type { RpcLimits } from "./limits.js";
import type { MethodContext } from "./registry.js";

export interface WsTransportOptions {
  readonly dispatcher: Dispatcher;
  readonly limits: RpcLimits;
  readonly logger: Logger;
  readonly cors: CorsOrigins;
  readonly nextConnectionId: () => number;
}

class WsConnection implements RpcConnection {
  readonly ctx: MethodContext;
  inFlight = 0;
  readonly subscriptions: ConnectionSubscriptions;
  readonly #socket: WebSocket;
  readonly #limits: RpcLimits;
  readonly #logger: Logger;

  constructor(socket: WebSocket, connectionId: number, limits: RpcLimits, logger: Logger) {
    this.ctx = Object.freeze({ connectionId, transport: "ws" as const });
    this.#socket = socket;
    this.#limits = limits;
    this.#logger = logger;
    this.subscriptions = new ConnectionSubscriptions({
      ctx: this.ctx,
      maxSubscriptions: limits.maxSubscriptionsPerConnection,
      logger,
      write: (text) => this.send(text),
    });
  }

  get isOpen(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  send(text: string): void {
    if (!this.isOpen) return;
    this.#socket.send(text);
    const buffered = this.#socket.bufferedAmount;
    if (buffered > this.#limits.maxWsBufferedBytes) {
      this.#logger.warn(
        { connectionId: this.ctx.connectionId, bufferedBytes: buffered, limit: this.#limits.maxWsBufferedBytes },
        "rpc: closing a WebSocket whose client does not keep up with its outgoing messages",
      );
      this.terminate();
    }
  }

  /** Drops the connection at once; a close handshake would queue behind the data the client is not reading. */
  terminate(): void {
    this.subscriptions.closeAll();
    this.#socket.terminate();
  }
}

/** Accepts WebSocket upgrades of the shared HTTP server and runs JSON-RPC over each connection. */
export class WsTransport {
  readonly #options: WsTransportOptions;
  readonly #server: WebSocketServer;
  readonly #connections = new Set<WsConnection>();
  #closing = false;

  constructor(options: WsTransportOptions) {
    this.#options = options;
    this.#server = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: options.limits.maxRequestBytes,
    });
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** The `upgrade` listener of the node:http server. */
  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const { limits, logger, cors } = this.#options;
    if (this.#closing) {
      refuse(socket, 503, "The server is shutting down");
      return;
    }
    if (this.#connections.size >= limits.maxConnections) {
      logger.warn(
        { limit: limits.maxConnections, remoteAddress: req.socket.remoteAddress },
        "rpc: refused a WebSocket connection: connection limit reached",
      );
      refuse(socket, 503, `Too many connections (limit ${limits.maxConnections})`);
      return;
    }
    if (!originAllowed(cors, req.headers.origin)) {
      logger.warn({ origin: req.headers.origin }, "rpc: refused a WebSocket connection from a disallowed origin");
      refuse(socket, 403, "Origin not allowed");
      return;
    }
    // Without verifyClient, ws completes the upgrade synchronously, so the count above cannot be raced.
    this.#server.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
  };

  /** Terminates every connection, stopping its subscriptions, and refuses new ones. */
  closeAll(): void {
    this.#closing = true;
    for (const connection of [...this.#connections]) connection.terminate();
    this.#server.close();
  }

  #accept(socket: WebSocket): void {
    const { dispatcher, limits, logger } = this.#options;
    const connection = new WsConnection(socket, this.#options.nextConnectionId(), limits, logger);
    const connectionId = connection.ctx.connectionId;
    this.#connections.add(connection);
    logger.debug({ connectionId }, "rpc: WebSocket connected");

    socket.on("message", (data: RawData) => {
      dispatcher.dispatch(rawText(data), connection).then(
        (outcome) => {
          if (outcome.response !== undefined) connection.send(outcome.response);
          for (const subscription of outcome.started) {
            if (connection.isOpen) subscription.activate();
            else subscription.cancel();
          }
        },
        (error: unknown) => logger.error({ err: error, connectionId }, "rpc: dispatch failed"),
      );
    });
    socket.on("error", (error) => {
      // ws has already closed the connection (1009 for an oversized message, 1002 for a protocol error).
      logger.warn({ connectionId, err: error }, "rpc: WebSocket error");
    });
    socket.on("close", (code) => {
      this.#connections.delete(connection);
      connection.subscriptions.closeAll();
      logger.debug({ connectionId, code }, "rpc: WebSocket closed");
    });
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = `${message}\n`;
  // Once 'upgrade' is emitted, node:http no longer listens for the socket's errors.
  socket.on("error", () => socket.destroy());
  socket.once("finish", () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nConnection: close\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
