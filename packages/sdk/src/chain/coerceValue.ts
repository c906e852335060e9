import { ss58Encode, toHex } from "@phala-ts/core";
import type { LookupEntry } from "@polkadot-api/metadata-builders";
import { accountIdOf } from "../accounts/address.js";
import { SdkError } from "../sdkError.js";

export interface CoerceContext {
  /** `Pallet.call` or `Pallet.Item`, for messages. */
  readonly where: string;
  /** Where in the value, e.g. `dest.Id`. */
  readonly path: string;
  readonly ss58Prefix: number;
}

const HEX = /^0x([0-9a-fA-F]{2})*$/;
const BIG_PRIMITIVES = new Set(["u64", "u128", "u256", "i64", "i128", "i256"]);
const UNSIGNED_BITS: Record<string, number> = { u8: 8, u16: 16, u32: 32, u64: 64, u128: 128, u256: 256 };
const SIGNED_BITS: Record<string, number> = { i8: 8, i16: 16, i32: 32, i64: 64, i128: 128, i256: 256 };
const MULTI_ADDRESS = ["Id", "Index", "Raw", "Address32", "Address20"];

function fail(ctx: CoerceContext, expected: string, value: unknown): never {
  const at = ctx.path === "" ? "" : ` ${ctx.path}`;
  throw new SdkError("ARGS_INVALID", `${ctx.where}:${at} must be ${expected}`, {
    at: ctx.where,
    path: ctx.path,
    expected,
    got: describe(value),
  });
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return "null";
  return typeof value;
}

const child = (ctx: CoerceContext, segment: string): CoerceContext => ({
  ...ctx,
  path: ctx.path === "" ? segment : `${ctx.path}.${segment}`,
});

function integer(value: unknown, ctx: CoerceContext, primitive: string): bigint {
  let big: bigint | undefined;
  if (typeof value === "bigint") big = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) big = BigInt(value);
  else if (typeof value === "string" && /^-?[0-9]+$/.test(value)) big = BigInt(value);
  if (big === undefined) fail(ctx, `an integer (${primitive})`, value);
  const unsigned = UNSIGNED_BITS[primitive];
  const signed = SIGNED_BITS[primitive];
  const inRange =
    unsigned !== undefined
      ? big >= 0n && big < 1n << BigInt(unsigned)
      : signed !== undefined && big >= -(1n << BigInt(signed - 1)) && big < 1n << BigInt(signed - 1);
  if (!inRange) fail(ctx, `an integer in the range of ${primitive}`, value);
  return big;
}

function bytesOf(value: unknown, ctx: CoerceContext, length?: number): Uint8Array {
  let bytes: Uint8Array | undefined;
  if (value instanceof Uint8Array) bytes = value;
  else if (typeof value === "string" && HEX.test(value)) bytes = Buffer.from(value.slice(2), "hex");
  const expected = length === undefined ? "bytes (a Uint8Array or 0x-hex)" : `${length} bytes (a Uint8Array or 0x-hex)`;
  if (bytes === undefined || (length !== undefined && bytes.length !== length)) fail(ctx, expected, value);
  return new Uint8Array(bytes);
}

function isU8(entry: LookupEntry): boolean {
  return entry.type === "primitive" && entry.value === "u8";
}

/**
 * Brings a value a caller wrote into the shape the metadata-built codec of `entry` encodes,
 * accepting the obvious alternatives (an account as an SS58 address of any prefix, 0x-hex or
 * bytes; bytes as 0x-hex; integers as numbers, bigints or decimal strings; struct fields in
 * camelCase; a MultiAddress as a bare account) and refusing anything else with `ARGS_INVALID`
 * naming the path, before the codec could fail obscurely or truncate.
 */
export function coerceValue(entry: LookupEntry, value: unknown, ctx: CoerceContext): unknown {
  switch (entry.type) {
    case "primitive": {
      const primitive = entry.value;
      if (primitive === "bool") return typeof value === "boolean" ? value : fail(ctx, "a boolean", value);
      if (primitive === "str" || primitive === "char")
        return typeof value === "string" ? value : fail(ctx, "a string", value);
      const big = integer(value, ctx, primitive);
      return BIG_PRIMITIVES.has(primitive) ? big : Number(big);
    }
    case "compact": {
      const big = integer(value, ctx, entry.size);
      return entry.isBig ? big : Number(big);
    }
    case "void":
      return undefined;
    case "AccountId32": {
      try {
        return ss58Encode(accountIdOf(value as never), ctx.ss58Prefix);
      } catch {
        return fail(ctx, "an account (an SS58 address, 0x-hex AccountId32 or 32 bytes)", value);
      }
    }
    case "AccountId20":
      return toHex(bytesOf(value, ctx, 20));
    case "bitSequence":
      return value;
    case "array":
      if (isU8(entry.value)) return toHex(bytesOf(value, ctx, entry.len));
      if (!Array.isArray(value) || value.length !== entry.len) return fail(ctx, `an array of ${entry.len}`, value);
      return value.map((v, i) => coerceValue(entry.value, v, child(ctx, String(i))));
    case "sequence":
      if (isU8(entry.value)) return bytesOf(value, ctx);
      if (!Array.isArray(value)) return fail(ctx, "an array", value);
      return value.map((v, i) => coerceValue(entry.value, v, child(ctx, String(i))));
    case "tuple":
      if (entry.value.length === 1 && !Array.isArray(value)) return [coerceValue(entry.value[0]!, value, ctx)];
      if (!Array.isArray(value) || value.length !== entry.value.length) {
        return fail(ctx, `a tuple of ${entry.value.length}`, value);
      }
      return value.map((v, i) => coerceValue(entry.value[i]!, v, child(ctx, String(i))));
    case "struct":
      return coerceStruct(entry.value, value, ctx);
    case "option":
      return value === undefined || value === null ? undefined : coerceValue(entry.value, value, ctx);
    case "result":
      return value;
    case "enum":
      return coerceEnum(entry, value, ctx);
  }
}

function coerceStruct(fields: Readonly<Record<string, LookupEntry>>, value: unknown, ctx: CoerceContext): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    return fail(ctx, `an object with ${Object.keys(fields).join(", ") || "no fields"}`, value);
  }
  const given = value as Record<string, unknown>;
  const known = new Set<string>();
  const out: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(fields)) {
    const camel = name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
    const key = given[name] !== undefined ? name : given[camel] !== undefined ? camel : undefined;
    if (key !== undefined) known.add(key);
    if (key === undefined && type.type !== "option" && type.type !== "void") fail(child(ctx, name), "given", undefined);
    out[name] = coerceValue(type, key === undefined ? undefined : given[key], child(ctx, name));
  }
  const unknown = Object.keys(given).filter((key) => !known.has(key) && given[key] !== undefined);
  if (unknown.length > 0) {
    throw new SdkError("ARGS_INVALID", `${ctx.where}: unknown field ${unknown.join(", ")}`, {
      at: ctx.where,
      path: ctx.path,
      unknown,
      fields: Object.keys(fields),
    });
  }
  return out;
}

function coerceEnum(entry: Extract<LookupEntry, { type: "enum" }>, value: unknown, ctx: CoerceContext): unknown {
  const variants = entry.value;
  const names = Object.keys(variants);
  // A MultiAddress given as the account itself.
  if (
    MULTI_ADDRESS.every((name) => names.includes(name)) &&
    (typeof value === "string" ||
      value instanceof Uint8Array ||
      (typeof value === "object" && value !== null && "accountId" in value))
  ) {
    const id = variants["Id"]!;
    return {
      type: "Id",
      value: coerceValue(id.type === "lookupEntry" ? id.value : (id as never), value, child(ctx, "Id")),
    };
  }
  // A variant without data may be given as its name.
  if (typeof value === "string" && variants[value]?.type === "void") return { type: value, value: undefined };
  if (typeof value !== "object" || value === null || typeof (value as { type?: unknown }).type !== "string") {
    return fail(ctx, `one of ${names.join(", ")} as { type, value }`, value);
  }
  const { type, value: inner } = value as { type: string; value?: unknown };
  const variant = variants[type];
  if (variant === undefined) return fail(ctx, `one of ${names.join(", ")}`, type);
  const at = child(ctx, type);
  switch (variant.type) {
    case "void":
      return { type, value: undefined };
    case "lookupEntry":
      return { type, value: coerceValue(variant.value, inner, at) };
    default:
      return { type, value: coerceValue({ id: -1, ...variant } as unknown as LookupEntry, inner, at) };
  }
}
