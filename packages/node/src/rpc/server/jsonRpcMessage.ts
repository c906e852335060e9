import { jsonText } from "./rawJson.js";
import { JsonRpcErrorCode, RpcError, type RpcErrorObject } from "./rpcError.js";

export type JsonRpcId = string | number | null;

/** One well-formed entry of a request. `id` is absent for a notification, which gets no response. */
export interface JsonRpcCall {
  readonly kind: "call";
  readonly method: string;
  readonly rawParams: unknown;
  readonly id?: JsonRpcId;
}

export interface JsonRpcInvalid {
  readonly kind: "invalid";
  readonly id: JsonRpcId;
  readonly error: RpcError;
}

function isId(value: unknown): value is JsonRpcId {
  return value === null || typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

function invalid(id: JsonRpcId, reason: string): JsonRpcInvalid {
  return { kind: "invalid", id, error: new RpcError(JsonRpcErrorCode.InvalidRequest, "Invalid request", reason) };
}

/** Classifies one parsed JSON value (a whole request or one batch entry). */
export function parseCall(value: unknown): JsonRpcCall | JsonRpcInvalid {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return invalid(null, "a request must be an object");
  }
  const entry = value as Record<string, unknown>;
  const hasId = Object.hasOwn(entry, "id");
  const id = entry["id"];
  if (hasId && !isId(id)) return invalid(null, "id must be a string, a number or null");
  const replyId = hasId ? (id as JsonRpcId) : null;
  if (entry["jsonrpc"] !== "2.0") return invalid(replyId, 'jsonrpc must be "2.0"');
  const method = entry["method"];
  if (typeof method !== "string") return invalid(replyId, "method must be a string");
  const params = entry["params"];
  if (params !== undefined && (typeof params !== "object" || params === null)) {
    return invalid(replyId, "params must be an array or an object");
  }
  return hasId
    ? { kind: "call", method, rawParams: params, id: id as JsonRpcId }
    : { kind: "call", method, rawParams: params };
}

/** Throws (TypeError) when `result` cannot be JSON: a BigInt, a cycle, a function. */
export function successResponse(id: JsonRpcId, result: unknown): string {
  const body = jsonText(result === undefined ? null : result);
  if (body === undefined) throw new TypeError(`result of type ${typeof result} is not JSON`);
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${body}}`;
}

/** Throws (TypeError) when the error's `data` cannot be JSON. */
export function errorResponse(id: JsonRpcId, error: RpcErrorObject): string {
  return JSON.stringify({ jsonrpc: "2.0", id, error });
}

export function subscriptionNotification(method: string, subscription: string, result: unknown): string {
  const body = jsonText(result === undefined ? null : result);
  if (body === undefined) throw new TypeError(`notification of type ${typeof result} is not JSON`);
  return `{"jsonrpc":"2.0","method":${JSON.stringify(method)},"params":{"subscription":${JSON.stringify(subscription)},"result":${body}}}`;
}

/** UTF-8 length, skipping the full count when the UTF-16 length already decides. */
export function exceedsBytes(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return Buffer.byteLength(text, "utf8") > limit;
}
