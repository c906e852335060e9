import variant from "@jitl/quickjs-wasmfile-release-sync";
import { toHex } from "@phala-ts/core";
import {
  DefaultIntrinsics,
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
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
import { type RunResult, Sandbox } from "./sandbox.js";
import { boundedMessage, limitCode, readThrown } from "./thrownValue.js";
import { WARM_CONTEXT_DEFAULTS, WarmContext, WarmContexts } from "./warmContexts.js";

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
  /**
   * The most warm contexts `runQuery` keeps, least recently used dropped first (default 64; 0:
   * every query runs in a fresh context). Each holds a QuickJS runtime, with what the contract's
   * top level and its queries left in it, in this engine's heap: give queries an engine of
   * their own, so that commands never share a heap with them.
   */
  readonly warmContexts?: number;
  /** How many calls a warm context serves before it is rebuilt (default 1,000). */
  readonly warmContextCalls?: number;
}

function checkOptions(options: ContractEngineOptions): number {
  const heapBytes = options.heapBytes ?? DEFAULT_HEAP_BYTES;
  if (!Number.isSafeInteger(heapBytes) || heapBytes % PAGE !== 0 || heapBytes < MIN_HEAP_BYTES)
    throw new ContractError(
      "CONTRACT_BAD_CALL",
      `heapBytes must be a whole number of 64 KiB pages, at least ${MIN_HEAP_BYTES}`,
    );
  const { warmContexts = 0, warmContextCalls = 1 } = options;
  if (!Number.isSafeInteger(warmContexts) || warmContexts < 0)
    throw new ContractError("CONTRACT_BAD_CALL", "warmContexts must be a whole number");
  if (!Number.isSafeInteger(warmContextCalls) || warmContextCalls < 1)
    throw new ContractError("CONTRACT_BAD_CALL", "warmContextCalls must be a whole number, at least 1");
  return heapBytes;
}

/** A call's outcome, and the context it ran in when that is to be kept warm. */
type Ran = readonly [ContractOutcome, WarmContext | undefined];

/**
 * Runs contract entry points in QuickJS compiled to WebAssembly; see the package README for the
 * sandbox, gas and limits. `run` gives every call a fresh runtime and context, so nothing but
 * storage survives it: commands (`init`, `handle`) always run so. `runQuery` runs a `query` in
 * a context kept warm for its caller and contract, where the code's top level has already run.
 * One engine serves any number of contracts, one call at a time (calls are synchronous).
 */
export class ContractEngine {
  #sandboxes: Sandboxes | undefined;
  #reloading: Promise<void> | undefined;
  readonly #timeLimitMs: number | undefined;
  readonly #heapBytes: number;
  readonly #warm: WarmContexts;

  private constructor(sandboxes: Sandboxes, options: ContractEngineOptions, heapBytes: number) {
    this.#sandboxes = sandboxes;
    this.#timeLimitMs = options.timeLimitMs;
    this.#heapBytes = heapBytes;
    this.#warm = new WarmContexts(
      options.warmContexts ?? WARM_CONTEXT_DEFAULTS.contexts,
      options.warmContextCalls ?? WARM_CONTEXT_DEFAULTS.callsPerContext,
    );
  }

  /** Loads the WebAssembly module, once for all calls. */
  static async create(options: ContractEngineOptions = {}): Promise<ContractEngine> {
    const heapBytes = checkOptions(options);
    const module = options.module ?? (await loadModule(heapBytes));
    return new ContractEngine(sandboxes(module), options, heapBytes);
  }

  /** Resolves once the engine can run calls (at once, unless it is reloading after a fault). */
  async ready(): Promise<void> {
    await this.#reloading;
  }

  /** How many warm contexts `runQuery` holds now. */
  get warmContexts(): number {
    return this.#warm.size;
  }

  /** Disposes every warm context (the next query of each caller builds a fresh one). */
  dropWarmContexts(): void {
    this.#warm.clear();
  }

  /**
   * Runs one entry point in a fresh context. A contract's failure is an outcome (`ok: false`, no
   * writes, no events); a malformed call, a failing host storage or a broken sandbox is thrown.
   */
  run(call: ContractCall): ContractOutcome {
    checkCall(call);
    return this.#run(call, undefined);
  }

  /**
   * Runs a `query`, as `run` does, but in a context kept warm for this caller of this contract
   * running this code: the code's top level ran when the context was built, and only `ctx`,
   * the input, the meter and the limits are new. Whatever an earlier query of the same caller
   * left in module-level variables may still be there; nothing from another caller's queries,
   * another contract's or another code's ever is. Storage reads see `call.storage`.
   *
   * A context is dropped after any call in it fails (an outcome with `ok: false`, or anything
   * thrown), after `warmContextCalls` calls, when the code changes, when any call runs out of
   * memory (warm contexts share the heap), and when the engine reloads. A query without a caller
   * always runs fresh. The outcome, gas included, is the one `run` gives for the same call in
   * a context in the same state: a warm call is charged the fresh call's base, code and top
   * level again.
   */
  runQuery(call: ContractCall): ContractOutcome {
    checkCall(call);
    if (call.entry !== "query")
      throw new ContractError(
        "CONTRACT_BAD_CALL",
        `runQuery runs query, not ${call.entry}: commands run in fresh contexts (run)`,
        { entry: call.entry },
      );
    const { caller, contractId } = call.ctx;
    if (!this.#warm.enabled || caller === undefined) return this.#run(call, undefined);
    return this.#run(call, WarmContexts.key(toHex(contractId), toHex(caller)));
  }

  /** One call: in a fresh context, or, with a key, in the warm context for it (built if there is none). */
  #run(call: ContractCall, key: string | undefined): ContractOutcome {
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
      const warm = key === undefined ? undefined : this.#warm.take(key, call.code);
      let keep: WarmContext | undefined;
      [outcome, keep] =
        warm === undefined
          ? this.#fresh(call, input.json, state, current, key)
          : [this.#again(call, input.json, state, current.counter, warm), warm];
      if (keep !== undefined) {
        if (keep === warm) keep.calls++;
        if (outcome.ok && state.hostError === undefined && !state.timedOut) this.#warm.put(keep);
        else keep.dispose();
      }
      // The heap's cap is shared: warm contexts may be what left this call too little.
      if (!outcome.ok && outcome.error.code === "CONTRACT_OUT_OF_MEMORY") this.#warm.clear();
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

  /**
   * A new runtime and context: the sandbox, the code's top level, the entry point. With a key,
   * a call that succeeds leaves its context to be kept warm.
   */
  #fresh(call: ContractCall, input: string, state: CallState, current: Sandboxes, key: string | undefined): Ran {
    const { module, counter } = current;
    const rt = module.newRuntime();
    const vm = rt.newContext({ intrinsics: INTRINSICS });
    rt.setMaxStackSize(CODE_STACK_BYTES);
    const sandbox = new Sandbox(vm);
    let kept: WarmContext | undefined;
    let ran: Ran;
    try {
      sandbox.enter(state, call);
      // Building the sandbox is the host's work, paid by GAS.callBase; the contract's starts here,
      // and from now on every GAS.perInterrupt ticks call the handler.
      rt.setInterruptHandler(() => {
        counter.rearm(vm, GAS.perInterrupt);
        return sandbox.state?.onInterrupt() ?? false;
      });
      counter.rearm(vm, GAS.perInterrupt);
      rt.setMemoryLimit(call.limits.memoryBytes);
      const before = state.gasUsed;
      const evaluated = vm.evalCode(call.code, "contract.js", { type: "global" });
      if (evaluated.error) {
        ran = [this.#thrown(call, state, vm, evaluated.error, "CONTRACT_BAD_CODE"), undefined];
      } else {
        evaluated.value.dispose();
        const topLevelGas = state.gasUsed - before;
        const countdown = counter.remaining(vm);
        rt.setMaxStackSize(call.limits.stackBytes);
        const outcome = this.#outcome(call, state, vm, sandbox.run(call.entry, input));
        if (key !== undefined && outcome.ok)
          kept = new WarmContext(key, call.code, rt, vm, sandbox, topLevelGas, countdown);
        ran = [outcome, kept];
      }
    } finally {
      sandbox.leave();
      if (kept === undefined) sandbox.dispose();
    }
    if (kept === undefined) {
      vm.dispose();
      rt.dispose();
    }
    return ran;
  }

  /**
   * A call in a warm context, set as a fresh call's context is after the code's top level: the
   * same gas spent and the same interrupt countdown, so that the same ticks are counted.
   */
  #again(call: ContractCall, input: string, state: CallState, counter: InterruptCounter, warm: WarmContext) {
    const { runtime: rt, vm, sandbox } = warm;
    if (!state.charge(warm.topLevelGas)) return this.#outOfGas(call);
    // No limit while the host builds ctx: what the last call left may be near it.
    rt.setMemoryLimit(-1);
    sandbox.enter(state, call);
    try {
      counter.rearm(vm, warm.countdown);
      rt.setMemoryLimit(call.limits.memoryBytes);
      rt.setMaxStackSize(call.limits.stackBytes);
      return this.#outcome(call, state, vm, sandbox.run(call.entry, input));
    } finally {
      sandbox.leave();
    }
  }

  #outcome(call: ContractCall, state: CallState, vm: QuickJSContext, ran: RunResult): ContractOutcome {
    if (ran.kind === "threw") return this.#thrown(call, state, vm, ran.error, ran.as);
    if (state.outOfGas) return this.#outOfGas(call);
    if (ran.kind === "verdict") return failure(ran.code, ran.message, state.gasUsed);
    return this.#result(call, state, ran.json);
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

  /** After a fault the module's state is unknown: drop it, and the warm contexts in it, and load a fresh one. */
  #reload(): void {
    this.#sandboxes = undefined;
    this.#warm.abandon();
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
