import {
  decodeOperatorBody,
  dispatchBlocksRequestCodec,
  initRequestCodec,
  runtimeInfoResponseCodec,
  signedMessageCodec,
  syncHeaderRequestCodec,
  syncStatusCodec,
  toHex,
} from "@phala-ts/core";
import { Vector } from "@polkadot-api/substrate-bindings";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Logger } from "pino";
import type { PRuntime } from "../pruntime.js";
import { ApiError, errorResponse } from "./apiError.js";
import { checkOperator } from "./operatorGuard.js";
import { SIGNATURE_HEADER, signedJson } from "./signedJson.js";

export interface ApiServerOptions {
  readonly host: string;
  readonly port: number;
  /** Required from operators when set; without it operator endpoints answer only on loopback. */
  readonly operatorToken?: string | undefined;
  /** Largest request body, in bytes (genesis storage comes in one `init`). */
  readonly bodyLimit?: number | undefined;
  /** Largest `POST /contract/query` body, in bytes. */
  readonly queryBodyLimit?: number | undefined;
  readonly logger?: Logger | undefined;
}

export const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024;
/** A query's sealed request with room for a 64 KiB payload, its certificate and signatures. */
export const DEFAULT_QUERY_BODY_LIMIT = 128 * 1024;
const SCALE = "application/octet-stream";
const signedMessagesCodec = Vector(signedMessageCodec);

export interface ApiServer {
  readonly app: FastifyInstance;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * pRuntime's HTTP API. Public endpoints answer JSON signed by the identity key; operator
 * endpoints (`/operator/*`) take and return SCALE and run one at a time, in arrival order.
 */
export async function startApiServer(runtime: PRuntime, options: ApiServerOptions): Promise<ApiServer> {
  const app = Fastify({
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    logger: false,
  });
  app.addContentTypeParser(SCALE, { parseAs: "buffer" }, (_req, body, done) => done(null, body));
  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = errorResponse(error);
    if (status >= 500) options.logger?.error({ err: error }, "request failed");
    void reply.status(status).type("application/json").send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const { status, body } = errorResponse(
      new ApiError("API_NOT_FOUND", "no such endpoint", { method: request.method, url: request.url }),
    );
    void reply.status(status).send(body);
  });

  app.get("/info", async (_request, reply) => sendSigned(reply, runtime, runtime.info()));

  app.post(
    "/contract/query",
    { bodyLimit: options.queryBodyLimit ?? DEFAULT_QUERY_BODY_LIMIT },
    async (request: FastifyRequest, reply: FastifyReply) => {
      // Ed25519 on libuv's thread pool: the event loop serves other requests meanwhile.
      const { body, signature } = await runtime.queries.answerAsync(scaleBody(request.body));
      return reply
        .type(SCALE)
        .header(SIGNATURE_HEADER, toHex(signature))
        .send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    },
  );

  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(run: () => Promise<T> | T): Promise<T> => {
    const result = queue.then(run);
    queue = result.catch(() => {});
    return result;
  };
  /** An operator endpoint; `takesBody` ones need a SCALE body, the others ignore any body. */
  const operator = (
    method: "GET" | "POST",
    path: string,
    run: (body: Uint8Array) => Promise<Uint8Array> | Uint8Array,
    takesBody = method === "POST",
  ) =>
    app.route({
      method,
      url: `/operator/${path}`,
      onRequest: async (request) =>
        checkOperator(options.operatorToken, request.socket.remoteAddress, request.headers.authorization),
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const body = takesBody ? scaleBody(request.body) : new Uint8Array();
        const out = await serialized(() => run(body));
        return reply.type(SCALE).send(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
      },
    });

  operator("POST", "init", async (body) =>
    runtimeInfoResponseCodec.enc(await runtime.init(decodeOperatorBody(initRequestCodec, body, "init request"))),
  );
  operator("POST", "sync-header", (body) =>
    syncStatusCodec.enc(runtime.syncHeader(decodeOperatorBody(syncHeaderRequestCodec, body, "sync-header request"))),
  );
  operator("POST", "dispatch-blocks", async (body) =>
    syncStatusCodec.enc(
      await runtime.dispatchBlocks(
        decodeOperatorBody(dispatchBlocksRequestCodec, body, "dispatch-blocks request").blocks,
      ),
    ),
  );
  operator("GET", "egress", () => signedMessagesCodec.enc(runtime.egressMessages()));
  operator("GET", "runtime-info", async () => runtimeInfoResponseCodec.enc(await runtime.runtimeInfo()));
  operator("POST", "checkpoint", async () => syncStatusCodec.enc(await runtime.checkpoint()), false);

  const url = await app.listen({ host: options.host, port: options.port });
  return { app, url, close: () => app.close() };
}

function scaleBody(raw: unknown): Uint8Array {
  if (!(raw instanceof Buffer)) throw new ApiError("API_UNSUPPORTED_MEDIA_TYPE", `send the SCALE body as ${SCALE}`);
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

function sendSigned(reply: FastifyReply, runtime: PRuntime, value: unknown) {
  const { body, signature } = signedJson(runtime.keys.identity, value);
  return reply.type("application/json").header(SIGNATURE_HEADER, signature).send(body);
}
