import fc from "fast-check";
import type { QuickJSContext, QuickJSHandle, QuickJSWASMModule, VmCallResult } from "quickjs-emscripten-core";
import { beforeAll, describe, expect, it } from "vitest";
import { installFastMarshalling } from "./fastMarshalling.js";
import { loadModule } from "./quickjsModule.js";

/** Every way a host function can answer (quickjs-emscripten's VmFunctionImplementation). */
const KINDS = [
  "handle",
  "result",
  "errorResult",
  "throwError",
  "throwTypeError",
  "throwHandle",
  "void",
  "this",
  "args",
];

/** One host function answering each way, chosen by its first argument. */
function hostFunction(vm: QuickJSContext): QuickJSHandle {
  return vm.newFunction("host", function (this: QuickJSHandle, kind, ...rest) {
    switch (vm.getString(kind!)) {
      case "handle":
        return vm.newString(`got ${rest.length}`);
      case "result":
        return { value: vm.newNumber(rest.length) } as VmCallResult<QuickJSHandle>;
      case "errorResult":
        return { error: vm.newError({ name: "HostError", message: "as a result" }) } as VmCallResult<QuickJSHandle>;
      case "throwError":
        throw new RangeError("thrown by the host");
      case "throwTypeError":
        throw Object.assign(new TypeError("renamed"), { name: "CustomName" });
      case "throwHandle":
        throw vm.newString("a thrown string");
      case "void":
        return undefined;
      case "this":
        return this.dup();
      default:
        return rest.length > 0 ? rest[rest.length - 1]!.dup() : vm.newNumber(-1);
    }
  });
}

/** Runs calls of the host function in a fresh runtime: what each gave, and the runtime's memory counts after. */
function run(module: QuickJSWASMModule, sync: boolean, calls: readonly (readonly [string, number])[]) {
  const rt = module.newRuntime();
  const vm = rt.newContext();
  if (sync) installFastMarshalling(vm);
  const host = hostFunction(vm);
  vm.setProp(vm.global, "host", host);
  host.dispose();
  const script = `
    const self = { me: 1 };
    const out = [];
    for (const [kind, extra] of ${JSON.stringify(calls)}) {
      const args = Array.from({ length: extra }, (_, i) => ({ i }));
      try {
        const value = host.call(self, kind, ...args);
        out.push(["ok", value === self ? "self" : value]);
      } catch (e) {
        out.push(["threw", typeof e, e instanceof Error, e?.name, e?.message, String(e)]);
      }
    }
    JSON.stringify(out);`;
  const result = vm.unwrapResult(vm.evalCode(script));
  let outcome = vm.getString(result);
  result.dispose();
  // Calls into QuickJS with 0 to 4 arguments (the argument array the library or the fast path writes).
  const join = vm.unwrapResult(
    vm.evalCode("'use strict'; (function (...args) { return JSON.stringify([this, args]); })"),
  );
  for (let n = 0; n <= 4; n++) {
    const args = Array.from({ length: n }, (_, i) => vm.newNumber(i * 1.5));
    const joined = vm.unwrapResult(vm.callFunction(join, vm.null, ...args));
    outcome += vm.getString(joined);
    joined.dispose();
    for (const arg of args) arg.dispose();
  }
  const dead = vm.newString("freed");
  dead.dispose();
  try {
    vm.callFunction(join, vm.undefined, vm.true, dead);
  } catch (error) {
    outcome += (error as Error).name;
  }
  join.dispose();
  const memory = rt.dumpMemoryUsage();
  vm.dispose();
  rt.dispose();
  return { outcome, memory };
}

describe("installFastMarshalling", () => {
  let module: QuickJSWASMModule;
  beforeAll(async () => {
    module = await loadModule(64 << 20);
  });

  it("answers every kind of host result, and passes arguments in, as quickjs-emscripten itself does", () => {
    const calls = KINDS.map((kind) => [kind, 2] as const);
    const library = run(module, false, calls);
    const sync = run(module, true, calls);
    expect(sync.outcome).toBe(library.outcome);
    const calls0to4 = "[null,[]][null,[0]][null,[0,1.5]][null,[0,1.5,3]][null,[0,1.5,3,4.5]]";
    expect(sync.outcome.slice(-calls0to4.length - 19)).toBe(`${calls0to4}QuickJSUseAfterFree`);
    expect(JSON.parse(sync.outcome.slice(0, -calls0to4.length - "QuickJSUseAfterFree".length))).toEqual([
      ["ok", "got 2"],
      ["ok", 2],
      ["threw", "object", true, "HostError", "as a result", "HostError: as a result"],
      ["threw", "object", true, "RangeError", "thrown by the host", "RangeError: thrown by the host"],
      ["threw", "object", true, "CustomName", "renamed", "CustomName: renamed"],
      ["threw", "string", false, null, null, "a thrown string"],
      ["ok", null],
      ["ok", "self"],
      ["ok", { i: 1 }],
    ]);
    expect(sync.memory).toBe(library.memory);
  });

  it("leaves the same values and the same allocations behind for any sequence of calls", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...KINDS), fc.integer({ min: 0, max: 4 })), { maxLength: 30 }),
        (calls) => {
          const library = run(module, false, calls);
          const sync = run(module, true, calls);
          expect(sync).toEqual(library);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("refuses a context without the internals it replaces", () => {
    expect(() => installFastMarshalling({ runtime: {} } as unknown as QuickJSContext)).toThrow(
      expect.objectContaining({ code: "CONTRACT_ENGINE_FAULT" }),
    );
  });
});
