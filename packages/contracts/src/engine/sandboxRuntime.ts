import { DefaultIntrinsics, type QuickJSContext, type QuickJSRuntime } from "quickjs-emscripten-core";
import { outcomeOf, thrownOutcome } from "./callOutcome.js";
import type { CallState } from "./callState.js";
import type { ContractCall, ContractOutcome } from "./contractCall.js";
import { installFastMarshalling } from "./fastMarshalling.js";
import type { InterruptCounter } from "./interruptCounter.js";
import { CODE_STACK_BYTES, GAS } from "./limits.js";
import type { QuickJSModule } from "./quickjsModule.js";
import { Sandbox } from "./sandbox.js";

const INTRINSICS = { ...DefaultIntrinsics, Date: false } as const;

/** The code's top level has run: the gas it took, and where it left the interrupt countdown. */
export interface TopLevel {
  readonly topLevelGas: number;
  readonly countdown: number;
}

/**
 * A QuickJS runtime, its context and the sandbox in it. Every call, fresh, from a code image
 * (`CodeImages`) or in a warm context, is the same two steps on one: `evaluate` runs the code's
 * top level, and `call` builds the call's `ctx` and runs the entry point. A code image is the
 * memory between the two; a warm context is the runtime itself, kept. The interrupt handler
 * charges whatever call the sandbox has in progress.
 */
export class SandboxRuntime {
  readonly runtime: QuickJSRuntime;
  readonly vm: QuickJSContext;
  readonly sandbox: Sandbox;
  readonly #counter: InterruptCounter;

  private constructor(runtime: QuickJSRuntime, vm: QuickJSContext, sandbox: Sandbox, counter: InterruptCounter) {
    this.runtime = runtime;
    this.vm = vm;
    this.sandbox = sandbox;
    this.#counter = counter;
  }

  static create(module: QuickJSModule, counter: InterruptCounter): SandboxRuntime {
    const rt = module.newRuntime();
    let vm: QuickJSContext | undefined;
    try {
      vm = rt.newContext({ intrinsics: INTRINSICS });
      installFastMarshalling(vm);
      rt.setMaxStackSize(CODE_STACK_BYTES);
      const sandbox = new Sandbox(vm);
      const context = vm;
      rt.setInterruptHandler(() => {
        counter.rearm(context, GAS.perInterrupt);
        return sandbox.state?.onInterrupt() ?? false;
      });
      return new SandboxRuntime(rt, vm, sandbox, counter);
    } catch (error) {
      vm?.dispose();
      rt.dispose();
      throw error;
    }
  }

  /**
   * Runs the code's top level, with `state` charged for its ticks from the first (the sandbox's
   * setup is the host's work, paid by GAS.callBase) and `memoryBytes` as the memory limit. A top
   * level that throws, or defines no valid script, ends the call: its outcome is returned.
   */
  evaluate(
    call: ContractCall,
    state: CallState,
    memoryBytes: number,
  ): TopLevel | { readonly outcome: ContractOutcome } {
    const { runtime, vm, sandbox } = this;
    sandbox.begin(state);
    try {
      this.#counter.rearm(vm, GAS.perInterrupt);
      runtime.setMemoryLimit(memoryBytes);
      const before = state.gasUsed;
      const evaluated = vm.evalCode(call.code, "contract.js", { type: "global" });
      if (evaluated.error) return { outcome: thrownOutcome(call, state, vm, evaluated.error, "CONTRACT_BAD_CODE") };
      evaluated.value.dispose();
      return { topLevelGas: state.gasUsed - before, countdown: this.#counter.remaining(vm) };
    } finally {
      sandbox.leave();
    }
  }

  /**
   * Runs the entry point where `evaluate` left the runtime, its gas already charged to `state`:
   * `ctx` is built with no memory limit and no call in progress (the host's work), then the
   * interrupt countdown the top level left and the call's limits are set.
   */
  call(call: ContractCall, input: string, state: CallState, countdown: number): ContractOutcome {
    const { runtime, vm, sandbox } = this;
    runtime.setMemoryLimit(-1);
    sandbox.enter(state, call);
    try {
      this.#counter.rearm(vm, countdown);
      runtime.setMemoryLimit(call.limits.memoryBytes);
      runtime.setMaxStackSize(call.limits.stackBytes);
      return outcomeOf(call, state, vm, sandbox.run(call.entry, input));
    } finally {
      sandbox.leave();
    }
  }

  dispose(): void {
    this.sandbox.dispose();
    this.vm.dispose();
    this.runtime.dispose();
  }
}
