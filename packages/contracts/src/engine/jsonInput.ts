import { MAX_INPUT_CHARS, MAX_INPUT_DEPTH } from "./limits.js";

function problem(value: unknown, depth: number): string | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : `${value} is not a JSON number`;
  if (typeof value !== "object") return `a ${typeof value} is not JSON`;
  if (depth >= MAX_INPUT_DEPTH) return `nested deeper than ${MAX_INPUT_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const inner = problem(value[i], depth + 1);
      if (inner !== undefined) return inner;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return "only plain objects and arrays are JSON";
  for (const key in value) {
    const inner = problem((value as Record<string, unknown>)[key], depth + 1);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** The input as JSON text, or why it cannot be one: strict (no undefined, NaN, Dates, typed arrays, cycles) and bounded. */
export function encodeInput(value: unknown): { json: string } | { error: string } {
  const error = problem(value, 0);
  if (error !== undefined) return { error: `the input is not JSON: ${error}` };
  const json = JSON.stringify(value);
  if (json.length > MAX_INPUT_CHARS)
    return { error: `the input is ${json.length} characters, over ${MAX_INPUT_CHARS}` };
  return { json };
}
