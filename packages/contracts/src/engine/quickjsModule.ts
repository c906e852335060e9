import variant from "@jitl/quickjs-wasmfile-release-sync";
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from "quickjs-emscripten-core";
import { INITIAL_HEAP_BYTES } from "./limits.js";

/** What the engine uses of a module (a TestQuickJSWASMModule will do). */
export type QuickJSModule = Pick<QuickJSWASMModule, "newRuntime" | "getWasmMemory">;

// The variant ships CommonJS typings beside its ES module, so TypeScript sees another copy of the
// variant type than quickjs-emscripten-core's; the object is the one the loader expects.
type Variant = Extract<Parameters<typeof newVariant>[0], { type: "sync" }>;
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (pages: object) => object } }).WebAssembly;

/** A WebAssembly page. */
export const PAGE = 64 << 10;

/**
 * A module in a WebAssembly memory that can never grow past `heapBytes`; from `wasmBinary` if
 * given (the bytes the caller read its layout from), else from the variant's file.
 */
export const loadModule = (heapBytes: number, wasmBinary?: ArrayBuffer): Promise<QuickJSWASMModule> =>
  newQuickJSWASMModuleFromVariant(
    newVariant(variant as unknown as Variant, {
      wasmMemory: new Memory({ initial: INITIAL_HEAP_BYTES / PAGE, maximum: heapBytes / PAGE }) as never,
      ...(wasmBinary === undefined ? {} : { wasmBinary }),
    }),
  );
