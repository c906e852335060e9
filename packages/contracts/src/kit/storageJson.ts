import type { Storage } from "./context.js";
import type { JsonValue } from "./json.js";

/** The JSON value stored under `key`, or `fallback` when there is none. */
export function getJson<T extends JsonValue>(storage: Storage, key: string, fallback: T): T;
export function getJson<T extends JsonValue>(storage: Storage, key: string): T | undefined;
export function getJson<T extends JsonValue>(storage: Storage, key: string, fallback?: T): T | undefined {
  const text = storage.get(key);
  return text === undefined ? fallback : (JSON.parse(text) as T);
}

export function setJson(storage: Storage, key: string, value: JsonValue): void {
  storage.set(key, JSON.stringify(value));
}

/** The caller, or an error when the call has none (a query nobody signed, a command from the chain itself). */
export function requireCaller(ctx: { readonly caller: `0x${string}` | undefined }): `0x${string}` {
  if (ctx.caller === undefined) throw new Error("this call needs a caller");
  return ctx.caller;
}
