import { beforeAll, describe, expect, it } from "vitest";
import { ContractError } from "../contractError.js";
import type { ContractFailure, ContractOutcome, ContractSuccess } from "./contractCall.js";
import { bytes32, contractCode, MemoryStorage, testCall } from "./contractCall.test-util.js";
import { ContractEngine } from "./contractEngine.js";
import { MAX_ERROR_MESSAGE_CHARS, MAX_INPUT_CHARS, MAX_OUTPUT_CHARS } from "./limits.js";

let engine: ContractEngine;
beforeAll(async () => {
  engine = await ContractEngine.create();
});

function ok(outcome: ContractOutcome): ContractSuccess {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.error.code}: ${outcome.error.message}`);
  return outcome;
}

function failed(outcome: ContractOutcome, code: string): ContractFailure {
  if (outcome.ok) throw new Error(`expected ${code}, got success`);
  expect(outcome.error.code).toBe(code);
  return outcome;
}

const COUNTER = contractCode(`{
  init(args, ctx) { ctx.storage.set("count", String(args.start)); ctx.storage.set("owner", ctx.caller); },
  handle(command, ctx) {
    const count = Number(ctx.storage.get("count")) + command.by;
    ctx.storage.set("count", String(count));
    ctx.emit({ count, at: ctx.block.number, time: ctx.block.timestamp });
    return count;
  },
  query(request, ctx) { return { count: Number(ctx.storage.get("count")), owner: ctx.storage.get("owner"), id: ctx.contractId }; },
}`);

describe("ContractEngine: the call model", () => {
  it("runs init, handle and query of a counter against committed storage", () => {
    const storage = new MemoryStorage();
    const init = ok(engine.run(testCall(COUNTER, "init", { start: 5 }, { storage })));
    expect(init.output).toBeNull();
    expect(init.writes).toEqual([
      ["count", "5"],
      ["owner", `0x${"a1".repeat(32)}`],
    ]);
    storage.apply(init.writes);
    const handled = ok(engine.run(testCall(COUNTER, "handle", { by: 3 }, { storage })));
    expect(handled.output).toBe(8);
    expect(handled.writes).toEqual([["count", "8"]]);
    expect(handled.events).toEqual([{ data: { count: 8, at: 42, time: 1_700_000_000_000 } }]);
    expect(handled.gasUsed).toBeGreaterThan(0);
    storage.apply(handled.writes);
    const answer = ok(engine.run(testCall(COUNTER, "query", null, { storage })));
    expect(answer.output).toEqual({ count: 8, owner: `0x${"a1".repeat(32)}`, id: `0x${"c1".repeat(32)}` });
    expect(answer.writes).toEqual([]);
  });

  it("returns writes sorted by key, each with its final value, and reads see the call's own writes", () => {
    const storage = new MemoryStorage([
      ["b", "old"],
      ["gone", "x"],
      ["p/1", "one"],
      ["p/3", "three"],
      ["q", "other"],
    ]);
    const code = contractCode(`{ handle(_, ctx) {
      const s = ctx.storage;
      s.set("z", "1"); s.set("b", "new"); s.set("a", "first"); s.set("a", "second");
      s.delete("gone"); s.set("p/2", "two"); s.delete("p/3"); s.set("t", "temp"); s.delete("t");
      return { b: s.get("b"), gone: s.get("gone") ?? null, t: s.get("t") ?? null, p: s.entries("p/"), all: s.entries().length };
    } }`);
    const outcome = ok(engine.run(testCall(code, "handle", null, { storage })));
    expect(outcome.output).toEqual({
      b: "new",
      gone: null,
      t: null,
      p: [
        ["p/1", "one"],
        ["p/2", "two"],
      ],
      all: 6,
    });
    expect(outcome.writes).toEqual([
      ["a", "second"],
      ["b", "new"],
      ["gone", null],
      ["p/2", "two"],
      ["p/3", null],
      ["t", null],
      ["z", "1"],
    ]);
  });

  it("emits public events and events for one account", () => {
    const to = `0x${"be".repeat(32)}`;
    const code = contractCode(
      `{ handle(_, ctx) { ctx.emit({ kind: "public" }); ctx.emit(["private", 1], { to: "${to}" }); } }`,
    );
    const outcome = ok(engine.run(testCall(code, "handle")));
    expect(outcome.output).toBeNull();
    expect(outcome.events).toEqual([{ data: { kind: "public" } }, { data: ["private", 1], to: bytes32(0xbe) }]);
    const bad = contractCode(`{ handle(_, ctx) { ctx.emit(1, { to: "0x1234" }) } }`);
    expect(failed(engine.run(testCall(bad, "handle")), "CONTRACT_THREW").error.message).toContain("32-byte account");
    // A recipient passed without { to } must not become a public event.
    const bare = contractCode(`{ handle(_, ctx) { ctx.emit(1, "${to}") } }`);
    expect(failed(engine.run(testCall(bare, "handle")), "CONTRACT_THREW").error.message).toBe(
      "TypeError: emit's options are { to }",
    );
    expect(ok(engine.run(testCall(contractCode(`{ handle(_, ctx) { ctx.emit(1, null) } }`), "handle"))).events).toEqual(
      [{ data: 1 }],
    );
  });

  it("gives a query no way to write: set and delete throw ReadOnlyError", () => {
    const storage = new MemoryStorage([["k", "v"]]);
    const code = contractCode(`{
      query(request, ctx) {
        if (request === "write") ctx.storage.set("k", "w");
        if (request === "delete") ctx.storage.delete("k");
        try { ctx.storage.set("k", "w"); } catch (error) { return [error.name, ctx.storage.get("k")]; }
      },
      handle(_, ctx) { ctx.storage.set("k", "w"); },
    }`);
    for (const request of ["write", "delete"])
      expect(
        failed(engine.run(testCall(code, "query", request, { storage })), "CONTRACT_READ_ONLY").error.message,
      ).toBe("ReadOnlyError: storage is read-only in a query");
    const caught = ok(engine.run(testCall(code, "query", "catch", { storage })));
    expect(caught.output).toEqual(["ReadOnlyError", "v"]);
    expect(caught.writes).toEqual([]);
    expect(ok(engine.run(testCall(code, "handle", null, { storage }))).writes).toEqual([["k", "w"]]);
  });

  it("passes the caller (hex or undefined), the contract id and the block", () => {
    const code = contractCode(
      `{ query(_, ctx) { return [ctx.caller === undefined ? "none" : ctx.caller, ctx.contractId, ctx.block.number, ctx.block.timestamp, Object.isFrozen(ctx)]; } }`,
    );
    const anonymous = ok(
      engine.run(testCall(code, "query", null, { ctx: { caller: undefined, blockNumber: 7, timestampMs: 99 } })),
    );
    expect(anonymous.output).toEqual(["none", `0x${"c1".repeat(32)}`, 7, 99, true]);
  });

  it("fails with no writes and no events, and reports the gas used", () => {
    const code = contractCode(
      `{ handle(_, ctx) { ctx.storage.set("a", "1"); ctx.emit("e"); throw new RangeError("insufficient balance"); } }`,
    );
    const outcome = failed(engine.run(testCall(code, "handle")), "CONTRACT_THREW");
    expect(outcome).toEqual({
      ok: false,
      error: { code: "CONTRACT_THREW", message: "RangeError: insufficient balance" },
      gasUsed: outcome.gasUsed,
    });
    expect(outcome.gasUsed).toBeGreaterThan(0);
  });

  it("bounds the message of what a contract throws", () => {
    const code = contractCode(`{ handle() { throw new Error("x".repeat(100000)); } }`);
    expect(failed(engine.run(testCall(code, "handle")), "CONTRACT_THREW").error.message).toHaveLength(
      MAX_ERROR_MESSAGE_CHARS,
    );
    const values = contractCode(
      `{ handle(kind) { if (kind === "string") throw "plain"; if (kind === "null") throw null; throw { code: 1 }; } }`,
    );
    expect(failed(engine.run(testCall(values, "handle", "string")), "CONTRACT_THREW").error.message).toBe("plain");
    // QuickJS throws null when it cannot allocate an Error; so an uncaught null means out of memory.
    failed(engine.run(testCall(values, "handle", "null")), "CONTRACT_OUT_OF_MEMORY");
    expect(failed(engine.run(testCall(values, "handle", "object")), "CONTRACT_THREW").error.message).toBe(
      "a value that is not an Error was thrown",
    );
  });
});

describe("ContractEngine: bad code, entries, inputs and results", () => {
  it("refuses code that does not evaluate or defines no contract (CONTRACT_BAD_CODE)", () => {
    expect(failed(engine.run(testCall("var x = (;", "handle")), "CONTRACT_BAD_CODE").error.message).toMatch(
      /^SyntaxError: /,
    );
    expect(failed(engine.run(testCall("throw new Error('top')", "handle")), "CONTRACT_BAD_CODE").error.message).toBe(
      "Error: top",
    );
    expect(failed(engine.run(testCall("var other = {}", "handle")), "CONTRACT_BAD_CODE").error.message).toBe(
      "the code defines no contract (__phalaContract)",
    );
    const deep = `var __phalaContract = { handle() { return ${"[".repeat(5000)}${"]".repeat(5000)} } }`;
    expect(failed(engine.run(testCall(deep, "handle")), "CONTRACT_BAD_CODE").error.message).toContain(
      "nested too deeply",
    );
  });

  it("reports a missing entry point (CONTRACT_NO_ENTRY), also through an esbuild namespace", () => {
    const code = contractCode(`{ handle() { return 1; }, query: 5 }`);
    expect(failed(engine.run(testCall(code, "init")), "CONTRACT_NO_ENTRY").error.message).toBe(
      "the contract has no init entry point",
    );
    failed(engine.run(testCall(code, "query")), "CONTRACT_NO_ENTRY");
    const namespace = `var __phalaContract = { default: { handle() { return "from default"; } } };`;
    expect(ok(engine.run(testCall(namespace, "handle"))).output).toBe("from default");
    failed(engine.run(testCall(namespace, "init")), "CONTRACT_NO_ENTRY");
  });

  it("refuses inputs that are not strict, bounded JSON (CONTRACT_BAD_INPUT)", () => {
    const echo = contractCode(`{ handle(input) { return input; } }`);
    expect(ok(engine.run(testCall(echo, "handle", { a: [1, "two", null, true, { b: -0.5 }] }))).output).toEqual({
      a: [1, "two", null, true, { b: -0.5 }],
    });
    let nested: unknown = 1;
    for (let i = 0; i < 100; i++) nested = [nested];
    const bad: [unknown, string][] = [
      [{ a: undefined }, "undefined"],
      [Number.NaN, "NaN"],
      [Number.POSITIVE_INFINITY, "Infinity"],
      [new Date(0), "plain objects"],
      [new Uint8Array(2), "plain objects"],
      [{ f: () => 1 }, "function"],
      [10n, "bigint"],
      [nested, "nested deeper than 64"],
      ["x".repeat(MAX_INPUT_CHARS), "characters, over"],
    ];
    for (const [input, why] of bad) {
      const outcome = failed(engine.run(testCall(echo, "handle", input as never)), "CONTRACT_BAD_INPUT");
      expect(outcome.error.message).toContain(why);
    }
  });

  it("refuses results that are not JSON or too large (CONTRACT_BAD_RESULT)", () => {
    const code = contractCode(`{ handle(kind) {
      if (kind === "promise") return Promise.resolve(1);
      if (kind === "async") return (async () => 1)();
      if (kind === "thenable") return { then() {} };
      if (kind === "bigint") return { n: 1n };
      if (kind === "cycle") { const a = {}; a.a = a; return a; }
      if (kind === "function") return () => 1;
      if (kind === "large") return "x".repeat(${MAX_OUTPUT_CHARS});
      if (kind === "undefined") return undefined;
      return { nested: [1, undefined, () => 2], toJSON: undefined };
    } }`);
    for (const kind of ["promise", "async", "thenable"])
      expect(failed(engine.run(testCall(code, "handle", kind)), "CONTRACT_BAD_RESULT").error.message).toBe(
        "the handle entry point returned a Promise: contracts are synchronous",
      );
    expect(failed(engine.run(testCall(code, "handle", "bigint")), "CONTRACT_BAD_RESULT").error.message).toBe(
      "the result is not JSON: TypeError: Do not know how to serialize a BigInt",
    );
    failed(engine.run(testCall(code, "handle", "cycle")), "CONTRACT_BAD_RESULT");
    failed(engine.run(testCall(code, "handle", "function")), "CONTRACT_BAD_RESULT");
    expect(failed(engine.run(testCall(code, "handle", "large")), "CONTRACT_BAD_RESULT").error.message).toContain(
      "over",
    );
    expect(ok(engine.run(testCall(code, "handle", "undefined"))).output).toBeNull();
    expect(ok(engine.run(testCall(code, "handle", "json"))).output).toEqual({ nested: [1, null, null] });
  });

  it("throws CONTRACT_BAD_CALL for a malformed call, which is the host's bug", () => {
    const call = testCall(COUNTER, "query");
    const wrong = [
      { ...call, entry: "other" as never },
      { ...call, ctx: { ...call.ctx, contractId: new Uint8Array(31) } },
      { ...call, ctx: { ...call.ctx, caller: new Uint8Array(33) } },
      { ...call, ctx: { ...call.ctx, blockNumber: -1 } },
      { ...call, limits: { ...call.limits, gas: 0 } },
      { ...call, limits: { ...call.limits, memoryBytes: 1024 } },
      { ...call, limits: { ...call.limits, stackBytes: 1 << 20 } },
    ];
    for (const bad of wrong) expect(() => engine.run(bad)).toThrow(ContractError);
    expect(() => engine.run(wrong[6]!)).toThrow(/limits.stackBytes must be within 16384..65536/);
  });

  it("rethrows a failure of the host's storage instead of blaming the contract", () => {
    const broken = {
      get: () => {
        throw new Error("disk on fire");
      },
      entries: () => [],
    };
    const code = contractCode(`{ handle(_, ctx) { try { ctx.storage.get("k"); } catch {} return 1; } }`);
    expect(() => engine.run(testCall(code, "handle", null, { storage: broken }))).toThrow("disk on fire");
    expect(ok(engine.run(testCall(code, "handle"))).output).toBe(1);
  });
});
