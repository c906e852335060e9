import { toHex } from "@phala-ts/core";
import type { QuickJSContext, QuickJSHandle, VmCallResult } from "quickjs-emscripten-core";
import type { ContractOutcomeCode } from "../contractError.js";
import type { CallState } from "./callState.js";
import type { ContractCall } from "./contractCall.js";
import { CONTRACT_GLOBAL } from "./limits.js";

/** What the host function's first argument selects (the sandbox binds it). */
const Op = { Get: 0, Set: 1, Delete: 2, Entries: 3, Emit: 4, Random: 5, Unavailable: 6, Nothing: 7 } as const;

const UNAVAILABLE = [
  "Date is not available in a contract: use ctx.block.timestamp",
  "Math.random is not available in a contract: use ctx.randomBytes(n)",
  "eval and Function are not available in a contract: code cannot be compiled at run time",
] as const;
const NO_DATE = 0;
const NO_RANDOM = 1;
const NO_CODE = 2;

/** The only code the sandbox compiles: functions whose prototypes hold the other Function constructors. */
const FUNCTION_KINDS = "[function* () {}, async function () {}, async function* () {}]";

/** How an entry point ended, before the engine turns it into an outcome. */
export type RunResult =
  | { readonly kind: "json"; readonly json: string | undefined }
  | { readonly kind: "verdict"; readonly code: ContractOutcomeCode; readonly message: string }
  | { readonly kind: "threw"; readonly error: QuickJSHandle; readonly as: "CONTRACT_THREW" | "CONTRACT_BAD_RESULT" };

/** Built-ins the host calls, taken before the contract's code runs: a contract replacing them only fools itself. */
const BUILTINS = {
  parse: ["JSON", "parse"],
  stringify: ["JSON", "stringify"],
  freeze: ["Object", "freeze"],
  protoOf: ["Object", "getPrototypeOf"],
  get: ["Reflect", "get"],
  construct: ["Reflect", "construct"],
  bind: ["Function", "prototype", "bind"],
  functionPrototype: ["Function", "prototype"],
  uint8Array: ["Uint8Array"],
  math: ["Math"],
} as const;
type Builtins = Record<keyof typeof BUILTINS, QuickJSHandle>;

/** The parts of `ctx` that are the same in every call in a context. */
interface Operations {
  readonly storage: QuickJSHandle;
  readonly emit: QuickJSHandle;
  readonly randomBytes: QuickJSHandle;
}

/**
 * A context's environment, built through the API (QuickJS compiles source at about 100 ns a
 * character in this build, so nothing is compiled but FUNCTION_KINDS): the globals made
 * deterministic and closed, and the host operations `ctx` is made of.
 *
 * What is per context is built once, in the constructor; what is per call is built by `enter`
 * (the frozen `ctx` with the call's caller, contract and block) and undone by `leave`. The one
 * host function behind every operation dispatches to the `CallState` of the call in progress,
 * so an operation kept from an earlier call in the same context acts on the current call (and
 * none runs between calls).
 *
 * Closed: no clock (`Date` throws), no `Math.random`, and no run-time code generation (`eval`,
 * the `Function` constructors), whose parser spends far more of V8's native stack than QuickJS
 * counts (see `LIMIT_BOUNDS.stackBytes`). `WeakRef` and `FinalizationRegistry` are never
 * installed; `console` exists and does nothing. Dispose before the context.
 *
 * Of the handles QuickJSContext creates on first use and caches, it takes `global` while it is
 * built and never the others (`getWellKnownSymbol`, `newBigInt`, `getIterator`): a code image
 * puts back the heap such a handle points into, as it was before the handle existed.
 */
export class Sandbox {
  readonly #vm: QuickJSContext;
  readonly #builtins: Builtins;
  /** `ctx.storage`, `ctx.emit` and `ctx.randomBytes`: the same in every call in this context. */
  readonly #ops: Operations;
  /**
   * The `Function` stub, held so that a contract deleting every reference to it (globals and
   * prototypes' constructors) cannot free it: freeing a host function drops its entry in the
   * runtime's JavaScript-side map, which a code image (`CodeImages`) restores nothing of.
   */
  readonly #functionStub: QuickJSHandle;
  #state: CallState | undefined;
  #ctx: QuickJSHandle | undefined;

  constructor(vm: QuickJSContext) {
    this.#vm = vm;
    this.#builtins = Object.fromEntries(
      Object.entries(BUILTINS).map(([name, path]) => [name, this.#path(path)]),
    ) as Builtins;
    const host = vm.newFunctionWithOptions({ name: "host", length: 0, isConstructor: true, fn: this.#host });
    try {
      this.#functionStub = this.#harden(host);
      this.#ops = this.#operations(host);
    } finally {
      host.dispose();
    }
  }

  /** The call in progress, if any. */
  get state(): CallState | undefined {
    return this.#state;
  }

  /** Makes `state` the call in progress without a `ctx`: the code's top level runs so. */
  begin(state: CallState): void {
    if (this.#state !== undefined) throw new Error("a call is already in progress in this sandbox");
    this.#state = state;
  }

  /**
   * Builds the call's `ctx`, then makes `state` the call in progress. The host calls into the
   * context while it builds `ctx`; no call is in progress yet, so none is charged for that.
   */
  enter(state: CallState, call: ContractCall): void {
    if (this.#state !== undefined) throw new Error("a call is already in progress in this sandbox");
    this.#ctx = this.#context(call);
    this.#state = state;
  }

  /** Ends the call in progress: its `ctx` is released (the contract may still hold it) and its state let go. */
  leave(): void {
    this.#state = undefined;
    this.#ctx?.dispose();
    this.#ctx = undefined;
  }

  dispose(): void {
    this.leave();
    for (const handle of Object.values(this.#ops)) handle.dispose();
    for (const handle of Object.values(this.#builtins)) handle.dispose();
    this.#functionStub.dispose();
  }

  /** Finds the entry point, calls it with the input and `ctx`, and encodes its result. */
  run(entry: string, input: string): RunResult {
    const ns = this.#get(this.#vm.global, CONTRACT_GLOBAL);
    if (ns.error) return { kind: "threw", error: ns.error, as: "CONTRACT_THREW" };
    const owned = [ns.value];
    try {
      if (!this.#isObject(ns.value))
        return {
          kind: "verdict",
          code: "CONTRACT_BAD_CODE",
          message: `the code defines no contract (${CONTRACT_GLOBAL})`,
        };
      // An esbuild bundle's global is the module namespace; the definition is its default export.
      const inner = this.#get(ns.value, "default");
      if (inner.error) return { kind: "threw", error: inner.error, as: "CONTRACT_THREW" };
      owned.push(inner.value);
      const definition = this.#vm.typeof(inner.value) === "undefined" ? ns.value : inner.value;
      const noEntry = {
        kind: "verdict",
        code: "CONTRACT_NO_ENTRY",
        message: `the contract has no ${entry} entry point`,
      } as const;
      if (!this.#isObject(definition)) return noEntry;
      const fn = this.#get(definition, entry);
      if (fn.error) return { kind: "threw", error: fn.error, as: "CONTRACT_THREW" };
      owned.push(fn.value);
      if (this.#vm.typeof(fn.value) !== "function") return noEntry;
      return this.#call(fn.value, definition, entry, input);
    } finally {
      for (const handle of owned) handle.dispose();
    }
  }

  #call(fn: QuickJSHandle, definition: QuickJSHandle, entry: string, input: string): RunResult {
    const vm = this.#vm;
    const ctx = this.#ctx;
    if (ctx === undefined) throw new Error("no call is in progress");
    const text = vm.newString(input);
    const parsed = vm.callFunction(this.#builtins.parse, vm.undefined, text);
    text.dispose();
    if (parsed.error) return { kind: "threw", error: parsed.error, as: "CONTRACT_THREW" };
    const called = vm.callFunction(fn, definition, parsed.value, ctx);
    parsed.value.dispose();
    if (called.error) return { kind: "threw", error: called.error, as: "CONTRACT_THREW" };
    const result = called.value;
    try {
      if (this.#isObject(result)) {
        const then = this.#get(result, "then");
        if (then.error) return { kind: "threw", error: then.error, as: "CONTRACT_THREW" };
        const thenable = vm.typeof(then.value) === "function";
        then.value.dispose();
        if (thenable)
          return {
            kind: "verdict",
            code: "CONTRACT_BAD_RESULT",
            message: `the ${entry} entry point returned a Promise: contracts are synchronous`,
          };
      }
      if (vm.typeof(result) === "undefined") return { kind: "json", json: "null" };
      const json = vm.callFunction(this.#builtins.stringify, vm.undefined, result);
      if (json.error) return { kind: "threw", error: json.error, as: "CONTRACT_BAD_RESULT" };
      const encoded = vm.typeof(json.value) === "string" ? vm.getString(json.value) : undefined;
      json.value.dispose();
      return { kind: "json", json: encoded };
    } finally {
      result.dispose();
    }
  }

  /** The host function behind every bound operation in `ctx` and every unavailable global. */
  readonly #host = (opHandle: QuickJSHandle, a?: QuickJSHandle, b?: QuickJSHandle) => {
    const vm = this.#vm;
    const op = vm.getNumber(opHandle);
    if (op === Op.Unavailable) throw new Error(UNAVAILABLE[vm.getNumber(a!) as 0 | 1 | 2]);
    if (op === Op.Nothing) return undefined;
    const state = this.#state;
    if (state === undefined) throw new Error("no call is in progress");
    switch (op) {
      case Op.Get: {
        const value = state.get(this.#text(a, "a storage key"));
        return value === undefined ? undefined : vm.newString(value);
      }
      case Op.Set:
        return state.set(this.#text(a, "a storage key"), this.#text(b, "a storage value (use JSON.stringify)"));
      case Op.Delete:
        return state.delete(this.#text(a, "a storage key"));
      case Op.Entries: {
        const prefix = a === undefined || vm.typeof(a) === "undefined" ? "" : this.#text(a, "a key prefix");
        return this.#withString(state.entriesJson(prefix), (json) =>
          vm.callFunction(this.#builtins.parse, vm.undefined, json),
        );
      }
      case Op.Emit:
        return this.#emit(state, a, b);
      case Op.Random: {
        const n = a !== undefined && vm.typeof(a) === "number" ? vm.getNumber(a) : Number.NaN;
        const buffer = vm.newArrayBuffer(state.randomBytes(n).buffer);
        try {
          return this.#construct(this.#builtins.uint8Array, buffer);
        } finally {
          buffer.dispose();
        }
      }
      default:
        return undefined;
    }
  };

  #emit(
    state: CallState,
    data: QuickJSHandle | undefined,
    options: QuickJSHandle | undefined,
  ): VmCallResult<QuickJSHandle> | undefined {
    const vm = this.#vm;
    const json = vm.callFunction(this.#builtins.stringify, vm.undefined, data ?? vm.undefined);
    if (json.error) return json;
    const encoded = vm.typeof(json.value) === "string" ? vm.getString(json.value) : undefined;
    json.value.dispose();
    if (encoded === undefined) throw new TypeError("event data must be JSON");
    let to: string | undefined;
    const type = options === undefined ? "undefined" : vm.typeof(options);
    if (type !== "undefined" && !this.#isObject(options!) && !vm.sameValue(options!, vm.null))
      throw new TypeError("emit's options are { to }");
    if (options !== undefined && this.#isObject(options)) {
      const found = this.#get(options, "to");
      if (found.error) return found;
      to = vm.typeof(found.value) === "undefined" ? undefined : this.#text(found.value, "an event's `to`");
      found.value.dispose();
    }
    state.emit(encoded, to);
    return undefined;
  }

  #text(handle: QuickJSHandle | undefined, what: string): string {
    if (handle === undefined || this.#vm.typeof(handle) !== "string") throw new TypeError(`${what} must be a string`);
    return this.#vm.getString(handle);
  }

  #isObject(handle: QuickJSHandle): boolean {
    const type = this.#vm.typeof(handle);
    return type === "function" || (type === "object" && !this.#vm.sameValue(handle, this.#vm.null));
  }

  /** `Reflect.get`: unlike the API's getProp, a throwing getter comes back as an error. */
  #get(object: QuickJSHandle, key: string): VmCallResult<QuickJSHandle> {
    return this.#withString(key, (keyHandle) =>
      this.#vm.callFunction(this.#builtins.get, this.#vm.undefined, object, keyHandle),
    );
  }

  #construct(target: QuickJSHandle, argument: QuickJSHandle): VmCallResult<QuickJSHandle> {
    const vm = this.#vm;
    const args = vm.newArray();
    vm.setProp(args, 0, argument);
    try {
      return vm.callFunction(this.#builtins.construct, vm.undefined, target, args);
    } finally {
      args.dispose();
    }
  }

  #withString<T>(text: string, use: (handle: QuickJSHandle) => T): T {
    const handle = this.#vm.newString(text);
    try {
      return use(handle);
    } finally {
      handle.dispose();
    }
  }

  /** A built-in reached from the global object by `path` (the contract has not run yet). */
  #path(path: readonly string[]): QuickJSHandle {
    let handle = this.#vm.global;
    for (const key of path) {
      const next = this.#vm.getProp(handle, key);
      if (handle !== this.#vm.global) handle.dispose();
      handle = next;
    }
    return handle;
  }

  /** `host` with its first arguments fixed (Function.prototype.bind). */
  #bind(host: QuickJSHandle, ...args: number[]): QuickJSHandle {
    const vm = this.#vm;
    const handles = args.map((arg) => vm.newNumber(arg));
    try {
      return vm.unwrapResult(vm.callFunction(this.#builtins.bind, host, vm.undefined, ...handles));
    } finally {
      for (const handle of handles) handle.dispose();
    }
  }

  /** Sets properties, disposing the handles given (not the object). */
  #set(object: QuickJSHandle, props: Record<string, QuickJSHandle>): void {
    for (const [key, value] of Object.entries(props)) {
      this.#vm.setProp(object, key, value);
      value.dispose();
    }
  }

  #frozen(props: Record<string, QuickJSHandle>): QuickJSHandle {
    const object = this.#vm.newObject();
    this.#set(object, props);
    this.#vm.unwrapResult(this.#vm.callFunction(this.#builtins.freeze, this.#vm.undefined, object)).dispose();
    return object;
  }

  /** Closes the globals; returns the `Function` stub, for the sandbox to hold. */
  #harden(host: QuickJSHandle): QuickJSHandle {
    const vm = this.#vm;
    const { functionPrototype, math, protoOf } = this.#builtins;
    this.#set(host, { prototype: vm.newObject() });
    const noCode = this.#bind(host, Op.Unavailable, NO_CODE);
    const functionStub = vm.newFunctionWithOptions({
      name: "Function",
      length: 1,
      isConstructor: true,
      fn: () => {
        throw new Error(UNAVAILABLE[NO_CODE]);
      },
    });
    this.#set(functionStub, { prototype: functionPrototype.dup() });
    const date = this.#bind(host, Op.Unavailable, NO_DATE);
    this.#set(date, { now: this.#bind(host, Op.Unavailable, NO_DATE) });
    this.#set(math, { random: this.#bind(host, Op.Unavailable, NO_RANDOM) });
    const nothing = this.#bind(host, Op.Nothing);
    const log = () => nothing.dup();
    this.#set(vm.global, {
      Date: date,
      eval: noCode,
      Function: functionStub.dup(),
      console: this.#frozen({ log: log(), info: log(), warn: log(), error: log(), debug: log() }),
    });
    nothing.dispose();
    // The generator and async prototypes' constructors are not writable, but configurable.
    const stubbed = { value: functionStub, configurable: true, enumerable: false };
    vm.defineProp(functionPrototype, "constructor", stubbed);
    const kinds = vm.unwrapResult(vm.evalCode(FUNCTION_KINDS, "sandbox.js", { type: "global", strict: true }));
    for (let i = 0; i < 3; i++) {
      const fn = vm.getProp(kinds, i);
      const proto = vm.unwrapResult(vm.callFunction(protoOf, vm.undefined, fn));
      vm.defineProp(proto, "constructor", stubbed);
      proto.dispose();
      fn.dispose();
    }
    kinds.dispose();
    return functionStub;
  }

  #operations(host: QuickJSHandle): Operations {
    return {
      storage: this.#frozen({
        get: this.#bind(host, Op.Get),
        set: this.#bind(host, Op.Set),
        delete: this.#bind(host, Op.Delete),
        entries: this.#bind(host, Op.Entries),
      }),
      emit: this.#bind(host, Op.Emit),
      randomBytes: this.#bind(host, Op.Random),
    };
  }

  #context(call: ContractCall): QuickJSHandle {
    const vm = this.#vm;
    const { caller, contractId, blockNumber, timestampMs } = call.ctx;
    return this.#frozen({
      caller: caller === undefined ? vm.undefined : vm.newString(toHex(caller)),
      contractId: vm.newString(toHex(contractId)),
      block: this.#frozen({ number: vm.newNumber(blockNumber), timestamp: vm.newNumber(timestampMs) }),
      storage: this.#ops.storage.dup(),
      emit: this.#ops.emit.dup(),
      randomBytes: this.#ops.randomBytes.dup(),
    });
  }
}
