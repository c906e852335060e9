import { Lifetime, type QuickJSContext, type QuickJSHandle, WeakLifetime } from "quickjs-emscripten-core";
import { ContractError } from "../contractError.js";

type HostFunction = (this: QuickJSHandle, ...args: QuickJSHandle[]) => unknown;
type CallFunction = (ctx: number, thisPtr: number, argc: number, argv: number, fnId: number) => number;

/** What of `QuickJSContext` (quickjs-emscripten-core 0.32.0) the fast paths use; all of it protected or private there. */
interface ContextInternals {
  readonly ctx: { readonly value: number };
  readonly ffi: {
    QTS_ArgvGetJSValueConstPointer(argv: number, index: number): number;
    QTS_DupValuePointer(ctx: number, value: number): number;
    QTS_Throw(ctx: number, error: number): number;
  };
  readonly memory: {
    readonly copyJSValue: (ptr: number) => number;
    readonly freeJSValue: (ptr: number) => void;
    readonly module: {
      readonly HEAPU8: Uint8Array;
      _malloc(bytes: number): number;
      _free(ptr: number): void;
    };
    toPointerArray(handles: readonly QuickJSHandle[]): unknown;
  };
  getFunction(fnId: number): HostFunction;
  errorToHandle(error: unknown): QuickJSHandle;
  readonly cToHostCallbacks: { callFunction: CallFunction };
}

function internalsOf(vm: QuickJSContext): ContextInternals {
  const internals = vm as unknown as Partial<ContextInternals>;
  const { ctx, ffi, memory, cToHostCallbacks } = internals;
  if (
    typeof ctx?.value !== "number" ||
    typeof ffi?.QTS_ArgvGetJSValueConstPointer !== "function" ||
    typeof ffi.QTS_DupValuePointer !== "function" ||
    typeof ffi.QTS_Throw !== "function" ||
    typeof memory?.copyJSValue !== "function" ||
    typeof memory.freeJSValue !== "function" ||
    typeof memory.toPointerArray !== "function" ||
    !(memory.module?.HEAPU8 instanceof Uint8Array) ||
    typeof memory.module._malloc !== "function" ||
    typeof memory.module._free !== "function" ||
    typeof internals.getFunction !== "function" ||
    typeof internals.errorToHandle !== "function" ||
    typeof cToHostCallbacks?.callFunction !== "function"
  )
    throw new ContractError(
      "CONTRACT_ENGINE_FAULT",
      "cannot install the sandbox's marshalling: not the quickjs-emscripten-core this engine expects (0.32.0)",
    );
  return internals as ContextInternals;
}

/**
 * Cheaper marshalling between the host and a context, with the same QuickJS operations (so the
 * same heap, the same allocations counted against the memory limit, the same values), only less
 * JavaScript around them: quickjs-emscripten's general machinery costs more than the work for the
 * small calls a contract makes (a storage read, the calls that build `ctx`).
 *
 * - Calls from QuickJS into host functions run synchronously. The library runs each through
 *   generators that could await a Promise (for its asyncify builds) and a Scope: about 4 µs a
 *   call. This does what its `callFunction` callback does, in the same order: `this` and the
 *   arguments borrowed, the result duplicated for QuickJS and then freed, an exception thrown as
 *   the library makes it a value. The sync build's host functions return synchronously (the
 *   sandbox's all do).
 * - The argument array of each call into QuickJS is written straight into the module's heap: the
 *   same `malloc` and `free`, without the two typed arrays the library makes for it.
 */
export function installFastMarshalling(vm: QuickJSContext): void {
  const internals = internalsOf(vm);
  const { ctx, ffi, memory, cToHostCallbacks } = internals;
  const { module } = memory;
  const runtime = vm.runtime;
  const borrow = (ptr: number): QuickJSHandle =>
    new WeakLifetime(ptr, memory.copyJSValue, memory.freeJSValue, runtime) as unknown as QuickJSHandle;

  cToHostCallbacks.callFunction = (context, thisPtr, argc, argv, fnId) => {
    if (context !== ctx.value) throw new Error("QuickJSContext instance received C -> JS call with mismatched ctx");
    const fn = internals.getFunction(fnId);
    const thisHandle = borrow(thisPtr);
    const args: QuickJSHandle[] = new Array(argc);
    for (let i = 0; i < argc; i++) args[i] = borrow(ffi.QTS_ArgvGetJSValueConstPointer(argv, i));
    let owned: QuickJSHandle | undefined;
    try {
      const result = fn.apply(thisHandle, args) as QuickJSHandle | { value?: QuickJSHandle; error?: QuickJSHandle };
      if (!result) return 0;
      if ("error" in result && result.error) throw result.error;
      owned = result instanceof Lifetime ? (result as QuickJSHandle) : (result as { value: QuickJSHandle }).value;
      return ffi.QTS_DupValuePointer(context, owned.value);
    } catch (error) {
      return internals.errorToHandle(error).consume((handle) => ffi.QTS_Throw(context, handle.value));
    } finally {
      owned?.dispose();
      thisHandle.dispose();
      for (const arg of args) arg.dispose();
    }
  };

  let heap = new Int32Array(module.HEAPU8.buffer);
  const free = (ptr: number) => module._free(ptr);
  memory.toPointerArray = (handles) => {
    // Every handle's pointer first: a freed handle throws before anything is allocated.
    const pointers = handles.map((handle) => handle.value as number);
    const ptr = module._malloc(pointers.length * 4);
    if (heap.buffer !== module.HEAPU8.buffer) heap = new Int32Array(module.HEAPU8.buffer);
    heap.set(pointers, ptr >> 2);
    return new Lifetime(ptr, undefined, free);
  };
}
