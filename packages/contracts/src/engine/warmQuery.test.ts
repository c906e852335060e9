import variant from "@jitl/quickjs-wasmfile-release-sync";
import { newQuickJSWASMModuleFromVariant, type QuickJSRuntime } from "quickjs-emscripten-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { JsonValue } from "../kit/json.js";
import type { ContractCall } from "./contractCall.js";
import { bytes32, contractCode, MemoryStorage, testCall } from "./contractCall.test-util.js";
import { ContractEngine, type ContractEngineOptions } from "./contractEngine.js";
import { GAS } from "./limits.js";

let engine: ContractEngine;
beforeAll(async () => {
  engine = await ContractEngine.create();
});

const ALICE = bytes32(0xa1);
const BOB = bytes32(0xb0);
const CONTRACT = bytes32(0xc1);
const OTHER_CONTRACT = bytes32(0xc2);

/**
 * A query with module-level state (`seen`) and a top level that does some work (`table`), so
 * that a warm call skips real gas and anything a query leaves behind shows in the next answer.
 */
const MEMO = `var seen = [];
var table = []; for (var i = 0; i < 500; i++) table.push((i * 2654435761) % 1000003);
${contractCode(`{
  handle(input, ctx) { seen.push("handle"); ctx.storage.set("v", String(input)); return seen.slice(); },
  query(input, ctx) {
    switch (input.op) {
      case "remember": seen.push(input.value); return seen.slice();
      case "throw": seen.push("poison"); throw new Error("refused: " + input.value);
      case "loop": seen.push("poison"); for (;;) {}
      case "deep": { seen.push("poison"); const f = (n) => f(n + 1) + 1; return f(0); }
      case "allocate": { seen.push("poison"); const a = []; for (;;) a.push([a.length]); }
      case "keep": globalThis.kept = ctx; return seen.slice();
      case "kept": return { value: globalThis.kept.storage.get("v") ?? null, block: globalThis.kept.block.number };
      case "write": ctx.storage.set("v", "x"); return null;
      default: return {
        seen: seen.slice(),
        sum: table.reduce((a, b) => (a + b) % 1000003, 0),
        caller: ctx.caller,
        contract: ctx.contractId,
        block: [ctx.block.number, ctx.block.timestamp],
        value: ctx.storage.get("v") ?? null,
        entries: ctx.storage.entries(""),
        random: Array.from(ctx.randomBytes(6)),
      };
    }
  },
}`)}`;

/** A query of CONTRACT; a caller of null is a query nobody signed. */
const query = (
  input: JsonValue,
  caller: Uint8Array | null,
  overrides: Parameters<typeof testCall>[3] = {},
  code = MEMO,
): ContractCall =>
  testCall(code, "query", input, {
    ...overrides,
    ctx: { caller: caller ?? undefined, contractId: CONTRACT, ...overrides.ctx },
  });

const seenBy = (target: ContractEngine, caller: Uint8Array | null, overrides: Parameters<typeof testCall>[3] = {}) => {
  const outcome = target.runQuery(query({ op: "read" }, caller, overrides));
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
  return (outcome.output as { seen: string[] }).seen;
};

/** An engine whose module counts the runtimes alive, and can be made to fail. */
async function watchedEngine(options: ContractEngineOptions = {}) {
  const base = await newQuickJSWASMModuleFromVariant(variant as never);
  const watch = { alive: 0, created: 0, fail: false };
  const module = {
    getWasmMemory: () => base.getWasmMemory(),
    newRuntime: (): QuickJSRuntime => {
      if (watch.fail) throw new Error("the module is broken");
      const runtime = base.newRuntime();
      const dispose = runtime.dispose.bind(runtime);
      watch.alive++;
      watch.created++;
      runtime.dispose = () => {
        watch.alive--;
        dispose();
      };
      return runtime;
    },
  };
  return { engine: await ContractEngine.create({ ...options, module }), watch };
}

describe("ContractEngine.runQuery: warm contexts", () => {
  it("gives the outcome run gives, gas included, on the first and on later calls", async () => {
    const { engine: warm, watch } = await watchedEngine();
    const storage = new MemoryStorage([
      ["v", "committed"],
      ["w", "other"],
    ]);
    const calls = [
      query({ op: "read" }, ALICE, { storage }),
      query({ op: "read" }, ALICE, { storage, ctx: { blockNumber: 43, timestampMs: 7, randomSeed: bytes32(9) } }),
      query({ op: "read" }, BOB, { storage }),
      // Out of gas in the top level, which a warm call is charged again.
      query({ op: "read" }, BOB, { storage, limits: { gas: GAS.callBase + GAS.perCodeChar * MEMO.length + 500 } }),
      query({ op: "read" }, BOB, { storage }),
      query({ op: "throw", value: "no" }, BOB, { storage }),
      query({ op: "unknown" }, ALICE, { storage }),
    ];
    for (let round = 0; round < 3; round++)
      for (const call of calls) {
        const fresh = engine.run(call);
        expect(warm.runQuery(call)).toEqual(fresh);
      }
    // Alice's context was built once and kept; Bob's failures dropped his each time.
    expect(warm.warmContexts).toBe(1);
    expect(watch.alive).toBe(1);
    expect(engine.run(calls[0]!)).toMatchObject({
      ok: true,
      output: { seen: [], caller: `0x${"a1".repeat(32)}`, value: "committed", block: [42, 1_700_000_000_000] },
    });
    expect(engine.run(calls[3]!)).toMatchObject({ ok: false, error: { code: "CONTRACT_OUT_OF_GAS" } });
    expect(engine.run(calls[5]!)).toMatchObject({
      ok: false,
      error: { code: "CONTRACT_THREW", message: "Error: refused: no" },
    });
  });

  it("charges a warm call what a fresh one is charged, to the tick", () => {
    for (const top of [0, 13, 37, 61]) {
      const code = `for (var i = 0; i < ${top}; i++) {} ${contractCode(`{ query(n) { for (let i = 0; i < n; i++) {} return n; } }`)}`;
      engine.runQuery(query(0, ALICE, {}, code));
      for (let n = 0; n < 120; n += 7) {
        const call = query(n, ALICE, {}, code);
        expect(engine.runQuery(call).gasUsed).toBe(engine.run(call).gasUsed);
      }
    }
    engine.dropWarmContexts();
  });

  it("keeps module-level state for the same caller only: another caller never sees it", () => {
    const isolated = query({ op: "remember", value: "alice's secret" }, ALICE);
    expect(engine.runQuery(isolated)).toMatchObject({ ok: true, output: ["alice's secret"] });
    // Bob's query runs in a context of his own, built from the code alone.
    expect(seenBy(engine, BOB)).toEqual([]);
    expect(engine.runQuery(query({ op: "remember", value: "bob's" }, BOB))).toMatchObject({ output: ["bob's"] });
    // The same caller may find what its earlier queries left (storage is the only state to rely on).
    expect(seenBy(engine, ALICE)).toEqual(["alice's secret"]);
    expect(seenBy(engine, BOB)).toEqual(["bob's"]);
    // A query nobody signed always runs fresh, so anonymous callers share nothing either.
    expect(engine.runQuery(query({ op: "remember", value: "anonymous" }, null))).toMatchObject({
      output: ["anonymous"],
    });
    expect(seenBy(engine, null)).toEqual([]);
    engine.dropWarmContexts();
    expect(engine.warmContexts).toBe(0);
    expect(seenBy(engine, ALICE)).toEqual([]);
  });

  it("never lets a contract reach another contract's context, even with the same code and caller", () => {
    engine.runQuery(query({ op: "remember", value: "for contract 1" }, ALICE));
    expect(seenBy(engine, ALICE, { ctx: { contractId: OTHER_CONTRACT } })).toEqual([]);
    expect(seenBy(engine, ALICE)).toEqual(["for contract 1"]);
    // New code for the contract: its context is rebuilt from the new code.
    const upgraded = `var seen = ["upgraded"]; ${contractCode(`{ query() { return seen; } }`)}`;
    expect(engine.runQuery(query(null, ALICE, {}, upgraded))).toMatchObject({ ok: true, output: ["upgraded"] });
    expect(seenBy(engine, ALICE)).toEqual([]);
    engine.dropWarmContexts();
  });

  it("drops a context after any failure in it: the next call gets a fresh one and is correct", async () => {
    const { engine: timed, watch } = await watchedEngine({ timeLimitMs: 400 });
    const failures: [JsonValue, string, Parameters<typeof testCall>[3]][] = [
      [{ op: "throw", value: "x" }, "CONTRACT_THREW", {}],
      [{ op: "loop" }, "CONTRACT_OUT_OF_GAS", { limits: { gas: 200_000 } }],
      [{ op: "deep" }, "CONTRACT_STACK_OVERFLOW", {}],
      [{ op: "allocate" }, "CONTRACT_OUT_OF_MEMORY", { limits: { memoryBytes: 1 << 20, gas: 1e9 } }],
      [{ op: "write" }, "CONTRACT_READ_ONLY", {}],
    ];
    for (const [input, code, overrides] of failures) {
      timed.runQuery(query({ op: "remember", value: "before" }, ALICE));
      expect(seenBy(timed, ALICE)).toEqual(["before"]);
      expect(timed.runQuery(query(input, ALICE, overrides))).toMatchObject({ ok: false, error: { code } });
      expect(timed.warmContexts).toBe(0);
      expect(watch.alive).toBe(0);
      expect(seenBy(timed, ALICE)).toEqual([]);
      timed.dropWarmContexts();
    }
    // The wall-clock limit: thrown, not an outcome, and the context is gone all the same.
    timed.runQuery(query({ op: "remember", value: "before" }, ALICE));
    expect(() => timed.runQuery(query({ op: "loop" }, ALICE, { limits: { gas: 1e12 } }))).toThrow(
      expect.objectContaining({ code: "CONTRACT_TIMEOUT" }),
    );
    expect(watch.alive).toBe(0);
    expect(seenBy(timed, ALICE)).toEqual([]);
    // So does the host's storage failing.
    const broken = {
      get: () => {
        throw new Error("disk gone");
      },
      entries: () => [],
    };
    timed.runQuery(query({ op: "remember", value: "before" }, ALICE));
    expect(() => timed.runQuery(query({ op: "read" }, ALICE, { storage: broken }))).toThrow("disk gone");
    expect(watch.alive).toBe(0);
    expect(seenBy(timed, ALICE)).toEqual([]);
  });

  it("drops every warm context when a call runs out of memory (they share the heap)", async () => {
    const { engine: shared, watch } = await watchedEngine();
    for (const caller of [ALICE, BOB]) shared.runQuery(query({ op: "remember", value: "x" }, caller));
    expect(shared.warmContexts).toBe(2);
    const allocate = query({ op: "allocate" }, bytes32(3), { limits: { memoryBytes: 1 << 20, gas: 1e9 } });
    expect(shared.runQuery(allocate)).toMatchObject({ ok: false, error: { code: "CONTRACT_OUT_OF_MEMORY" } });
    expect([shared.warmContexts, watch.alive]).toEqual([0, 0]);
  });

  it("reads the storage passed with each call, never what an earlier call saw", () => {
    const storage = new MemoryStorage([["v", "1"]]);
    const read = () => engine.runQuery(query({ op: "read" }, ALICE, { storage }));
    expect(read()).toMatchObject({ ok: true, output: { value: "1", entries: [["v", "1"]] } });
    storage.apply([
      ["v", "2"],
      ["new", "n"],
    ]);
    expect(read()).toMatchObject({
      output: {
        value: "2",
        entries: [
          ["new", "n"],
          ["v", "2"],
        ],
      },
    });
    // Even through a ctx kept from an earlier call: operations act on the call in progress.
    expect(engine.runQuery(query({ op: "keep" }, ALICE, { storage }))).toMatchObject({ ok: true });
    const later = new MemoryStorage([["v", "3"]]);
    expect(engine.runQuery(query({ op: "kept" }, ALICE, { storage: later, ctx: { blockNumber: 99 } }))).toMatchObject({
      ok: true,
      output: { value: "3", block: 42 },
    });
    engine.dropWarmContexts();
  });

  it("keeps at most warmContexts contexts, least recently used dropped first, each for warmContextCalls calls", async () => {
    const { engine: bounded, watch } = await watchedEngine({ warmContexts: 3, warmContextCalls: 4 });
    const callers = [1, 2, 3, 4, 5].map((n) => bytes32(n));
    const [first, , third, fourth] = callers as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    for (const caller of callers) bounded.runQuery(query({ op: "remember", value: "mine" }, caller));
    expect([bounded.warmContexts, watch.alive]).toEqual([3, 3]);
    // Callers 3, 4 and 5 are kept; 1 and 2 were dropped.
    expect(seenBy(bounded, third)).toEqual(["mine"]);
    expect(seenBy(bounded, first)).toEqual([]);
    // Using 3 made it the most recent: bringing 1 back dropped 4, the least recently used.
    expect(seenBy(bounded, third)).toEqual(["mine"]);
    expect(seenBy(bounded, fourth)).toEqual([]);
    expect(watch.alive).toBe(3);
    // Caller 3's context serves its fourth call (remember, read, read, read), then is dropped.
    expect(seenBy(bounded, third)).toEqual(["mine"]);
    expect(seenBy(bounded, third)).toEqual([]);
    const none = await watchedEngine({ warmContexts: 0 });
    for (let i = 0; i < 3; i++) none.engine.runQuery(query({ op: "remember", value: "x" }, ALICE));
    expect([none.engine.warmContexts, none.watch.alive]).toEqual([0, 0]);
    await expect(ContractEngine.create({ warmContexts: -1 })).rejects.toThrow(/warmContexts/);
    await expect(ContractEngine.create({ warmContextCalls: 0 })).rejects.toThrow(/warmContextCalls/);
  });

  it("never reuses a context for init or handle, nor lets run keep one", async () => {
    const { engine: watched, watch } = await watchedEngine();
    const created = watch.created;
    expect(() => watched.runQuery(testCall(MEMO, "handle", 1))).toThrow(
      expect.objectContaining({ code: "CONTRACT_BAD_CALL" }),
    );
    expect(() => watched.runQuery(testCall(MEMO, "init", null))).toThrow(
      expect.objectContaining({ code: "CONTRACT_BAD_CALL" }),
    );
    watched.runQuery(query({ op: "remember", value: "query" }, ALICE));
    for (let i = 0; i < 3; i++) {
      expect(watched.run(testCall(MEMO, "handle", i, { ctx: { caller: ALICE, contractId: CONTRACT } }))).toMatchObject({
        ok: true,
        output: ["handle"],
      });
      expect(watched.run(query({ op: "remember", value: "fresh" }, ALICE))).toMatchObject({ output: ["fresh"] });
    }
    expect([watched.warmContexts, watch.alive, watch.created - created]).toEqual([1, 1, 7]);
    expect(seenBy(watched, ALICE)).toEqual(["query"]);
  });

  it("drops every warm context when the engine faults, and builds new ones once it has reloaded", async () => {
    const { engine: faulty, watch } = await watchedEngine();
    for (const caller of [ALICE, BOB]) faulty.runQuery(query({ op: "remember", value: "x" }, caller));
    watch.fail = true;
    expect(() => faulty.runQuery(query({ op: "read" }, bytes32(3)))).toThrow(
      expect.objectContaining({ code: "CONTRACT_ENGINE_FAULT" }),
    );
    expect(faulty.warmContexts).toBe(0);
    expect(() => faulty.runQuery(query({ op: "read" }, ALICE))).toThrow(
      expect.objectContaining({ code: "CONTRACT_ENGINE_UNAVAILABLE" }),
    );
    await faulty.ready();
    expect(seenBy(faulty, ALICE)).toEqual([]);
    expect(seenBy(faulty, BOB)).toEqual([]);
    expect(faulty.warmContexts).toBe(2);
  });
});
