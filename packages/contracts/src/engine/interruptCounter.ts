import type { QuickJSContext, QuickJSWASMModule } from "quickjs-emscripten-core";
import { ContractError } from "../contractError.js";

/** What QuickJS resets a context's countdown to before each interrupt-handler call. */
const COUNTER_INIT = 10_000;
/** How far into JSContext to look (the counter sits about 230 bytes in). */
const SEARCH_WORDS = 128;

type Memory = ReturnType<QuickJSWASMModule["getWasmMemory"]>;

/** The address of a context's JSContext struct (quickjs-emscripten keeps it protected). */
const contextPointer = (vm: QuickJSContext): number => (vm as unknown as { ctx: { value: number } }).ctx.value;

/**
 * QuickJS counts interpreter ticks down from 10,000 in a field of each context and calls the
 * interrupt handler at zero; the handler may then set the field lower, so that the next call
 * comes sooner. `InterruptCounter` finds that field once per module and re-arms it: with a
 * short period, gas is counted to within the period instead of 10,000 ticks, and a wall-clock
 * limit is checked often even when built-ins make ticks slow.
 */
export class InterruptCounter {
  readonly #memory: Memory;
  readonly #offset: number;
  #heap: Int32Array;

  private constructor(memory: Memory, offset: number) {
    this.#memory = memory;
    this.#offset = offset;
    this.#heap = new Int32Array(memory.buffer);
  }

  /**
   * Finds the field in a scratch context: the one word that goes from just under 10,000 down by
   * the ticks of a loop, then proves it by setting it low and watching the handler run sooner.
   * Throws if the build is not the one this was written for.
   */
  static locate(module: Pick<QuickJSWASMModule, "newRuntime" | "getWasmMemory">): InterruptCounter {
    const rt = module.newRuntime();
    const vm = rt.newContext();
    try {
      const memory = module.getWasmMemory();
      const base = contextPointer(vm) >> 2;
      const words = () => new Int32Array(memory.buffer).slice(base, base + SEARCH_WORDS);
      rt.setInterruptHandler(() => false);
      const loop = (n: number) => vm.unwrapResult(vm.evalCode(`for (let i = 0; i < ${n}; i++) {}`)).dispose();
      loop(10);
      const first = words();
      loop(100);
      const second = words();
      const candidates = [...first.keys()].filter((i) => {
        const [a, b] = [first[i]!, second[i]!];
        return a > COUNTER_INIT - 100 && a < COUNTER_INIT && a - b >= 100 && a - b < 1000;
      });
      if (candidates.length !== 1) throw new Error(`${candidates.length} candidate fields`);
      const counter = new InterruptCounter(memory, candidates[0]! * 4);
      let calls = 0;
      rt.setInterruptHandler(() => {
        calls++;
        counter.rearm(vm, 5);
        return false;
      });
      counter.rearm(vm, 5);
      loop(100);
      if (calls < 20) throw new Error(`a period of 5 ticks gave ${calls} calls in a loop of 100`);
      return counter;
    } catch (error) {
      throw new ContractError(
        "CONTRACT_ENGINE_FAULT",
        `cannot find QuickJS's interrupt counter: not the QuickJS build this engine expects (${(error as Error).message})`,
      );
    } finally {
      vm.dispose();
      rt.dispose();
    }
  }

  /** The next interrupt-handler call in `period` ticks. */
  rearm(vm: QuickJSContext, period: number): void {
    this.#view()[(contextPointer(vm) + this.#offset) >> 2] = period;
  }

  /** The ticks left before the next interrupt-handler call. */
  remaining(vm: QuickJSContext): number {
    return this.#view()[(contextPointer(vm) + this.#offset) >> 2]!;
  }

  #view(): Int32Array {
    if (this.#heap.buffer !== this.#memory.buffer) this.#heap = new Int32Array(this.#memory.buffer);
    return this.#heap;
  }
}
