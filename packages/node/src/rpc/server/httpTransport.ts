import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { allowOriginHeader, type CorsOrigins } from "./cors.js";
import type { Dispatcher, RpcConnection } from "./dispatcher.js";
import { errorResponse } from "./jsonRpcMessage.js";
import type { RpcLimits } from "./limits.js";
import { RpcError, RpcLimitErrorCode } from "./rpcError.js";

/** The body of `GET /health`, as Substrate's `system_health`. */
export interface RpcHealth {
  readonly isSyncing: boolean;
  readonly peers: number;
  readonly shouldHavePeers: boolean;
}

export type HealthProvider = () => RpcHealth | Promise<RpcHealth>;

export const DEFAULT_HEALTH: RpcHealth = Object.freeze({ isSyncing: false, peers: 0, shouldHavePeers: false });

export interface HttpTransportOptions {
  readonly dispatcher: Dispatcher;
  readonly limits: RpcLimits;
  readonly logger: Logger;
  readonly cors: CorsOrigins;
  readonly health: HealthProvider;
  readonly nextConnectionId: () => number;
}

const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/** The `request` listener of the node:http server: JSON-RPC over POST, health over GET. */
export function createHttpHandler(options: HttpTransportOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { limits, logger, cors, health } = options;
  const connections = new WeakMap<Socket, RpcConnection>();

  const connectionOf = (socket: Socket): RpcConnection => {
    let connection = connections.get(socket);
    if (connection === undefined) {
      connection = {
        ctx: Object.freeze({ connectionId: options.nextConnectionId(), transport: "http" as const }),
        inFlight: 0,
        subscriptions: undefined,
      };
      connections.set(socket, connection);
    }
    return connection;
  };

  const reply = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body?: string,
    headers: OutgoingHttpHeaders = {},
  ) => {
    const allowOrigin = allowOriginHeader(cors, req.headers.origin);
    const all: OutgoingHttpHeaders = { ...headers };
    if (allowOrigin !== undefined) all["access-control-allow-origin"] = allowOrigin;
    if (Array.isArray(cors)) all["vary"] = "Origin";
    if (body !== undefined) all["content-length"] = Buffer.byteLength(body, "utf8");
    res.writeHead(status, all);
    res.end(body);
  };

  const tooBig = (req: IncomingMessage, res: ServerResponse) => {
    const error = RpcError.limitExceeded(
      RpcLimitErrorCode.OversizedRequest,
      "Request is too big",
      limits.maxRequestBytes,
    );
    logger.debug({ limit: limits.maxRequestBytes }, "rpc: refused an oversized HTTP request");
    reply(req, res, 413, errorResponse(null, error.toErrorObject()), {
      "content-type": JSON_CONTENT_TYPE,
      connection: "close",
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?", 1)[0];
    if (req.method === "OPTIONS") {
      return reply(req, res, 204, undefined, {
        "access-control-allow-methods": "POST, GET, OPTIONS",
        "access-control-allow-headers": "content-type",
        "access-control-max-age": "86400",
      });
    }
    if (req.method === "GET" && (path === "/health" || path === "/health/readiness")) {
      const current = await health();
      const body = JSON.stringify({
        isSyncing: current.isSyncing,
        peers: current.peers,
        shouldHavePeers: current.shouldHavePeers,
      });
      const ready = !current.isSyncing && (current.peers > 0 || !current.shouldHavePeers);
      const status = path === "/health" || ready ? 200 : 503;
      return reply(req, res, status, body, { "content-type": JSON_CONTENT_TYPE });
    }
    if (req.method !== "POST") {
      return reply(req, res, 405, "Use POST for JSON-RPC, or GET /health\n", {
        allow: "POST, GET, OPTIONS",
        "content-type": "text/plain; charset=utf-8",
      });
    }
    const contentType = req.headers["content-type"]?.split(";", 1)[0]?.trim().toLowerCase();
    if (contentType !== "application/json") {
      return reply(req, res, 415, "Content-Type must be application/json\n", {
        "content-type": "text/plain; charset=utf-8",
      });
    }
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limits.maxRequestBytes) return tooBig(req, res);
    const body = await readBody(req, limits.maxRequestBytes);
    if (body === "aborted") return;
    if (body === "too-big") return tooBig(req, res);
    const outcome = await options.dispatcher.dispatch(body.toString("utf8"), connectionOf(req.socket));
    if (outcome.response === undefined) return reply(req, res, 204);
    reply(req, res, 200, outcome.response, { "content-type": JSON_CONTENT_TYPE });
  };

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error, url: req.url }, "rpc: HTTP request failed");
      if (res.headersSent) res.destroy();
      else reply(req, res, 500, "Internal server error\n", { "content-type": "text/plain; charset=utf-8" });
    });
  };
}

/** Reads the whole body, giving up (and discarding the rest) past `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too-big" | "aborted"> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (outcome: Buffer | "too-big" | "aborted") => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onAbort);
      req.off("close", onAbort);
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        finish("too-big");
        req.resume();
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => finish(Buffer.concat(chunks, size));
    const onAbort = () => finish("aborted");
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onAbort);
    req.on("close", onAbort);
  });
}
