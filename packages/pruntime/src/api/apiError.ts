import { PhalaError } from "@phala-ts/core";

export type ApiErrorCode =
  | "API_FORBIDDEN"
  | "API_BODY_TOO_LARGE"
  | "API_UNSUPPORTED_MEDIA_TYPE"
  | "API_NOT_FOUND"
  | "API_BAD_REQUEST"
  | "API_INTERNAL";

/** An HTTP-level refusal: who may call, how big, which format. */
export class ApiError extends PhalaError<ApiErrorCode> {
  override readonly name = "ApiError";
}

/** The JSON body of every error response. */
export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Statuses other than 400 (a request the caller should fix). */
const STATUS: Readonly<Record<string, number>> = {
  API_FORBIDDEN: 403,
  API_BODY_TOO_LARGE: 413,
  API_UNSUPPORTED_MEDIA_TYPE: 415,
  API_NOT_FOUND: 404,
  API_INTERNAL: 500,
  QUERY_CERTIFICATE_INVALID: 401,
  QUERY_CERTIFICATE_EXPIRED: 401,
  QUERY_SIGNATURE_INVALID: 401,
  QUERY_STALE: 401,
  QUERY_NONCE_REUSED: 409,
  QUERY_RATE_LIMITED: 429,
  QUERY_CONTRACT_NOT_FOUND: 404,
  QUERY_CONTRACT_UNAVAILABLE: 503,
  QUERY_TIMEOUT: 504,
};

/** How an error thrown by a handler becomes a status and body; only typed errors say what went wrong. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof PhalaError) {
    const status = STATUS[error.code] ?? 400;
    return { status, body: { code: error.code, message: error.message, details: jsonSafe(error.details) } };
  }
  const fastify = error as { code?: string; statusCode?: number; message?: string };
  if (fastify.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return { status: 413, body: { code: "API_BODY_TOO_LARGE", message: "the request body is too large", details: {} } };
  }
  if (fastify.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
    return {
      status: 415,
      body: { code: "API_UNSUPPORTED_MEDIA_TYPE", message: "unsupported content type", details: {} },
    };
  }
  if (fastify.statusCode !== undefined && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return {
      status: fastify.statusCode,
      body: { code: "API_BAD_REQUEST", message: fastify.message ?? "bad request", details: {} },
    };
  }
  return { status: 500, body: { code: "API_INTERNAL", message: "internal error", details: {} } };
}

function jsonSafe(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(details, (_key, value) => (typeof value === "bigint" ? value.toString() : value)));
}
