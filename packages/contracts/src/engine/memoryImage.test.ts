import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { MemoryImage, readBreak } from "./memoryImage.js";
import { loadModule } from "./quickjsModule.js";
import { readLayout } from "./wasmLayout.js";

const wasmFile = createRequire(import.meta.url).resolve("@jitl/quickjs-wasmfile-release-sync/wasm");

/** Whether `bytes[from, to)` is the same in both. */
const same = (a: Uint8Array, b: Uint8Array, from: number, to: number) =>
  Buffer.compare(a.subarray(from, to), b.subarray(from, to)) === 0;

describe("MemoryImage", () => {
  it("puts the static data and the heap back byte for byte, and zeroes the heap taken since", async () => {
    const wasm = await readFile(wasmFile);
    const layout = readLayout(wasm);
    const module = await loadModule(64 << 20, new Uint8Array(wasm).buffer);
    const memory = module.getWasmMemory();
    const rt = module.newRuntime();
    const vm = rt.newContext();
    vm.unwrapResult(vm.evalCode("var kept = [1, 2, 3]")).dispose();
    const image = MemoryImage.capture(memory, layout);
    const before = new Uint8Array(memory.buffer).slice();
    expect(image.size).toBe(layout.staticEnd + image.brk - layout.heapStart);

    // What a call might do: change values, and take 24 MiB more heap (the memory grows), then free it.
    vm.unwrapResult(
      vm.evalCode(
        "kept.push(4); var grown = []; for (let i = 0; i < 24; i++) grown.push(new Uint8Array(1 << 20).fill(7)); grown = null;",
      ),
    ).dispose();
    expect(memory.buffer.byteLength).toBeGreaterThan(before.length);
    expect(readBreak(memory, layout)).toBeGreaterThan(image.brk + (24 << 20));

    image.restore(memory);
    const after = new Uint8Array(memory.buffer);
    expect(readBreak(memory, layout)).toBe(image.brk);
    expect(same(after, before, 0, layout.staticEnd)).toBe(true);
    expect(same(after, before, layout.heapStart, before.length)).toBe(true);
    expect(Buffer.compare(after.subarray(before.length), Buffer.alloc(after.length - before.length))).toBe(0);
    // The runtime is the captured one, and runs on.
    const joined = vm.unwrapResult(vm.evalCode("kept.join()"));
    expect(vm.getString(joined)).toBe("1,2,3");
    joined.dispose();
    vm.dispose();
    rt.dispose();
  });

  it("reads the layout from the binary: the stack's top, and sbrk's break in the static data", async () => {
    const layout = readLayout(await readFile(wasmFile));
    expect(layout.heapStart - layout.staticEnd).toBe(5 << 20);
    expect(layout.brkAddress).toBeLessThan(layout.staticEnd);
    const module = await loadModule(64 << 20);
    expect(readBreak(module.getWasmMemory(), layout)).toBeGreaterThanOrEqual(layout.heapStart);
    expect(() => readLayout(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))).toThrow(
      expect.objectContaining({ code: "CONTRACT_ENGINE_FAULT" }),
    );
  });
});
