import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten-core";
import type { ContractOutcomeCode } from "../contractError.js";
import type { CallState } from "./callState.js";
import type { ContractCall, ContractFailure, ContractOutcome } from "./contractCall.js";
import { CODE_STACK_BYTES, GAS, MAX_OUTPUT_CHARS } from "./limits.js";
import type { RunResult } from "./sandbox.js";
import { boundedMessage, limitCode, readThrown } from "./thrownValue.js";

export function failure(code: ContractOutcomeCode, message: string, gasUsed: number): ContractFailure {
  return { ok: false, error: { code, message }, gasUsed };
}

export function outOfGas(call: ContractCall): ContractFailure {
  return failure("CONTRACT_OUT_OF_GAS", `the call ran out of gas (limit ${call.limits.gas})`, call.limits.gas);
}

/** The outcome of an entry point's run. */
export function outcomeOf(call: ContractCall, state: CallState, vm: QuickJSContext, ran: RunResult): ContractOutcome {
  if (ran.kind === "threw") return thrownOutcome(call, state, vm, ran.error, ran.as);
  if (state.outOfGas) return outOfGas(call);
  if (ran.kind === "verdict") return failure(ran.code, ran.message, state.gasUsed);
  return resultOutcome(call, state, ran.json);
}

function resultOutcome(call: ContractCall, state: CallState, json: string | undefined): ContractOutcome {
  if (state.outOfGas) return outOfGas(call);
  const gasUsed = state.gasUsed;
  if (json === undefined) return failure("CONTRACT_BAD_RESULT", "the result is not JSON", gasUsed);
  if (json.length > MAX_OUTPUT_CHARS)
    return failure("CONTRACT_BAD_RESULT", `the result is ${json.length} characters, over ${MAX_OUTPUT_CHARS}`, gasUsed);
  if (!state.charge(GAS.perIoChar * json.length)) return outOfGas(call);
  return {
    ok: true,
    output: JSON.parse(json),
    writes: state.sortedWrites(),
    events: state.events,
    gasUsed: state.gasUsed,
  };
}

/** The outcome of an exception out of the code's top level or the entry point; disposes `error`. */
export function thrownOutcome(
  call: ContractCall,
  state: CallState,
  vm: QuickJSContext,
  error: QuickJSHandle,
  otherwise: "CONTRACT_BAD_CODE" | "CONTRACT_THREW" | "CONTRACT_BAD_RESULT",
): ContractOutcome {
  try {
    if (state.outOfGas) return outOfGas(call);
    const thrown = readThrown(vm, error);
    if (state.outOfGas) return outOfGas(call);
    const code = limitCode(thrown);
    const gasUsed = state.gasUsed;
    if (code === "CONTRACT_OUT_OF_GAS") return outOfGas(call);
    if (code === "CONTRACT_OUT_OF_MEMORY")
      return failure(code, `the call ran out of memory (limit ${call.limits.memoryBytes} bytes)`, gasUsed);
    if (code === "CONTRACT_STACK_OVERFLOW" && otherwise === "CONTRACT_BAD_CODE")
      return failure(
        otherwise,
        `the code's top level overflowed the stack (${CODE_STACK_BYTES} bytes): nested too deeply`,
        gasUsed,
      );
    if (code === "CONTRACT_STACK_OVERFLOW")
      return failure(code, `the call overflowed the stack (limit ${call.limits.stackBytes} bytes)`, gasUsed);
    const message = boundedMessage(thrown);
    return failure(
      code ?? otherwise,
      otherwise === "CONTRACT_BAD_RESULT" ? `the result is not JSON: ${message}` : message,
      gasUsed,
    );
  } finally {
    error.dispose();
  }
}
