import { ContractError } from "../contractError.js";

/**
 * The stack the variant is linked with (`-s STACK_SIZE=5MB` in quickjs-emscripten's Makefile for
 * @jitl/quickjs-wasmfile-release-sync 0.32.0). It is not in the binary; `readLayout` checks that
 * the static data ends below where it puts the stack's bottom.
 */
const STACK_BYTES = 5 << 20;

/**
 * Where a QuickJS module keeps its state in linear memory. wasm-ld lays it out as static data
 * (read-only data, data, bss: every C global, the allocator's and sbrk's included), then the
 * stack, growing down from its top, then the heap, from the stack's top up to sbrk's break.
 * Whenever no call is inside the module the stack pointer is back at the top and everything on
 * the stack is dead, so a module's state is the static data and the heap up to the break.
 */
export interface MemoryLayout {
  /** [0, staticEnd) holds the static data. */
  readonly staticEnd: number;
  /** Where the heap starts: the stack's top (the initial stack pointer). */
  readonly heapStart: number;
  /** The address of sbrk's break, a 32-bit word in the static data. */
  readonly brkAddress: number;
}

/** A reader of the few WebAssembly sections the layout is in. */
class WasmReader {
  offset = 8;
  constructor(readonly bytes: Uint8Array) {}

  byte(): number {
    const value = this.bytes[this.offset++];
    if (value === undefined) throw new Error("the binary ends early");
    return value;
  }

  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new Error("an over-long integer");
  }

  /** An `i32.const n; end` constant expression. */
  i32Const(): number {
    if (this.byte() !== 0x41) throw new Error("a constant expression that is not i32.const");
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = this.byte();
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80 && shift < 35);
    if (shift < 32 && byte & 0x40) result |= -1 << shift;
    if (this.byte() !== 0x0b) throw new Error("a constant expression longer than i32.const");
    return result;
  }
}

const GLOBAL_SECTION = 6;
const DATA_SECTION = 11;

/** The initial stack pointer (the module's first global) and the active data segments. */
function readSections(wasm: Uint8Array): { stackTop: number; segments: { offset: number; bytes: Uint8Array }[] } {
  const reader = new WasmReader(wasm);
  let stackTop: number | undefined;
  const segments: { offset: number; bytes: Uint8Array }[] = [];
  while (reader.offset < wasm.length) {
    const id = reader.byte();
    const size = reader.u32();
    const end = reader.offset + size;
    if (id === GLOBAL_SECTION && reader.u32() > 0) {
      const [type, mutable] = [reader.byte(), reader.byte()];
      if (type !== 0x7f || mutable !== 1) throw new Error("the first global is not a mutable i32 (the stack pointer)");
      stackTop = reader.i32Const();
    }
    if (id === DATA_SECTION)
      for (let count = reader.u32(); count > 0; count--) {
        const flags = reader.u32();
        if (flags !== 0) throw new Error(`a data segment with flags ${flags}`);
        const offset = reader.i32Const();
        const length = reader.u32();
        segments.push({ offset, bytes: wasm.subarray(reader.offset, reader.offset + length) });
        reader.offset += length;
      }
    reader.offset = end;
  }
  if (stackTop === undefined) throw new Error("no stack pointer");
  return { stackTop, segments };
}

/**
 * The layout of the variant's module, read from its binary: the stack's top is the initial
 * stack pointer, and sbrk's break is the one word of static data initialised to the heap's start
 * (`static uintptr_t sbrk_val = &__heap_base` in emscripten's sbrk.c).
 */
export function readLayout(wasm: Uint8Array): MemoryLayout {
  try {
    const { stackTop, segments } = readSections(wasm);
    const staticEnd = stackTop - STACK_BYTES;
    const initial = new Uint8Array(Math.max(staticEnd, 0));
    for (const { offset, bytes } of segments) {
      if (offset < 0 || offset + bytes.length > staticEnd)
        throw new Error(`static data at ${offset}..${offset + bytes.length}, past the stack's bottom at ${staticEnd}`);
      initial.set(bytes, offset);
    }
    const words = new DataView(initial.buffer);
    const brkAddresses: number[] = [];
    for (let address = 0; address + 4 <= initial.length; address += 4) {
      const value = words.getUint32(address, true);
      if (value >= stackTop && value < stackTop + 16) brkAddresses.push(address);
    }
    if (brkAddresses.length !== 1) throw new Error(`${brkAddresses.length} candidates for sbrk's break`);
    return { staticEnd, heapStart: stackTop, brkAddress: brkAddresses[0]! };
  } catch (error) {
    throw new ContractError(
      "CONTRACT_ENGINE_FAULT",
      `cannot read the QuickJS module's memory layout: not the build this engine expects (${(error as Error).message})`,
    );
  }
}
