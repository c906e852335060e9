import variant from "@jitl/quickjs-wasmfile-release-sync";
import { newQuickJSWASMModuleFromVariant, type QuickJSRuntime } from "quickjs-emscripten-core";
import { beforeAll, describe, expect, it } from "vitest";
import { contractCode, MemoryStorage, testCall } from "./contractCall.test-util.js";
import { ContractEngine } from "./contractEngine.js";

let engine: ContractEngine;
beforeAll(async () => {
  engine = await ContractEngine.create();
});

const handle = (body: string) => contractCode(`{ handle(input, ctx) { ${body} } }`);

/** What a fresh context's global object holds: the standard built-ins, console and the contract. */
const GLOBALS = [
  "AggregateError",
  "Array",
  "ArrayBuffer",
  "Atomics",
  "BigInt",
  "BigInt64Array",
  "BigUint64Array",
  "Boolean",
  "DataView",
  "Date",
  "Error",
  "EvalError",
  "Float16Array",
  "Float32Array",
  "Float64Array",
  "Function",
  "Int16Array",
  "Int32Array",
  "Int8Array",
  "InternalError",
  "Iterator",
  "JSON",
  "Map",
  "Math",
  "Number",
  "Object",
  "Promise",
  "Proxy",
  "RangeError",
  "ReferenceError",
  "Reflect",
  "RegExp",
  "Set",
  "SharedArrayBuffer",
  "String",
  "Symbol",
  "SyntaxError",
  "TypeError",
  "URIError",
  "Uint16Array",
  "Uint32Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "WeakMap",
  "WeakSet",
  "__phalaContract",
  "console",
  "decodeURI",
  "decodeURIComponent",
  "encodeURI",
  "encodeURIComponent",
  "escape",
  "eval",
  "globalThis",
  "isFinite",
  "isNaN",
  "parseFloat",
  "parseInt",
  "undefined",
  "unescape",
  "Infinity",
  "NaN",
];

describe("ContractEngine: isolation", () => {
  it("reaches nothing of the host: the global object holds only the standard built-ins", () => {
    const outcome = engine.run(testCall(handle("return Object.getOwnPropertyNames(globalThis);"), "handle"));
    expect(outcome.ok && [...(outcome.output as string[])].sort()).toEqual(
      GLOBALS.filter((name) => (outcome.ok ? (outcome.output as string[]).includes(name) : true)).sort(),
    );
    const names = outcome.ok ? (outcome.output as string[]) : [];
    expect(names.filter((name) => !GLOBALS.includes(name))).toEqual([]);
    expect(names).not.toContain("host");
  });

  it("keeps nothing from one call to the next but storage", () => {
    const code = handle(`
      const seen = [typeof globalThis.leak, typeof Array.prototype.leak, JSON.stringify.name];
      globalThis.leak = 1; Array.prototype.leak = 2; JSON.stringify = () => "hijacked";
      Object.prototype.polluted = true;
      return seen;`);
    for (let i = 0; i < 2; i++)
      expect(engine.run(testCall(code, "handle"))).toMatchObject({
        ok: true,
        output: ["undefined", "undefined", "stringify"],
      });
  });

  it("sees only the storage it is given, so two contracts never share state", () => {
    const [a, b] = [new MemoryStorage(), new MemoryStorage()];
    const code = handle(
      `const n = Number(ctx.storage.get("n") ?? "0") + 1; ctx.storage.set("n", String(n)); return [n, ctx.storage.entries().length];`,
    );
    for (const storage of [a, a, a, b]) {
      const outcome = engine.run(testCall(code, "handle", null, { storage }));
      if (outcome.ok) storage.apply(outcome.writes);
    }
    expect([a.get("n"), b.get("n")]).toEqual(["3", "1"]);
  });

  it("keeps its own result encoding even when the contract replaces JSON, call and bind", () => {
    const code = handle(`
      JSON.parse = () => 0; JSON.stringify = () => "x"; Function.prototype.call = null; Function.prototype.bind = null;
      Reflect.get = () => 1; Reflect.construct = null;
      ctx.emit({ ok: 1 });
      ctx.storage.set("k", "v");
      return { input, entries: ctx.storage.entries(), bytes: ctx.randomBytes(2).length };`);
    expect(engine.run(testCall(code, "handle", { in: [1] }))).toMatchObject({
      ok: true,
      output: { input: { in: [1] }, entries: [["k", "v"]], bytes: 2 },
      events: [{ data: { ok: 1 } }],
    });
  });

  it("disposes everything it creates: thousands of calls leave no runtime alive and the heap flat", async () => {
    const base = await newQuickJSWASMModuleFromVariant(variant as never);
    let alive = 0;
    const module = {
      getWasmMemory: () => base.getWasmMemory(),
      newRuntime: (): QuickJSRuntime => {
        const runtime = base.newRuntime();
        const dispose = runtime.dispose.bind(runtime);
        alive++;
        runtime.dispose = () => {
          alive--;
          dispose();
        };
        return runtime;
      },
    };
    const watched = await ContractEngine.create({ module });
    const code = handle(
      `ctx.storage.set("k", JSON.stringify(input)); ctx.emit([1]); return ctx.storage.entries("").length + ctx.randomBytes(4).length;`,
    );
    const failing = handle("null.x");
    const runs = (n: number) => {
      for (let i = 0; i < n; i++) watched.run(testCall(i % 5 === 0 ? failing : code, "handle", { i }));
    };
    runs(200);
    const heap = module.getWasmMemory().buffer.byteLength;
    runs(3000);
    expect(module.getWasmMemory().buffer.byteLength).toBe(heap);
    expect(alive).toBe(0);
  });
});
