import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toHex } from "@phala-ts/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContractEngine } from "../engine/contractEngine.js";
import { account, ContractHarness } from "./index.js";

const COUNTER = `import { defineContract, getJson, requireCaller, setJson } from "@phala-ts/contracts/kit";

export default defineContract({
  init(args: { start: number }, ctx) {
    setJson(ctx.storage, "count", args.start);
    ctx.storage.set("owner", requireCaller(ctx));
  },
  handle(command: { add: number; to?: \`0x\${string}\` }, ctx) {
    if (command.add < 0) throw new Error("only adds");
    const count = getJson<number>(ctx.storage, "count", 0) + command.add;
    setJson(ctx.storage, "count", count);
    const event = { count, block: ctx.block.number, at: ctx.block.timestamp };
    command.to === undefined ? ctx.emit(event) : ctx.emit(event, { to: command.to });
    return { count, random: Array.from(ctx.randomBytes(4)) };
  },
  query(_request: null, ctx) {
    return { count: getJson<number>(ctx.storage, "count", 0), caller: ctx.caller ?? null };
  },
});
`;

const alice = account(1);
const bob = account(2);
let dir: string;
let engine: ContractEngine;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "phala-contract-harness-"));
  file = join(dir, "counter.ts");
  await writeFile(file, COUNTER);
  engine = await ContractEngine.create();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("ContractHarness", () => {
  it("names accounts by one byte, as bytes and as the hex a contract sees", () => {
    expect(alice.bytes).toEqual(new Uint8Array(32).fill(1));
    expect(alice.hex).toBe(`0x${"01".repeat(32)}`);
    expect(() => account(256)).toThrow(RangeError);
  });

  it("builds a file and runs init, handle and query, committing only successful writes and events", async () => {
    const c = await ContractHarness.fromFile(file, { engine });
    expect(c.init({ start: 40 }, { caller: alice })).toMatchObject({
      ok: true,
      writes: [
        ["count", "40"],
        ["owner", alice.hex],
      ],
    });
    expect(c.handle({ add: 2 }, { caller: bob })).toMatchObject({ ok: true, output: { count: 42 } });
    expect(c.handle({ add: -1 }, { caller: bob })).toEqual({
      ok: false,
      error: { code: "CONTRACT_THREW", message: "Error: only adds" },
      gasUsed: expect.any(Number),
    });
    expect(c.storage).toEqual(
      new Map([
        ["count", "42"],
        ["owner", alice.hex],
      ]),
    );
    expect(c.events).toEqual([{ data: { count: 42, block: 1, at: 0 } }]);
    expect(c.query(null, { caller: bob })).toMatchObject({ ok: true, output: { count: 42, caller: bob.hex } });
    expect(c.query(null)).toMatchObject({ ok: true, output: { count: 42, caller: null } });
    expect(c.query(null, { caller: bob.bytes })).toMatchObject({ output: { caller: bob.hex } });
  });

  it("runs calls in harness.block or in the block a call names, and gives events' recipients in hex", async () => {
    const c = await ContractHarness.fromFile(file, { engine });
    c.init({ start: 0 }, { caller: alice });
    c.block = { number: 7, timestamp: 7_000 };
    c.handle({ add: 1, to: bob.hex }, { caller: alice });
    c.handle({ add: 1 }, { caller: alice, block: { number: 9, timestamp: 9_000 } });
    expect(c.events).toEqual([
      { data: { count: 1, block: 7, at: 7_000 }, to: bob.hex },
      { data: { count: 2, block: 9, at: 9_000 } },
    ]);
  });

  it("is deterministic: the same calls give the same outcomes, and each call new random bytes", async () => {
    const code = (await ContractHarness.fromFile(file, { engine })).code;
    const run = async () => {
      const c = await ContractHarness.fromCode(code, { engine });
      c.init({ start: 0 }, { caller: alice });
      return [c.handle({ add: 1 }, { caller: alice }), c.handle({ add: 1 }, { caller: alice }), c.storage];
    };
    const [first, second] = [await run(), await run()];
    expect(first).toEqual(second);
    const random = (outcome: unknown) => (outcome as { output: { random: number[] } }).output.random;
    expect(random(first[0])).not.toEqual(random(first[1]));
    expect(toHex((await ContractHarness.fromCode(code, { engine })).contractId)).toBe(`0x${"c0".repeat(32)}`);
  });

  it("passes its limits to the engine", async () => {
    const c = await ContractHarness.fromFile(file, { engine, limits: { gas: 11_000 } });
    expect(c.init({ start: 0 }, { caller: alice })).toMatchObject({
      ok: false,
      error: { code: "CONTRACT_OUT_OF_GAS" },
    });
    expect(c.storage.size).toBe(0);
  });
});
