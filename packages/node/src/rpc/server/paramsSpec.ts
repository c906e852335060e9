import { isPhalaError, PhalaError } from "@phala-ts/core";
import { RpcError } from "./rpcError.js";

/** Checks positional params; throws (an `RpcError` for a precise answer) when they are unacceptable. */
export type ParamsValidator = (params: readonly unknown[]) => void;

/**
 * How many positional params a method takes, and optionally a validator run after the count check.
 * A number is an exact count; `{ min, max }` allows optional trailing params (`max` absent: no upper bound).
 */
export type ParamsSpec = number | { readonly min?: number; readonly max?: number; readonly validate?: ParamsValidator };

export class ParamsSpecError extends PhalaError<"RPC_PARAMS_SPEC_INVALID"> {
  override readonly name = "ParamsSpecError";
}

export function assertParamsSpec(spec: ParamsSpec | ParamsValidator | undefined, name: string): void {
  if (spec === undefined || typeof spec === "function") return;
  const bad = (reason: string): never => {
    throw new ParamsSpecError("RPC_PARAMS_SPEC_INVALID", `params of ${name}: ${reason}`, { name });
  };
  const isCount = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0;
  if (typeof spec === "number") {
    if (!isCount(spec)) bad("arity must be a non-negative integer");
    return;
  }
  if (spec.min !== undefined && !isCount(spec.min)) bad("min must be a non-negative integer");
  if (spec.max !== undefined && !isCount(spec.max)) bad("max must be a non-negative integer");
  if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) bad("min exceeds max");
  if (spec.validate !== undefined && typeof spec.validate !== "function") bad("validate must be a function");
}

/** Absent params are an empty list; by-name (object) params are refused: Substrate's clients never send them. */
export function positionalParams(raw: unknown): unknown[] {
  if (raw === undefined) return [];
  if (Array.isArray(raw)) return raw;
  throw RpcError.invalidParams("params must be an array (by-name params are not supported)");
}

export function checkParams(spec: ParamsSpec | ParamsValidator | undefined, params: readonly unknown[]): void {
  if (spec === undefined) return;
  if (typeof spec === "function") {
    runValidator(spec, params);
    return;
  }
  const min = typeof spec === "number" ? spec : (spec.min ?? 0);
  const max = typeof spec === "number" ? spec : spec.max;
  if (params.length < min || (max !== undefined && params.length > max)) {
    throw RpcError.invalidParams(`expected ${describeArity(min, max)}, got ${params.length}`);
  }
  if (typeof spec !== "number" && spec.validate !== undefined) runValidator(spec.validate, params);
}

function describeArity(min: number, max: number | undefined): string {
  const plural = (n: number): string => `${n} param${n === 1 ? "" : "s"}`;
  if (max === undefined) return `at least ${plural(min)}`;
  if (min === max) return plural(min);
  return `${min} to ${plural(max)}`;
}

function runValidator(validate: ParamsValidator, params: readonly unknown[]): void {
  try {
    validate(params);
  } catch (error) {
    if (error instanceof RpcError) throw error;
    // A validator's own typed error describes the bad input; anything else might describe our code.
    throw RpcError.invalidParams(isPhalaError(error) ? error.message : "params rejected");
  }
}
