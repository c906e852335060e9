import { createHash } from "node:crypto";
import { toHex } from "@phala-ts/core";
import { beforeAll, describe, expect, it } from "vitest";
import type { ContractCall, ContractOutcome } from "./contractCall.js";
import { bytes32, contractCode, MemoryStorage, testCall } from "./contractCall.test-util.js";
import { ContractEngine } from "./contractEngine.js";

let engines: [ContractEngine, ContractEngine];
beforeAll(async () => {
  engines = [await ContractEngine.create(), await ContractEngine.create()];
});

/** An outcome as bytes: what two workers would compare. */
const bytesOf = (outcome: ContractOutcome) =>
  JSON.stringify(outcome, (_key, value) => (value instanceof Uint8Array ? toHex(value) : value));

const LEDGER = contractCode(`{
  init(args, ctx) { ctx.storage.set("supply", String(args.supply)); ctx.storage.set("balance/" + ctx.caller, String(args.supply)); },
  handle(command, ctx) {
    const from = "balance/" + ctx.caller, to = "balance/" + command.to;
    const have = Number(ctx.storage.get(from) ?? "0");
    if (have < command.amount) throw new Error("insufficient balance: " + have);
    ctx.storage.set(from, String(have - command.amount));
    ctx.storage.set(to, String(Number(ctx.storage.get(to) ?? "0") + command.amount));
    const nonce = Array.from(ctx.randomBytes(8), (b) => b.toString(16).padStart(2, "0")).join("");
    ctx.emit({ transfer: command.amount, nonce }, { to: command.to });
    const work = []; for (let i = 0; i < command.amount * 50; i++) work.push(i * i % 7);
    return { nonce, sum: work.reduce((a, b) => a + b, 0), balances: ctx.storage.entries("balance/").length };
  },
  query(request, ctx) { return ctx.storage.entries(request.prefix); },
}`);

/** The same script of calls, including every kind of failure, against fresh storage. */
function script(): ContractCall[] {
  const storage = new MemoryStorage();
  const alice = bytes32(0xa1);
  const bob = `0x${"b0".repeat(32)}`;
  const at = (n: number, caller = alice) => ({ ctx: { blockNumber: n, caller, randomSeed: bytes32(n) }, storage });
  const failing = (body: string) =>
    testCall(contractCode(`{ handle() { ${body} } }`), "handle", null, {
      limits: { gas: 2_000_000, memoryBytes: 2 << 20 },
    });
  return [
    testCall(LEDGER, "init", { supply: 1000 }, at(1)),
    ...[5, 17, 250, 2000, 40].map((amount, i) => testCall(LEDGER, "handle", { to: bob, amount }, at(2 + i))),
    testCall(LEDGER, "query", { prefix: "balance/" }, at(9)),
    failing("for (;;) {}"),
    failing("const a = []; for (;;) a.push([a.length]);"),
    failing("const f = () => f(); f();"),
    failing("null.x;"),
    failing("return Promise.resolve(1);"),
  ];
}

describe("ContractEngine: determinism", () => {
  it("gives byte-identical outcomes, gas included, on two engines", () => {
    const outcomes = engines.map((engine) =>
      script().map((call) => {
        const outcome = engine.run(call);
        if (outcome.ok) (call.storage as MemoryStorage).apply(outcome.writes);
        return bytesOf(outcome);
      }),
    );
    expect(outcomes[0]).toEqual(outcomes[1]);
    expect(outcomes[0]!.filter((o) => o.startsWith('{"ok":true')).length).toBe(6);
    expect(outcomes[0]![4]).toContain("insufficient balance: 728");
    // And again on the same engine, after all those calls.
    expect(
      script()
        .map((call) => bytesOf(engines[0].run(call)))
        .slice(7),
    ).toEqual(outcomes[0]!.slice(7));
  });

  it("draws randomness from the seed: SHA-256(seed ++ u64le(i)) blocks, consumed in order", () => {
    const code = contractCode(
      `{ query(_, ctx) { return [ctx.randomBytes(40), ctx.randomBytes(0), ctx.randomBytes(8)].map((b) => Array.from(b)); } }`,
    );
    const seed = bytes32(0x77);
    const block = (i: number) => {
      const counter = Buffer.alloc(8);
      counter.writeBigUInt64LE(BigInt(i));
      return [...createHash("sha256").update(seed).update(counter).digest()];
    };
    const stream = [...block(0), ...block(1)];
    const outcome = engines[0].run(testCall(code, "query", null, { ctx: { randomSeed: seed } }));
    expect(outcome).toMatchObject({ ok: true, output: [stream.slice(0, 40), [], stream.slice(40, 48)] });
    const other = engines[1].run(testCall(code, "query", null, { ctx: { randomSeed: bytes32(0x78) } }));
    expect(bytesOf(other)).not.toBe(bytesOf(outcome));
    const limit = engines[0].run(
      testCall(contractCode(`{ query(_, ctx) { ctx.randomBytes(65536); ctx.randomBytes(1); } }`), "query"),
    );
    expect(limit).toMatchObject({
      ok: false,
      error: { code: "CONTRACT_THREW", message: "RangeError: a call takes at most 65536 random bytes" },
    });
  });

  it("takes the seed from a host function, called once and only when the contract asks for randomness", () => {
    const draws = contractCode(
      `{ query(request, ctx) { return request ? [ctx.randomBytes(4), ctx.randomBytes(4)].map((b) => Array.from(b)) : 0; } }`,
    );
    const seed = bytes32(0x77);
    let calls = 0;
    const lazy = () => {
      calls++;
      return seed;
    };
    expect(engines[0].run(testCall(draws, "query", false, { ctx: { randomSeed: lazy } }))).toMatchObject({ ok: true });
    expect(calls).toBe(0);
    const eager = engines[0].run(testCall(draws, "query", true, { ctx: { randomSeed: seed } }));
    expect(engines[0].run(testCall(draws, "query", true, { ctx: { randomSeed: lazy } }))).toEqual(eager);
    expect(calls).toBe(1);
    // A host function that fails is the host's error, thrown, never the contract's outcome.
    const broken = () => new Uint8Array(3);
    expect(() => engines[0].run(testCall(draws, "query", true, { ctx: { randomSeed: broken } }))).toThrow(
      /randomSeed\(\) must return 32 bytes/,
    );
  });

  it("has no clock, no Math.random, no run-time code, no GC-timing objects, and never runs promise jobs", () => {
    const probe = (expression: string) => {
      const outcome = engines[0].run(testCall(contractCode(`{ handle(_, ctx) { return ${expression}; } }`), "handle"));
      return outcome.ok ? outcome.output : outcome.error.message;
    };
    expect(probe("Date.now()")).toBe("Error: Date is not available in a contract: use ctx.block.timestamp");
    expect(probe("new Date()")).toBe("Error: Date is not available in a contract: use ctx.block.timestamp");
    expect(probe("({}) instanceof Date")).toBe(false);
    expect(probe("Math.random()")).toBe("Error: Math.random is not available in a contract: use ctx.randomBytes(n)");
    const noCode = "Error: eval and Function are not available in a contract: code cannot be compiled at run time";
    for (const expression of [
      'eval("1")',
      'Function("return 1")()',
      '(() => {}).constructor("return 1")()',
      'Object.getPrototypeOf(function* () {}).constructor("yield 1")',
      'Object.getPrototypeOf(async function () {}).constructor("return 1")',
      'Object.getPrototypeOf(async function* () {}).constructor("yield 1")',
    ])
      expect(probe(expression)).toBe(noCode);
    expect(probe("(function () {}) instanceof Function")).toBe(true);
    expect(probe("[typeof WeakRef, typeof FinalizationRegistry, typeof setTimeout, typeof console.log]")).toEqual([
      "undefined",
      "undefined",
      "undefined",
      "function",
    ]);
    const jobs = engines[0].run(
      testCall(
        contractCode(`{ handle(_, ctx) { Promise.resolve().then(() => ctx.storage.set("late", "1")); return 1; } }`),
        "handle",
      ),
    );
    expect(jobs).toMatchObject({ ok: true, output: 1, writes: [] });
  });
});
