import variant from "@jitl/quickjs-wasmfile-release-sync";
import {
  DefaultIntrinsics,
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from "quickjs-emscripten-core";
import type { ContractOutcomeCode } from "../contractError.js";
import { ContractError } from "../contractError.js";
import { CallState } from "./callState.js";
import { checkCall } from "./checkCall.js";
import type { ContractCall, ContractFailure, ContractOutcome } from "./contractCall.js";
import { InterruptCounter } from "./interruptCounter.js";
import { encodeInput } from "./jsonInput.js";
import {
  CODE_STACK_BYTES,
  DEFAULT_HEAP_BYTES,
  GAS,
  INITIAL_HEAP_BYTES,
  MAX_OUTPUT_CHARS,
  MIN_HEAP_BYTES,
} from "./limits.js";
import { Sandbox } from "./sandbox.js";
import { boundedMessage, limitCode, readThrown } from "./thrownValue.js";

const INTRINSICS = { ...DefaultIntrinsics, Date: false } as const;

// The variant ships CommonJS typings beside its ES module, so TypeScript sees another copy of the
// variant type than quickjs-emscripten-core's; the object is the one the loader expects.
type Variant = Extract<Parameters<typeof newVariant>[0], { type: "sync" }>;
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (pages: object) => object } }).WebAssembly;
const PAGE = 64 << 10;

/** The module, in a WebAssembly memory that can never grow past `heapBytes`. */
const loadModule = (heapBytes: number): Promise<QuickJSWASMModule> =>
  newQuickJSWASMModuleFromVariant(
    newVariant(variant as unknown as Variant, {
      wasmMemory: new Memory({ initial: INITIAL_HEAP_BYTES / PAGE, maximum: heapBytes / PAGE }) as never,
    }),
  );

/** What the engine uses of a module (a TestQuickJSWASMModule will do). */
export type QuickJSModule = Pick<QuickJSWASMModule, "newRuntime" | "getWasmMemory">;

/** A module and where its contexts keep their interrupt countdown. */
interface Sandboxes {
  readonly module: QuickJSModule;
  readonly counter: InterruptCounter;
}

const sandboxes = (module: QuickJSModule): Sandboxes => ({ module, counter: InterruptCounter.locate(module) });

function failure(code: ContractOutcomeCode, message: string, gasUsed: number): ContractFailure {
  return { ok: false, error: { code, message }, gasUsed };
}

export interface ContractEngineOptions {
  /** A module to use instead of loading one (tests that watch it); `heapBytes` does not apply to it. */
  readonly module?: QuickJSModule;
  /**
   * The most WebAssembly memory the engine ever takes (default 256 MiB), whatever its contracts
   * do. QuickJS's own accounting, which `limits.memoryBytes` sets, counts 8 bytes a live
   * allocation in this build (it cannot see allocation sizes): it bounds how many allocations a
   * call holds and how large each is, not their total. This is the hard ceiling behind it; a
   * call that reaches it fails with CONTRACT_OUT_OF_MEMORY.
   */
  readonly heapBytes?: number;
  /**
   * Ends a call that runs longer than this on the wall clock, with a thrown `CONTRACT_TIMEOUT`.
   * Gas counts interpreter ticks, and a built-in such as `Array.prototype.fill` or
   * `String.prototype.indexOf` is one tick however much it does, so gas alone can let a hostile
   * contract hold the engine for far longer than its limit suggests. None by default.
   */
  readonly timeLimitMs?: number;
}

/**
 * Runs contract entry points in QuickJS compiled to WebAssembly. Each call gets a fresh runtime
 * and context, so nothing but storage survives it; see the package README for the sandbox, gas
 * and limits. One engine serves any number of contracts, one call at a time (calls are
 * synchronous).
 */
export class ContractEngine {
  #sandboxes: Sandboxes | undefined;
  #reloading: Promise<void> | undefined;
  readonly #timeLimitMs: number | undefined;
  readonly #heapBytes: number;

  private constructor(sandboxes: Sandboxes, options: ContractEngineOptions, heapBytes: number) {
    this.#sandboxes = sandboxes;
    this.#timeLimitMs = options.timeLimitMs;
    this.#heapBytes = heapBytes;
  }

  /** Loads the WebAssembly module, once for all calls. */
  static async create(options: ContractEngineOptions = {}): Promise<ContractEngine> {
    const heapBytes = options.heapBytes ?? DEFAULT_HEAP_BYTES;
    if (!Number.isSafeInteger(heapBytes) || heapBytes % PAGE !== 0 || heapBytes < MIN_HEAP_BYTES)
      throw new ContractError(
        "CONTRACT_BAD_CALL",
        `heapBytes must be a whole number of 64 KiB pages, at least ${MIN_HEAP_BYTES}`,
      );
    const module = options.module ?? (await loadModule(heapBytes));
    return new ContractEngine(sandboxes(module), options, heapBytes);
  }

  /** Resolves once the engine can run calls (at once, unless it is reloading after a fault). */
  async ready(): Promise<void> {
    await this.#reloading;
  }

  /**
   * Runs one entry point. A contract's failure is an outcome (`ok: false`, no writes, no events);
   * a malformed call, a failing host storage or a broken sandbox is thrown.
   */
  run(call: ContractCall): ContractOutcome {
    checkCall(call);
    const current = this.#sandboxes;
    if (current === undefined)
      throw new ContractError("CONTRACT_ENGINE_UNAVAILABLE", "the contract engine is reloading after a fault");
    const state = new CallState(call, this.#timeLimitMs);
    const input = encodeInput(call.input);
    if ("error" in input) return failure("CONTRACT_BAD_INPUT", input.error, GAS.callBase);
    if (!state.charge(GAS.callBase + GAS.perCodeChar * call.code.length + GAS.perIoChar * input.json.length))
      return this.#outOfGas(call);
    let outcome: ContractOutcome;
    try {
      const rt = current.module.newRuntime();
      const vm = rt.newContext({ intrinsics: INTRINSICS });
      outcome = this.#execute(call, input.json, state, current.counter, rt, vm);
      vm.dispose();
      rt.dispose();
    } catch (error) {
      this.#reload();
      throw new ContractError(
        "CONTRACT_ENGINE_FAULT",
        `the contract sandbox failed: ${error instanceof Error ? error.message : String(error)}`,
        { entry: call.entry },
        { cause: error },
      );
    }
    if (state.hostError !== undefined) throw state.hostError;
    if (state.timedOut)
      throw new ContractError("CONTRACT_TIMEOUT", `the call ran longer than ${this.#timeLimitMs} ms`, {
        entry: call.entry,
        gasUsed: state.gasUsed,
      });
    return outcome;
  }

  #execute(
    call: ContractCall,
    input: string,
    state: CallState,
    counter: InterruptCounter,
    rt: QuickJSRuntime,
    vm: QuickJSContext,
  ) {
    rt.setMaxStackSize(CODE_STACK_BYTES);
    const sandbox = new Sandbox(vm, state, call);
    try {
      // Building the sandbox is the host's work, paid by GAS.callBase; the contract's starts here,
      // and from now on every GAS.perInterrupt ticks call the handler.
      rt.setInterruptHandler(() => {
        counter.rearm(vm, GAS.perInterrupt);
        return state.onInterrupt();
      });
      counter.rearm(vm, GAS.perInterrupt);
      rt.setMemoryLimit(call.limits.memoryBytes);
      const evaluated = vm.evalCode(call.code, "contract.js", { type: "global" });
      if (evaluated.error) return this.#thrown(call, state, vm, evaluated.error, "CONTRACT_BAD_CODE");
      evaluated.value.dispose();
      rt.setMaxStackSize(call.limits.stackBytes);
      const ran = sandbox.run(call.entry, input);
      if (ran.kind === "threw") return this.#thrown(call, state, vm, ran.error, ran.as);
      if (state.outOfGas) return this.#outOfGas(call);
      if (ran.kind === "verdict") return failure(ran.code, ran.message, state.gasUsed);
      return this.#result(call, state, ran.json);
    } finally {
      sandbox.dispose();
    }
  }

  #result(call: ContractCall, state: CallState, json: string | undefined): ContractOutcome {
    if (state.outOfGas) return this.#outOfGas(call);
    const gasUsed = state.gasUsed;
    if (json === undefined) return failure("CONTRACT_BAD_RESULT", "the result is not JSON", gasUsed);
    if (json.length > MAX_OUTPUT_CHARS)
      return failure(
        "CONTRACT_BAD_RESULT",
        `the result is ${json.length} characters, over ${MAX_OUTPUT_CHARS}`,
        gasUsed,
      );
    if (!state.charge(GAS.perIoChar * json.length)) return this.#outOfGas(call);
    return {
      ok: true,
      output: JSON.parse(json),
      writes: state.sortedWrites(),
      events: state.events,
      gasUsed: state.gasUsed,
    };
  }

  /** The outcome of an exception out of the code's top level or the entry point. */
  #thrown(
    call: ContractCall,
    state: CallState,
    vm: QuickJSContext,
    error: QuickJSHandle,
    otherwise: "CONTRACT_BAD_CODE" | "CONTRACT_THREW" | "CONTRACT_BAD_RESULT",
  ): ContractOutcome {
    try {
      if (state.outOfGas) return this.#outOfGas(call);
      const thrown = readThrown(vm, error);
      if (state.outOfGas) return this.#outOfGas(call);
      const code = limitCode(thrown);
      const gasUsed = state.gasUsed;
      if (code === "CONTRACT_OUT_OF_GAS") return this.#outOfGas(call);
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

  #outOfGas(call: ContractCall): ContractFailure {
    return failure("CONTRACT_OUT_OF_GAS", `the call ran out of gas (limit ${call.limits.gas})`, call.limits.gas);
  }

  /** After a fault the module's state is unknown: drop it and load a fresh one. */
  #reload(): void {
    this.#sandboxes = undefined;
    this.#reloading ??= loadModule(this.#heapBytes).then(
      (module) => {
        this.#sandboxes = sandboxes(module);
        this.#reloading = undefined;
      },
      (error: unknown) => {
        this.#reloading = Promise.reject(error);
        this.#reloading.catch(() => {});
      },
    );
  }
}
