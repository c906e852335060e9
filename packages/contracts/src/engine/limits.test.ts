import { beforeAll, describe, expect, it } from "vitest";
import type { ContractOutcome } from "./contractCall.js";
import { contractCode, testCall } from "./contractCall.test-util.js";
import { ContractEngine } from "./contractEngine.js";
import { GAS } from "./limits.js";

let engine: ContractEngine;
beforeAll(async () => {
  engine = await ContractEngine.create();
});

const GAS_LIMIT = 5_000_000;
const limited = { limits: { gas: GAS_LIMIT } };
const code = (body: string) => contractCode(`{ handle(input, ctx) { ${body} } }`);
const run = (
  body: string,
  overrides: Parameters<typeof testCall>[3] = limited,
  input: null | number = null,
): ContractOutcome => engine.run(testCall(code(body), "handle", input, overrides));
const codeOf = (outcome: ContractOutcome) => (outcome.ok ? "ok" : outcome.error.code);

/** The engine still answers an ordinary call. */
function stillServes(): void {
  const outcome = run(`ctx.storage.set("k", "v"); return 1 + 1;`);
  expect(outcome).toMatchObject({ ok: true, output: 2, writes: [["k", "v"]] });
}

describe("ContractEngine: gas", () => {
  it("stops an infinite loop, caught or not, charging the whole limit", () => {
    for (const body of [
      "for (;;) {}",
      "while (true) { try { for (;;) {} } catch {} }",
      "const f = () => f2(); const f2 = () => { for (;;) {} }; f();",
    ]) {
      const outcome = run(body);
      expect(outcome).toEqual({
        ok: false,
        error: { code: "CONTRACT_OUT_OF_GAS", message: `the call ran out of gas (limit ${GAS_LIMIT})` },
        gasUsed: GAS_LIMIT,
      });
    }
    stillServes();
  });

  it("stops catastrophic regular-expression backtracking", () => {
    // The regular-expression engine counts one tick per 10,000 steps of its own: see timeLimitMs.
    const regex = { limits: { gas: GAS.callBase + 2_000 } };
    expect(codeOf(run(`return /^(a+)+$/.test("a".repeat(40) + "b");`, regex))).toBe("CONTRACT_OUT_OF_GAS");
    stillServes();
  });

  it("charges host operations, and a contract catching the out-of-gas error is stopped anyway", () => {
    expect(codeOf(run(`for (;;) { try { ctx.storage.set("k", "v".repeat(1000)); } catch {} }`))).toBe(
      "CONTRACT_OUT_OF_GAS",
    );
    const tight = { limits: { gas: GAS.callBase + 10_000 } };
    expect(codeOf(run(`try { ctx.storage.set("k", "v".repeat(100000)); } catch {} return 1;`, tight))).toBe(
      "CONTRACT_OUT_OF_GAS",
    );
    expect(codeOf(run("return 1;", { limits: { gas: 1000 } }))).toBe("CONTRACT_OUT_OF_GAS");
    stillServes();
  });

  it("charges more for more work, the same for the same work", () => {
    const work = (n: number) => run("let s = 0; for (let i = 0; i < input; i++) s += i; return s;", limited, n);
    const [small, again, large] = [work(1000), work(1000), work(500_000)];
    expect(small.gasUsed).toBe(again.gasUsed);
    expect(large.gasUsed - small.gasUsed).toBeGreaterThan(500_000);
    const write = (n: number) => run(`ctx.storage.set("k", "v".repeat(input));`, limited, n).gasUsed;
    // The same code; the value is 9,999 characters longer, the input 4.
    expect(write(10_000) - write(1)).toBe(2 * GAS.perStorageChar * 9999 + 4 * GAS.perIoChar);
  });
});

describe("ContractEngine: memory and stack", () => {
  it("stops unbounded allocation (CONTRACT_OUT_OF_MEMORY)", () => {
    for (const body of [
      "const a = []; for (;;) a.push({ a: [1, 2, 3], b: a.length });",
      "const m = new Map(); for (let i = 0; ; i++) m.set(i, [i]);",
      "return new Uint8Array(64 * 1024 * 1024).length;",
    ])
      expect(run(body, { limits: { gas: 50_000_000, memoryBytes: 4 << 20 } })).toMatchObject({
        ok: false,
        error: { code: "CONTRACT_OUT_OF_MEMORY", message: "the call ran out of memory (limit 4194304 bytes)" },
      });
    stillServes();
  });

  it("holds the real heap under heapBytes, which QuickJS's 8-bytes-an-allocation accounting does not", async () => {
    const small = await ContractEngine.create({ heapBytes: 48 << 20 });
    // 200 buffers of 1 MiB: about 1,400 allocations by QuickJS's count, 200 MiB in fact.
    const buffers = code(
      "const a = []; for (let i = 0; i < 200; i++) a.push(new Uint8Array(1 << 20)); return a.length;",
    );
    expect(small.run(testCall(buffers, "handle", null, { limits: { memoryBytes: 16 << 20 } }))).toMatchObject({
      ok: false,
      error: { code: "CONTRACT_OUT_OF_MEMORY" },
    });
    expect(small.run(testCall(code("return [1, 2].length;"), "handle"))).toMatchObject({ ok: true, output: 2 });
    await expect(ContractEngine.create({ heapBytes: 1 << 20 })).rejects.toThrow(/heapBytes must be/);
  });

  it("stops unbounded recursion (CONTRACT_STACK_OVERFLOW), and allows recursion within the limit", () => {
    expect(run("const f = (n) => f(n + 1) + 1; return f(0);")).toMatchObject({
      ok: false,
      error: { code: "CONTRACT_STACK_OVERFLOW", message: "the call overflowed the stack (limit 49152 bytes)" },
    });
    expect(codeOf(run("const f = (n) => (n === 0 ? 0 : f(n - 1) + 1); return f(input);", limited, 100))).toBe("ok");
    // JSON in both directions recurses natively; the limit holds there too.
    expect(codeOf(run("let a = []; for (let i = 0; i < 100000; i++) a = [a]; return a;"))).toBe(
      "CONTRACT_STACK_OVERFLOW",
    );
    expect(codeOf(run('return JSON.parse("[".repeat(100000) + "]".repeat(100000));'))).toBe("CONTRACT_STACK_OVERFLOW");
    expect(
      codeOf(run("let o = {}; for (let i = 0; i < 100000; i++) o = { o }; return String(JSON.stringify(o).length);")),
    ).toBe("CONTRACT_STACK_OVERFLOW");
    stillServes();
  });

  it("gives a deeper stack when asked, up to the bound", () => {
    const depth = (stackBytes: number) => {
      const outcome = run("let d = 0; const f = () => { d++; f(); }; try { f(); } catch {} return d;", {
        limits: { gas: GAS_LIMIT, stackBytes },
      } as never);
      return outcome.ok ? (outcome.output as number) : 0;
    };
    expect(depth(64 << 10)).toBeGreaterThan(1.2 * depth(48 << 10));
    expect(depth(16 << 10)).toBeGreaterThan(50);
  });
});

/** `f` called with about `depth` frames of this function beneath it. */
function atDepth<T>(depth: number, f: () => T): T {
  return depth <= 0 ? f() : atDepth(depth - 1, f);
}

/** The deepest `atDepth` that still runs here, to within 8 frames. */
function maxDepth(): number {
  let [low, high] = [1000, 1_000_000];
  while (high - low > 8) {
    const middle = (low + high) >> 1;
    try {
      atDepth(middle, () => 0);
      low = middle;
    } catch {
      high = middle;
    }
  }
  return low;
}

describe("ContractEngine: what gas cannot see, and a broken sandbox", () => {
  it("ends a call that outruns timeLimitMs with a thrown CONTRACT_TIMEOUT (built-ins are one tick each)", async () => {
    const watched = await ContractEngine.create({ timeLimitMs: 100 });
    const fills = code("for (;;) new Array(100000).fill(1);");
    const started = performance.now();
    expect(() => watched.run(testCall(fills, "handle", null))).toThrow(
      expect.objectContaining({ code: "CONTRACT_TIMEOUT" }),
    );
    expect(performance.now() - started).toBeLessThan(2000);
    expect(watched.run(testCall(code("return 1;"), "handle"))).toMatchObject({ ok: true, output: 1 });
  });

  it("throws CONTRACT_ENGINE_FAULT when V8's own stack runs out inside WebAssembly, reloads and serves again", async () => {
    const faulty = await ContractEngine.create();
    const recursion = code("const f = (n) => (n === 0 ? 0 : f(n - 1) + 1); return f(200);");
    // atDepth's frames shrink as V8 optimizes it: measure once it has settled.
    for (let i = 0; i < 3; i++) maxDepth();
    const max = maxDepth();
    let fault: unknown;
    for (let margin = 10; margin < max && fault === undefined; margin = Math.ceil(margin * 1.3)) {
      try {
        atDepth(max - margin, () => faulty.run(testCall(recursion, "handle")));
      } catch (error) {
        // Closer to the edge, V8 runs out in the engine's own JavaScript: an ordinary RangeError.
        if ((error as { code?: string }).code === "CONTRACT_ENGINE_FAULT") fault = error;
      }
    }
    expect(fault).toMatchObject({ code: "CONTRACT_ENGINE_FAULT" });
    expect(() => faulty.run(testCall(recursion, "handle"))).toThrow(
      expect.objectContaining({ code: "CONTRACT_ENGINE_UNAVAILABLE" }),
    );
    await faulty.ready();
    expect(faulty.run(testCall(recursion, "handle"))).toMatchObject({ ok: true, output: 200 });
  });
});
