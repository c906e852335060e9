import { fileURLToPath } from "node:url";
import { toHex } from "@phala-ts/core";
import { beforeAll, describe, expect, it } from "vitest";
import { buildContract } from "../build/buildContract.js";
import type { JsonValue } from "../kit/json.js";
import type { ContractLimits, ContractOutcome, StorageView } from "./contractCall.js";
import { bytes32, contractCode, MemoryStorage, testCall } from "./contractCall.test-util.js";
import { ContractEngine } from "./contractEngine.js";
import { GAS } from "./limits.js";

/** The same calls through code images and through fresh contexts. */
let imaged: ContractEngine;
let fresh: ContractEngine;
beforeAll(async () => {
  [imaged, fresh] = await Promise.all([ContractEngine.create(), ContractEngine.create({ codeImages: 0 })]);
});

/** An outcome as the bytes two workers would compare. */
const bytesOf = (outcome: ContractOutcome) =>
  JSON.stringify(outcome, (_key, value) => (value instanceof Uint8Array ? toHex(value) : value));

interface Step {
  /** Calls of the same contract share its storage, which takes each successful call's writes. */
  readonly contract: string;
  readonly code: string;
  readonly entry: "init" | "handle" | "query";
  readonly input: JsonValue;
  readonly caller?: number;
  readonly block?: number;
  readonly limits?: Partial<ContractLimits>;
  readonly storage?: StorageView;
}

/** Each step's outcome as bytes, or what it threw. */
function play(engine: ContractEngine, steps: readonly Step[]): string[] {
  const stores = new Map<string, MemoryStorage>();
  return steps.map((step) => {
    const storage = stores.get(step.contract) ?? new MemoryStorage();
    stores.set(step.contract, storage);
    const block = step.block ?? 42;
    const call = testCall(step.code, step.entry, step.input, {
      storage: step.storage ?? storage,
      ctx: { caller: bytes32(step.caller ?? 0xa1), blockNumber: block, randomSeed: bytes32(block) },
      limits: step.limits,
    });
    try {
      const outcome = engine.run(call);
      if (outcome.ok) storage.apply(outcome.writes);
      return bytesOf(outcome);
    } catch (error) {
      return `threw ${(error as { code?: string }).code}: ${(error as Error).message}`;
    }
  });
}

/** Round-robin over the scripts, so that consecutive calls come from different codes. */
function interleave(...scripts: Step[][]): Step[] {
  const steps: Step[] = [];
  for (let i = 0; scripts.some((script) => i < script.length); i++)
    for (const script of scripts) if (i < script.length) steps.push(script[i]!);
  return steps;
}

const example = async (name: string) =>
  (await buildContract(fileURLToPath(new URL(`../../../../examples/${name}/contract.ts`, import.meta.url)))).code;
const account = (byte: number) => `0x${byte.toString(16).padStart(2, "0").repeat(32)}`;

async function exampleScripts(): Promise<Step[][]> {
  const [token, analytics, auction] = await Promise.all(
    ["private-token", "web3-analytics", "sealed-bid-auction"].map(example),
  );
  const t = (entry: Step["entry"], input: JsonValue, caller = 0xa1): Step => ({
    contract: "token",
    code: token!,
    entry,
    input,
    caller,
  });
  const a = (entry: Step["entry"], input: JsonValue, caller: number): Step => ({
    contract: "analytics",
    code: analytics!,
    entry,
    input,
    caller,
  });
  const s = (entry: Step["entry"], input: JsonValue, caller: number, block: number): Step => ({
    contract: "auction",
    code: auction!,
    entry,
    input,
    caller,
    block,
  });
  return [
    [
      t("init", { supply: "1000" }),
      t("handle", { transfer: { to: account(0xb0), amount: "10" } }),
      t("handle", { transfer: { to: account(0xb0), amount: "0" } }),
      t("handle", { transfer: { to: account(0xc0), amount: "5000" } }, 0xb0),
      t("handle", { transfer: { to: account(0xc0), amount: "4" } }, 0xb0),
      t("query", { balance: {} }, 0xb0),
      t("handle", { mint: {} }),
    ],
    [
      a("init", { k: 2 }, 0x01),
      a("handle", { pageView: { page: "/a", durationMs: 1200 } }, 0x10),
      a("handle", { pageView: { page: "/a" } }, 0x11),
      a("handle", { pageView: { page: "no slash" } }, 0x12),
      a("query", { stats: { page: "/a" } }, 0x01),
      a("query", { pages: {} }, 0x10),
    ],
    [
      s("init", { item: "a lamp", closesAtBlock: 50, reserve: "5" }, 0x01, 42),
      s("handle", { bid: { amount: "7" } }, 0x20, 43),
      s("handle", { bid: { amount: "9" } }, 0x21, 44),
      s("handle", { bid: { amount: "3" } }, 0x01, 45),
      s("handle", { close: {} }, 0x20, 49),
      s("handle", { close: {} }, 0x20, 50),
      s("query", { result: {} }, 0x22, 51),
    ],
  ];
}

/** Module-level state, globals and built-ins a call changes, read back by the next call. */
const LEFTOVERS = `var calls = 0;
var table = []; for (var i = 0; i < 300; i++) table.push((i * i) % 97);
${contractCode(`{
  handle(input, ctx) {
    calls++;
    globalThis.leak = (globalThis.leak || 0) + 1;
    const seen = [calls, globalThis.leak, typeof Array.prototype.patched, typeof Object.prototype.polluted,
      JSON.stringify.name, table.length, typeof Math.max.patched];
    Array.prototype.patched = 1; Object.prototype.polluted = 1; Math.max.patched = 1; table.push(1);
    JSON.stringify = () => "hijacked";
    ctx.storage.set("seen/" + input, seen.join());
    ctx.emit(seen);
    return seen;
  },
}`)}`;
const UNTOUCHED = [1, 1, "undefined", "undefined", "stringify", 300, "undefined"];

/**
 * Deletes every reference to the sandbox's Function stub (a host function): were it freed, its
 * entry in the runtime's JavaScript-side map would go, and a restored image would call a host
 * function the map no longer has.
 */
const FUNCTION_STUB = contractCode(`{
  handle(kind) {
    if (kind === "free") {
      for (const fn of [function* () {}, async function () {}, async function* () {}])
        delete Object.getPrototypeOf(fn).constructor;
      delete Function.prototype.constructor;
      delete globalThis.Function;
      return [typeof globalThis.Function, typeof (() => {}).constructor];
    }
    try { return (() => {}).constructor("return 1")(); } catch (error) { return String(error); }
  },
}`);

const LIMITS = contractCode(`{
  handle(kind, ctx) {
    switch (kind) {
      case "loop": for (;;) {}
      case "caught loop": while (true) { try { for (;;) {} } catch {} }
      case "allocate": { const a = []; for (;;) a.push([a.length]); }
      case "grow": { const a = []; for (let i = 0; i < 48; i++) a.push(new Uint8Array(1 << 20)); return a.length; }
      case "deep": { const f = (n) => f(n + 1) + 1; return f(0); }
      case "depth": { let d = 0; const f = () => { d++; f(); }; try { f(); } catch {} return d; }
      case "deep json": return JSON.parse("[".repeat(100000) + "]".repeat(100000));
      case "throw": throw new RangeError("refused");
      case "null": throw null;
      case "promise": return Promise.resolve(1);
      case "write, then throw": ctx.storage.set("a", "1"); ctx.emit(1); throw new Error("after writing");
      case "read": return [ctx.storage.get("a") ?? null, ctx.storage.entries(""), Array.from(ctx.randomBytes(8))];
      default: return kind;
    }
  },
}`);

/** A top level that does some work, so that its gas and countdown matter. */
const HEAVY_TOP_LEVEL = `var sums = []; for (var i = 0; i < 10000; i++) sums.push(i * 7 % 13);
${contractCode(`{ handle(input) { let s = 0; for (const x of sums) s += x; return s + input; } }`)}`;

describe("ContractEngine: code images give what fresh contexts give", () => {
  it("runs the examples' calls, interleaved, to the same outcomes byte for byte", async () => {
    const steps = interleave(...(await exampleScripts()));
    const outcomes = play(imaged, steps);
    expect(outcomes).toEqual(play(fresh, steps));
    expect(outcomes.filter((o) => o.startsWith('{"ok":true')).length).toBeGreaterThan(10);
    expect(outcomes.filter((o) => o.startsWith('{"ok":false')).length).toBeGreaterThan(4);
    expect(imaged.codeImages).toBeGreaterThanOrEqual(3);
  });

  it("leaves nothing of a call to the next: module state, globals and patched built-ins start over", () => {
    const steps: Step[] = [0, 1, 2, 3].flatMap((i) => [
      { contract: "leftovers", code: LEFTOVERS, entry: "handle", input: i } satisfies Step,
      { contract: "limits", code: LIMITS, entry: "handle", input: "read" } satisfies Step,
    ]);
    const outcomes = play(imaged, steps);
    expect(outcomes).toEqual(play(fresh, steps));
    for (let i = 0; i < 4; i++) expect(JSON.parse(outcomes[2 * i]!)).toMatchObject({ ok: true, output: UNTOUCHED });
  });

  it("keeps host functions a call frees by deleting every reference to them", () => {
    const steps: Step[] = ["free", "use", "free", "use"].map((input) => ({
      contract: "stub",
      code: FUNCTION_STUB,
      entry: "handle",
      input,
    }));
    const outcomes = play(imaged, steps);
    expect(outcomes).toEqual(play(fresh, steps));
    expect(JSON.parse(outcomes[1]!).output).toBe(
      "Error: eval and Function are not available in a contract: code cannot be compiled at run time",
    );
  });

  it("fails the same way out of gas, memory and stack, when throwing, and after growing the heap", () => {
    // "depth" counts the frames that fit under the stack limit, which QuickJS measures from the
    // stack pointer: the same count both ways means the module's stack pointer is where it was.
    const limited = { gas: 5_000_000, memoryBytes: 4 << 20 };
    const kinds = [
      "loop",
      "read",
      "caught loop",
      "allocate",
      "read",
      "grow",
      "read",
      "deep",
      "depth",
      "deep json",
      "throw",
      "null",
      "promise",
      "write, then throw",
      "read",
      "grow",
      "grow",
      "read",
    ];
    const steps: Step[] = kinds.map((input) => ({
      contract: "limits",
      code: LIMITS,
      entry: "handle",
      input,
      limits: input === "grow" ? { gas: 5_000_000 } : limited,
    }));
    const outcomes = play(imaged, steps);
    expect(outcomes).toEqual(play(fresh, steps));
    const codes = outcomes.map((o) => {
      const outcome = JSON.parse(o) as ContractOutcome;
      return outcome.ok ? "ok" : outcome.error.code;
    });
    expect(codes).toEqual([
      "CONTRACT_OUT_OF_GAS",
      "ok",
      "CONTRACT_OUT_OF_GAS",
      "CONTRACT_OUT_OF_MEMORY",
      "ok",
      "ok",
      "ok",
      "CONTRACT_STACK_OVERFLOW",
      "ok",
      "CONTRACT_STACK_OVERFLOW",
      "CONTRACT_THREW",
      "CONTRACT_OUT_OF_MEMORY",
      "CONTRACT_BAD_RESULT",
      "CONTRACT_THREW",
      "ok",
      "ok",
      "ok",
      "ok",
    ]);
  });

  it("charges a top level's gas exactly: out of gas inside it, at the limit and one under", () => {
    const gasOf = (limits?: Partial<ContractLimits>) =>
      play(fresh, [{ contract: "heavy", code: HEAVY_TOP_LEVEL, entry: "handle", input: 1, limits }]);
    const used = (JSON.parse(gasOf()[0]!) as ContractOutcome).gasUsed;
    const base = GAS.callBase + GAS.perCodeChar * HEAVY_TOP_LEVEL.length + GAS.perIoChar;
    expect(used - base).toBeGreaterThan(30_000);
    // The first call runs out of gas inside the top level, so no image is taken yet.
    const steps: Step[] = [base + 5_000, used, used - 1, base + 5_000, used, 1000].map((gas) => ({
      contract: "heavy",
      code: HEAVY_TOP_LEVEL,
      entry: "handle",
      input: 1,
      limits: { gas },
    }));
    const before = imaged.codeImages;
    const outcomes = play(imaged, steps);
    expect(outcomes).toEqual(play(fresh, steps));
    expect(outcomes.map((o) => (JSON.parse(o) as ContractOutcome).ok)).toEqual([
      false,
      true,
      false,
      false,
      true,
      false,
    ]);
    expect(imaged.codeImages).toBe(before + 1);
  });

  it("runs code whose top level fails, or needs more memory than the smallest limit, fresh and the same", () => {
    const big = `var big = []; for (var i = 0; i < 200000; i++) big.push(i);
${contractCode(`{ handle() { return big.length; } }`)}`;
    const codes = [
      "throw new Error('top')",
      "var x = (;",
      `var __phalaContract = { handle() { return ${"[".repeat(5000)}${"]".repeat(5000)} } }`,
      "var other = {}",
      big,
    ];
    const steps: Step[] = [...codes, ...codes].map((code, i) => ({
      contract: `code ${i}`,
      code,
      entry: "handle",
      input: null,
    }));
    // The same code under the smallest memory limit, which its top level does not fit in.
    steps.push({ contract: "small", code: big, entry: "handle", input: null, limits: { memoryBytes: 1 << 20 } });
    const before = imaged.codeImages;
    const outcomes = play(imaged, steps);
    expect(outcomes).toEqual(play(fresh, steps));
    expect(outcomes.map((o) => (JSON.parse(o) as ContractOutcome).ok)).toEqual([
      ...[false, false, false, false, true],
      ...[false, false, false, false, true],
      false,
    ]);
    expect(JSON.parse(outcomes[10]!)).toMatchObject({ error: { code: "CONTRACT_OUT_OF_MEMORY" } });
    // Only the code that defines no contract has an image (its outcome is the entry point's).
    expect(imaged.codeImages).toBe(before + 1);
  });

  it("throws the host's storage failure and a timeout as a fresh call does, and serves on", async () => {
    const [timedImages, timedFresh] = await Promise.all([
      ContractEngine.create({ timeLimitMs: 50 }),
      ContractEngine.create({ timeLimitMs: 50, codeImages: 0 }),
    ]);
    const broken: StorageView = {
      get: () => {
        throw new Error("disk on fire");
      },
      entries: () => [],
    };
    const spinning = `for (;;) new Array(100000).fill(1);\n${contractCode("{ handle() { return 1; } }")}`;
    const steps: Step[] = [
      { contract: "limits", code: LIMITS, entry: "handle", input: "read", storage: broken },
      { contract: "limits", code: LIMITS, entry: "handle", input: "read" },
      { contract: "spin", code: spinning, entry: "handle", input: null },
      {
        contract: "spin",
        code: contractCode("{ handle() { for (;;) new Array(100000).fill(1); } }"),
        entry: "handle",
        input: null,
      },
      { contract: "limits", code: LIMITS, entry: "handle", input: "read" },
    ];
    const outcomes = play(timedImages, steps);
    expect(outcomes).toEqual(play(timedFresh, steps));
    expect(outcomes[0]).toBe("threw undefined: disk on fire");
    expect(outcomes[2]).toBe("threw CONTRACT_TIMEOUT: the call ran longer than 50 ms");
    expect(outcomes[3]).toBe("threw CONTRACT_TIMEOUT: the call ran longer than 50 ms");
    expect(outcomes[4]).toMatch(/^\{"ok":true/);
  });

  it("keeps at most codeImages images, least recently used dropped first", async () => {
    const bounded = await ContractEngine.create({ codeImages: 2 });
    const codes = [1, 2, 3].map((n) => contractCode(`{ handle(input) { return [${n}, input]; } }`));
    for (const [i, code] of [...codes, codes[0]!, codes[2]!].entries())
      expect(bounded.run(testCall(code, "handle", i))).toMatchObject({
        ok: true,
        output: [codes.indexOf(code) + 1, i],
      });
    expect(bounded.codeImages).toBe(2);
    await expect(ContractEngine.create({ codeImages: -1 })).rejects.toThrow(/codeImages must be a whole number/);
  });
});

/** `f` called beneath `depth` more frames of V8's stack. */
const beneath = <T>(depth: number, f: () => T): T => (depth > 0 ? beneath(depth - 1, f) : f());

/** The most frames `beneath` has room for here, to within 16. */
function room(): number {
  const fits = (depth: number) => {
    try {
      return beneath(depth, () => true);
    } catch {
      return false;
    }
  };
  let [low, high] = [100, 100];
  while (fits(high)) [low, high] = [high, high * 2];
  while (high - low > 16) {
    const middle = (low + high) >> 1;
    if (fits(middle)) low = middle;
    else high = middle;
  }
  return low;
}

describe("ContractEngine: a fault in the code images' module", () => {
  it("throws CONTRACT_ENGINE_FAULT, reloads, and takes the images again", async () => {
    const faulty = await ContractEngine.create();
    const recursion = contractCode("{ handle() { const f = (n) => (n === 0 ? 0 : f(n - 1) + 1); return f(200); } }");
    const call = testCall(recursion, "handle");
    const expected = bytesOf(fresh.run(call));
    expect(bytesOf(faulty.run(call))).toBe(expected);
    expect(faulty.codeImages).toBe(1);
    // Less and less deep from the edge, until V8's stack runs out inside WebAssembly (nearer the
    // edge it runs out in the engine's own JavaScript: an ordinary RangeError).
    for (let i = 0; i < 3; i++) room();
    const edge = room();
    let fault: unknown;
    // Steps of about 5%: the window in which V8 runs out inside WebAssembly is narrow, and moves by machine.
    for (let margin = 4; margin < edge && fault === undefined; margin += Math.max(2, Math.floor(margin / 20))) {
      try {
        beneath(edge - margin, () => faulty.run(call));
      } catch (error) {
        if ((error as { code?: string }).code === "CONTRACT_ENGINE_FAULT") fault = error;
      }
    }
    expect(fault).toMatchObject({ code: "CONTRACT_ENGINE_FAULT" });
    expect(() => faulty.run(call)).toThrow(expect.objectContaining({ code: "CONTRACT_ENGINE_UNAVAILABLE" }));
    await faulty.ready();
    expect(faulty.codeImages).toBe(0);
    expect(bytesOf(faulty.run(call))).toBe(expected);
    expect(faulty.codeImages).toBe(1);
  });
});
