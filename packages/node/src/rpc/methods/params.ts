import { fromHex, type HexString, PhalaError } from "@phala-ts/core";
import { JsonRpcErrorCode, RpcError } from "../server/index.js";

export function invalidParams(message: string): RpcError {
  return new RpcError(JsonRpcErrorCode.InvalidParams, message);
}

/** A 0x-hex parameter as bytes; `length` when the value has a fixed size. */
export function bytesParam(value: unknown, what: string, length?: number): Uint8Array {
  if (typeof value !== "string") throw invalidParams(`${what} must be a 0x-prefixed hex string`);
  let bytes: Uint8Array;
  try {
    bytes = fromHex(value);
  } catch (error) {
    throw invalidParams(`${what}: ${error instanceof PhalaError ? error.message : "invalid hex"}`);
  }
  if (length !== undefined && bytes.length !== length) throw invalidParams(`${what} must be ${length} bytes`);
  return bytes;
}

export const optionalHash = (value: unknown, what = "block hash"): Uint8Array | undefined =>
  value === undefined || value === null ? undefined : bytesParam(value, what, 32);

export function numberParam(value: unknown, what: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === "string" && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(value)) {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
  }
  throw invalidParams(`${what} must be a non-negative integer`);
}

export function listParam(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw invalidParams(`${what} must be an array`);
  return value;
}

export const hex = (n: number | bigint): HexString => `0x${n.toString(16)}`;
