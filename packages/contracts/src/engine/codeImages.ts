import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { ContractError } from "../contractError.js";
import { outOfGas } from "./callOutcome.js";
import { CallState } from "./callState.js";
import type { ContractCall, ContractOutcome } from "./contractCall.js";
import { InterruptCounter } from "./interruptCounter.js";
import { LIMIT_BOUNDS } from "./limits.js";
import { type LinearMemory, MemoryImage, readBreak } from "./memoryImage.js";
import { loadModule } from "./quickjsModule.js";
import { SandboxRuntime, type TopLevel } from "./sandboxRuntime.js";
import { type MemoryLayout, readLayout } from "./wasmLayout.js";

/** How many codes an engine keeps images of, unless told otherwise. */
export const CODE_IMAGES_DEFAULT = 32;

/** A code's state right after its top level ran, and what the top level cost. */
interface CodeImage extends TopLevel {
  readonly memory: MemoryImage;
}

const wasmFile = createRequire(import.meta.url).resolve("@jitl/quickjs-wasmfile-release-sync/wasm");
let wasmBytes: Promise<Uint8Array> | undefined;

/**
 * Fresh contexts without building them: a module of its own holds one QuickJS runtime, context
 * and sandbox, built once, and for each code an image of its memory right after the code's top
 * level ran in them, taken the first time the code is called. A call puts its code's image back
 * (the static data and the heap up to the image's break; see `MemoryImage`) and runs the entry
 * point from there, exactly as `SandboxRuntime` runs it after the top level in a fresh runtime:
 * the same memory, the same JavaScript-side objects, charged the top level's gas and started from
 * its interrupt countdown. Nothing a call does survives the next restore.
 *
 * What lives outside linear memory is fixed when the sandbox is built and never changes in a
 * call: the runtime's and context's callbacks (one runtime, always at the same address), the
 * handles the sandbox holds, the context's cached `global`, and the host functions' entries in
 * the runtime's map (the sandbox holds every host function, so no call can free one).
 *
 * A code whose top level fails with the smallest memory limit (it throws, does not compile,
 * overflows the stack or needs more than LIMIT_BOUNDS.memoryBytes.min) gets no image: its calls
 * run fresh. Codes are kept least recently used first, at most `max`, images or not.
 */
export class CodeImages {
  readonly #memory: LinearMemory;
  readonly #layout: MemoryLayout;
  readonly #box: SandboxRuntime;
  readonly #base: MemoryImage;
  readonly #timeLimitMs: number | undefined;
  readonly #max: number;
  /** Least recently used first; null for a code that gets no image. */
  readonly #images = new Map<string, CodeImage | null>();

  private constructor(
    memory: LinearMemory,
    layout: MemoryLayout,
    box: SandboxRuntime,
    max: number,
    timeLimitMs: number | undefined,
  ) {
    this.#memory = memory;
    this.#layout = layout;
    this.#box = box;
    this.#base = MemoryImage.capture(memory, layout);
    this.#max = max;
    this.#timeLimitMs = timeLimitMs;
  }

  /** A module of its own, capped at `heapBytes`, with the runtime every image is a state of. */
  static async load(heapBytes: number, max: number, timeLimitMs: number | undefined): Promise<CodeImages> {
    wasmBytes ??= readFile(wasmFile);
    const wasm = await wasmBytes;
    const layout = readLayout(wasm);
    const module = await loadModule(heapBytes, new Uint8Array(wasm).buffer);
    const memory = module.getWasmMemory();
    const box = SandboxRuntime.create(module, InterruptCounter.locate(module));
    checkBreak(memory, layout);
    return new CodeImages(memory, layout, box, max, timeLimitMs);
  }

  /** How many codes have an image now. */
  get size(): number {
    let images = 0;
    for (const image of this.#images.values()) if (image !== null) images++;
    return images;
  }

  /**
   * Runs `call` from its code's image, taking the image first if there is none. `state` has been
   * charged the call's base, code and input. Undefined when the code gets no image: run it fresh.
   */
  run(call: ContractCall, input: string, state: CallState): ContractOutcome | undefined {
    let image = this.#images.get(call.code);
    if (image === null) {
      this.#touch(call.code, null);
      return undefined;
    }
    if (image === undefined) {
      const built = this.#build(call, state);
      if (built === undefined || "ok" in built) return built;
      image = built;
    } else {
      image.memory.restore(this.#memory);
    }
    this.#touch(call.code, image);
    if (!state.charge(image.topLevelGas)) return outOfGas(call);
    return this.#box.call(call, input, state, image.countdown);
  }

  /**
   * Runs the code's top level from the base image, metered apart from `state` with what gas it
   * has left, under the smallest memory limit a call can have: if the top level completes there,
   * it completes the same under any limit, and the image serves every call. The module is left in
   * the image's state. A top level that runs out of gas or time here would in this call too.
   */
  #build(call: ContractCall, state: CallState): CodeImage | ContractOutcome | undefined {
    this.#base.restore(this.#memory);
    const meter = new CallState(
      { ...call, limits: { ...call.limits, gas: call.limits.gas - state.gasUsed } },
      this.#timeLimitMs,
    );
    const topLevel = this.#box.evaluate(call, meter, LIMIT_BOUNDS.memoryBytes.min);
    if ("outcome" in topLevel) {
      if (meter.outOfGas) return outOfGas(call);
      if (meter.timedOut) {
        state.timedOut = true;
        return outOfGas(call);
      }
      this.#touch(call.code, null);
      return undefined;
    }
    return { ...topLevel, memory: MemoryImage.capture(this.#memory, this.#layout) };
  }

  /** Makes `code` the most recently used, dropping the least recently used past the bound. */
  #touch(code: string, image: CodeImage | null): void {
    this.#images.delete(code);
    this.#images.set(code, image);
    for (const oldest of this.#images.keys()) {
      if (this.#images.size <= this.#max) break;
      this.#images.delete(oldest);
    }
  }
}

/** The layout's break holds: it is inside the heap, and nothing was written past it. */
function checkBreak(memory: LinearMemory, layout: MemoryLayout): void {
  const brk = readBreak(memory, layout);
  const above = new Uint8Array(memory.buffer, brk, Math.min(64 << 10, memory.buffer.byteLength - brk));
  if (brk === layout.heapStart || above.some((byte) => byte !== 0))
    throw new ContractError(
      "CONTRACT_ENGINE_FAULT",
      `sbrk's break at ${brk} does not bound the QuickJS heap: not the build this engine expects`,
    );
}
