import { toHex } from "@phala-ts/core";
import { ContractError } from "../contractError.js";
import { failure, outOfGas } from "./callOutcome.js";
import { CallState } from "./callState.js";
import { checkCall } from "./checkCall.js";
import { CODE_IMAGES_DEFAULT, CodeImages } from "./codeImages.js";
import type { ContractCall, ContractOutcome } from "./contractCall.js";
import { InterruptCounter } from "./interruptCounter.js";
import { encodeInput } from "./jsonInput.js";
import { DEFAULT_HEAP_BYTES, GAS, MIN_HEAP_BYTES } from "./limits.js";
import { loadModule, PAGE, type QuickJSModule } from "./quickjsModule.js";
import { SandboxRuntime } from "./sandboxRuntime.js";
import { WARM_CONTEXT_DEFAULTS, WarmContext, WarmContexts } from "./warmContexts.js";

export type { QuickJSModule } from "./quickjsModule.js";

/** A module, where its contexts keep their interrupt countdown, and the code images beside it. */
interface Sandboxes {
  readonly module: QuickJSModule;
  readonly counter: InterruptCounter;
  readonly images: CodeImages | undefined;
}

export interface ContractEngineOptions {
  /**
   * A module to use instead of loading one (tests that watch it); `heapBytes` does not apply to
   * it, and `codeImages` defaults to 0 with it, so that every call runs in it.
   */
  readonly module?: QuickJSModule;
  /**
   * The most WebAssembly memory the engine's module, and its code images' module, each ever
   * take (default 256 MiB), whatever the contracts do. QuickJS's own accounting, which
   * `limits.memoryBytes` sets, counts 8 bytes a live allocation in this build (it cannot see
   * allocation sizes): it bounds how many allocations a call holds and how large each is, not
   * their total. This is the hard ceiling behind it; a call that reaches it fails with
   * CONTRACT_OUT_OF_MEMORY.
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
   * How many codes `run` keeps an image of (default 32, least recently used dropped first; 0:
   * every call builds its runtime, context and sandbox and compiles the code). An image is the
   * memory of a runtime right after the code's top level ran, put back before each call of that
   * code: the call gives the outcome a fresh context gives, at a fraction of the cost. Each
   * holds the module's static data (88 KiB) and its heap after the top level (see the README).
   */
  readonly codeImages?: number;
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

interface Settings {
  readonly heapBytes: number;
  readonly codeImages: number;
  readonly timeLimitMs: number | undefined;
}

function checkOptions(options: ContractEngineOptions): Settings {
  const heapBytes = options.heapBytes ?? DEFAULT_HEAP_BYTES;
  if (!Number.isSafeInteger(heapBytes) || heapBytes % PAGE !== 0 || heapBytes < MIN_HEAP_BYTES)
    throw new ContractError(
      "CONTRACT_BAD_CALL",
      `heapBytes must be a whole number of 64 KiB pages, at least ${MIN_HEAP_BYTES}`,
    );
  const { warmContexts = 0, warmContextCalls = 1 } = options;
  const codeImages = options.codeImages ?? (options.module === undefined ? CODE_IMAGES_DEFAULT : 0);
  for (const [name, value] of [
    ["warmContexts", warmContexts],
    ["codeImages", codeImages],
  ] as const)
    if (!Number.isSafeInteger(value) || value < 0)
      throw new ContractError("CONTRACT_BAD_CALL", `${name} must be a whole number`);
  if (!Number.isSafeInteger(warmContextCalls) || warmContextCalls < 1)
    throw new ContractError("CONTRACT_BAD_CALL", "warmContextCalls must be a whole number, at least 1");
  return { heapBytes, codeImages, timeLimitMs: options.timeLimitMs };
}

/** Loads what the engine runs calls in: the module given or a new one, and the code images' module. */
async function loadSandboxes(settings: Settings, given?: QuickJSModule): Promise<Sandboxes> {
  const [module, images] = await Promise.all([
    given ?? loadModule(settings.heapBytes),
    settings.codeImages > 0
      ? CodeImages.load(settings.heapBytes, settings.codeImages, settings.timeLimitMs)
      : undefined,
  ]);
  return { module, counter: InterruptCounter.locate(module), images };
}

/** A call's outcome, and the context it ran in when that is to be kept warm. */
type Ran = readonly [ContractOutcome, WarmContext | undefined];

/**
 * Runs contract entry points in QuickJS compiled to WebAssembly; see the package README for the
 * sandbox, gas and limits. `run` gives every call what a fresh runtime and context give it, so
 * nothing but storage survives it: commands (`init`, `handle`) always run so. It builds that
 * context once per code and puts its memory back before each call (`codeImages`). `runQuery`
 * runs a `query` in a context kept warm for its caller and contract, where the code's top level
 * has already run. One engine serves any number of contracts, one call at a time (calls are
 * synchronous).
 */
export class ContractEngine {
  #sandboxes: Sandboxes | undefined;
  #reloading: Promise<void> | undefined;
  readonly #settings: Settings;
  readonly #warm: WarmContexts;

  private constructor(sandboxes: Sandboxes, options: ContractEngineOptions, settings: Settings) {
    this.#sandboxes = sandboxes;
    this.#settings = settings;
    this.#warm = new WarmContexts(
      options.warmContexts ?? WARM_CONTEXT_DEFAULTS.contexts,
      options.warmContextCalls ?? WARM_CONTEXT_DEFAULTS.callsPerContext,
    );
  }

  /** Loads the WebAssembly modules, once for all calls. */
  static async create(options: ContractEngineOptions = {}): Promise<ContractEngine> {
    const settings = checkOptions(options);
    return new ContractEngine(await loadSandboxes(settings, options.module), options, settings);
  }

  /** Resolves once the engine can run calls (at once, unless it is reloading after a fault). */
  async ready(): Promise<void> {
    await this.#reloading;
  }

  /** How many warm contexts `runQuery` holds now. */
  get warmContexts(): number {
    return this.#warm.size;
  }

  /** How many codes `run` holds an image of now. */
  get codeImages(): number {
    return this.#sandboxes?.images?.size ?? 0;
  }

  /** Disposes every warm context (the next query of each caller builds a fresh one). */
  dropWarmContexts(): void {
    this.#warm.clear();
  }

  /**
   * Runs one entry point as in a fresh context: from its code's image, or in a context built
   * for it. A contract's failure is an outcome (`ok: false`, no writes, no events); a malformed
   * call, a failing host storage or a broken sandbox is thrown.
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

  /**
   * One call: from its code's image or in a fresh context, or, with a key, in the warm context
   * for it (built if there is none).
   */
  #run(call: ContractCall, key: string | undefined): ContractOutcome {
    const current = this.#sandboxes;
    if (current === undefined)
      throw new ContractError("CONTRACT_ENGINE_UNAVAILABLE", "the contract engine is reloading after a fault");
    const state = new CallState(call, this.#settings.timeLimitMs);
    const input = encodeInput(call.input);
    if ("error" in input) return failure("CONTRACT_BAD_INPUT", input.error, GAS.callBase);
    if (!state.charge(GAS.callBase + GAS.perCodeChar * call.code.length + GAS.perIoChar * input.json.length))
      return outOfGas(call);
    let outcome: ContractOutcome | undefined;
    try {
      if (key === undefined) outcome = current.images?.run(call, input.json, state);
      if (outcome === undefined) {
        const warm = key === undefined ? undefined : this.#warm.take(key, call.code);
        let keep: WarmContext | undefined;
        [outcome, keep] =
          warm === undefined
            ? this.#fresh(call, input.json, state, current, key)
            : [this.#again(call, input.json, state, warm), warm];
        if (keep !== undefined) {
          if (keep === warm) keep.calls++;
          if (outcome.ok && state.hostError === undefined && !state.timedOut) this.#warm.put(keep);
          else keep.dispose();
        }
        // The heap's cap is shared: warm contexts may be what left this call too little.
        if (!outcome.ok && outcome.error.code === "CONTRACT_OUT_OF_MEMORY") this.#warm.clear();
      }
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
      throw new ContractError("CONTRACT_TIMEOUT", `the call ran longer than ${this.#settings.timeLimitMs} ms`, {
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
    const box = SandboxRuntime.create(current.module, current.counter);
    let kept: WarmContext | undefined;
    try {
      const topLevel = box.evaluate(call, state, call.limits.memoryBytes);
      if ("outcome" in topLevel) return [topLevel.outcome, undefined];
      const outcome = box.call(call, input, state, topLevel.countdown);
      if (key !== undefined && outcome.ok) kept = new WarmContext(key, call.code, box, topLevel);
      return [outcome, kept];
    } finally {
      if (kept === undefined) box.dispose();
    }
  }

  /**
   * A call in a warm context, set as a fresh call's context is after the code's top level: the
   * same gas spent and the same interrupt countdown, so that the same ticks are counted.
   */
  #again(call: ContractCall, input: string, state: CallState, warm: WarmContext): ContractOutcome {
    if (!state.charge(warm.topLevel.topLevelGas)) return outOfGas(call);
    return warm.box.call(call, input, state, warm.topLevel.countdown);
  }

  /** After a fault the modules' state is unknown: drop them, and the warm contexts and images in them, and load new ones. */
  #reload(): void {
    this.#sandboxes = undefined;
    this.#warm.abandon();
    this.#reloading ??= loadSandboxes(this.#settings).then(
      (sandboxes) => {
        this.#sandboxes = sandboxes;
        this.#reloading = undefined;
      },
      (error: unknown) => {
        this.#reloading = Promise.reject(error);
        this.#reloading.catch(() => {});
      },
    );
  }
}
