import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten-core";
import type { ContractOutcomeCode } from "../contractError.js";
import { MAX_ERROR_MESSAGE_CHARS } from "./limits.js";

export interface Thrown {
  readonly name: string | undefined;
  readonly message: string;
  /** QuickJS throws null when it cannot allocate even the error for running out of memory. */
  readonly null?: true;
}

function stringProp(vm: QuickJSContext, handle: QuickJSHandle, key: string): string | undefined {
  try {
    const prop = vm.getProp(handle, key);
    try {
      return vm.typeof(prop) === "string" ? vm.getString(prop) : undefined;
    } finally {
      prop.dispose();
    }
  } catch {
    return undefined;
  }
}

/** Name and message of a value thrown in the sandbox, read without calling into it (beyond getters). */
export function readThrown(vm: QuickJSContext, handle: QuickJSHandle): Thrown {
  const type = vm.typeof(handle);
  if (type === "object" || type === "function") {
    if (vm.sameValue(handle, vm.null)) return { name: undefined, message: "null was thrown", null: true };
    const message = stringProp(vm, handle, "message");
    if (message === undefined) return { name: undefined, message: "a value that is not an Error was thrown" };
    return { name: stringProp(vm, handle, "name"), message };
  }
  const value: unknown = vm.dump(handle);
  return { name: undefined, message: typeof value === "string" ? value : `${String(value)} was thrown` };
}

/**
 * QuickJS's own errors for its limits; anything else is the contract's. An uncaught null counts
 * as out of memory, since that is what QuickJS throws when memory is too short for an Error.
 */
export function limitCode({ name, message, null: isNull }: Thrown): ContractOutcomeCode | undefined {
  if (isNull) return "CONTRACT_OUT_OF_MEMORY";
  // The parser reports its own overflow as a SyntaxError.
  if (message === "stack overflow" && (name === "InternalError" || name === "SyntaxError"))
    return "CONTRACT_STACK_OVERFLOW";
  if (name === "InternalError") {
    if (message === "interrupted") return "CONTRACT_OUT_OF_GAS";
    if (message === "out of memory") return "CONTRACT_OUT_OF_MEMORY";
  }
  if (name === "ReadOnlyError") return "CONTRACT_READ_ONLY";
  return undefined;
}

export function boundedMessage({ name, message }: Thrown): string {
  const text = name === undefined || name === "" ? message : `${name}: ${message}`;
  return text.length > MAX_ERROR_MESSAGE_CHARS ? `${text.slice(0, MAX_ERROR_MESSAGE_CHARS - 1)}…` : text;
}
