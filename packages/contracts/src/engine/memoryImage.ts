import type { MemoryLayout } from "./wasmLayout.js";

/** A module's WebAssembly memory (the one QuickJSWASMModule.getWasmMemory returns). */
export interface LinearMemory {
  readonly buffer: ArrayBuffer;
}

/** Where sbrk's break is now: the heap's top. */
export function readBreak(memory: LinearMemory, layout: MemoryLayout): number {
  const brk = new DataView(memory.buffer).getUint32(layout.brkAddress, true);
  if (brk < layout.heapStart || brk > memory.buffer.byteLength)
    throw new Error(`sbrk's break ${brk} is outside the heap (${layout.heapStart}..${memory.buffer.byteLength})`);
  return brk;
}

/**
 * A copy of a module's state, taken while no call is inside it: its static data and its heap up
 * to the break (see `MemoryLayout`). The stack is left out: it is dead between calls.
 */
export class MemoryImage {
  readonly #layout: MemoryLayout;
  readonly #static: Uint8Array;
  readonly #heap: Uint8Array;
  /** The break when the image was taken. */
  readonly brk: number;

  private constructor(layout: MemoryLayout, staticData: Uint8Array, heap: Uint8Array, brk: number) {
    this.#layout = layout;
    this.#static = staticData;
    this.#heap = heap;
    this.brk = brk;
  }

  static capture(memory: LinearMemory, layout: MemoryLayout): MemoryImage {
    const brk = readBreak(memory, layout);
    const bytes = new Uint8Array(memory.buffer);
    return new MemoryImage(layout, bytes.slice(0, layout.staticEnd), bytes.slice(layout.heapStart, brk), brk);
  }

  /** The bytes the image holds. */
  get size(): number {
    return this.#static.length + this.#heap.length;
  }

  /**
   * Puts the module's state back as it was captured. What lies between the captured break and
   * the current one (heap a later call took) is zeroed, as in a module that never had it; past
   * the current break nothing was ever written since the last restore (the allocator never gives
   * memory back, so the break only falls here), and memory that grew stays, zeroed, as pages
   * cannot be taken back from a WebAssembly memory.
   */
  restore(memory: LinearMemory): void {
    const brk = readBreak(memory, this.#layout);
    const bytes = new Uint8Array(memory.buffer);
    bytes.set(this.#static, 0);
    bytes.set(this.#heap, this.#layout.heapStart);
    if (brk > this.brk) bytes.fill(0, this.brk, brk);
  }
}
