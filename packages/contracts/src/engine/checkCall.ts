import { ContractError } from "../contractError.js";
import type { ContractCall } from "./contractCall.js";
import { LIMIT_BOUNDS } from "./limits.js";

const ENTRIES = new Set(["init", "handle", "query"]);

const bytes32 = (value: unknown): boolean => value instanceof Uint8Array && value.length === 32;
const whole = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0;
const within = (value: number, { min, max }: { min: number; max: number }) =>
  Number.isSafeInteger(value) && value >= min && value <= max;

function problem({ code, entry, ctx, limits }: ContractCall): string | undefined {
  if (typeof code !== "string") return "code must be a string";
  if (!ENTRIES.has(entry)) return `entry must be init, handle or query, not ${String(entry)}`;
  if (!bytes32(ctx.contractId)) return "ctx.contractId must be 32 bytes";
  if (ctx.caller !== undefined && !bytes32(ctx.caller)) return "ctx.caller must be 32 bytes or undefined";
  if (typeof ctx.randomSeed !== "function" && !bytes32(ctx.randomSeed))
    return "ctx.randomSeed must be 32 bytes or a function returning them";
  if (!whole(ctx.blockNumber) || !whole(ctx.timestampMs))
    return "ctx.blockNumber and ctx.timestampMs must be whole numbers";
  if (!Number.isSafeInteger(limits.gas) || limits.gas <= 0) return "limits.gas must be a positive whole number";
  for (const key of ["memoryBytes", "stackBytes"] as const) {
    const { min, max } = LIMIT_BOUNDS[key];
    if (!within(limits[key], { min, max })) return `limits.${key} must be within ${min}..${max}`;
  }
  return undefined;
}

/** A call the host got wrong (not the contract): thrown as `CONTRACT_BAD_CALL`. */
export function checkCall(call: ContractCall): void {
  const wrong = problem(call);
  if (wrong !== undefined) throw new ContractError("CONTRACT_BAD_CALL", wrong, { entry: call.entry });
}
