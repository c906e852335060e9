import { fileURLToPath } from "node:url";
import { ContractEngine, type JsonValue } from "@phala-ts/contracts";
import { account, ContractHarness } from "@phala-ts/contracts/testing";
import { beforeAll, describe, expect, it } from "vitest";

const CONTRACT = fileURLToPath(new URL("./contract.ts", import.meta.url));
const [alice, bob, carol] = [account(1), account(2), account(3)];
const refused = (message: string) => ({ ok: false, error: { code: "CONTRACT_THREW", message: `Error: ${message}` } });

let engine: ContractEngine;
beforeAll(async () => {
  engine = await ContractEngine.create();
});

/** A token with 1000 units minted to alice. */
async function token(): Promise<ContractHarness> {
  const c = await ContractHarness.fromFile(CONTRACT, { engine });
  expect(c.init({ supply: "1000" }, { caller: alice })).toMatchObject({ ok: true });
  return c;
}

describe("private-token", () => {
  it("mints the supply to the deployer and moves amounts exactly, telling only the recipient", async () => {
    const c = await token();
    expect(c.query({ balance: {} }, { caller: alice })).toMatchObject({ ok: true, output: { balance: "1000" } });
    expect(c.handle({ transfer: { to: bob.hex, amount: "10" } }, { caller: alice })).toMatchObject({
      ok: true,
      output: { balance: "990" },
    });
    expect(
      c.handle({ transfer: { to: carol.hex.toUpperCase().replace("0X", "0x"), amount: "4" } }, { caller: bob }),
    ).toMatchObject({ ok: true, output: { balance: "6" } });
    expect(c.events).toEqual([
      { data: { transfer: { from: alice.hex, to: bob.hex, amount: "10" } }, to: bob.hex },
      { data: { transfer: { from: bob.hex, to: carol.hex, amount: "4" } }, to: carol.hex },
    ]);
    expect(c.query({ balance: { of: carol.hex } }, { caller: carol })).toMatchObject({ output: { balance: "4" } });
    expect(c.query({ totalSupply: {} })).toMatchObject({ ok: true, output: { totalSupply: "1000" } });
  });

  it("is exact beyond 2^53", async () => {
    const c = await ContractHarness.fromFile(CONTRACT, { engine });
    const supply = (2n ** 128n - 1n).toString();
    c.init({ supply }, { caller: alice });
    expect(c.handle({ transfer: { to: bob.hex, amount: "1" } }, { caller: alice })).toMatchObject({
      output: { balance: (2n ** 128n - 2n).toString() },
    });
  });

  it("refuses insufficient balances, bad amounts, bad accounts and malformed inputs, changing nothing", async () => {
    const c = await token();
    const before = new Map(c.storage);
    const transfer = (to: JsonValue, amount: JsonValue) => c.handle({ transfer: { to, amount } }, { caller: alice });
    expect(transfer(bob.hex, "1001")).toMatchObject(refused("insufficient balance"));
    expect(c.handle({ transfer: { to: alice.hex, amount: "1" } }, { caller: bob })).toMatchObject(
      refused("insufficient balance"),
    );
    const badAmount = refused("transfer.amount must be a whole number from 1 to 2^128 - 1, as a decimal string");
    for (const amount of ["0", "-5", "1.5", "01", "1e3", " 10", "", 10, null, (2n ** 128n).toString()])
      expect(transfer(bob.hex, amount)).toMatchObject(badAmount);
    const badAccount = refused("transfer.to must be an account: 0x and 64 hex digits");
    for (const to of [bob.hex.slice(0, 64), `${bob.hex}00`, bob.hex.slice(2), `0x${"g".repeat(64)}`, 1, null])
      expect(transfer(to, "1")).toMatchObject(badAccount);
    expect(c.handle({ transfer: { to: bob.hex } }, { caller: alice })).toMatchObject(badAmount);
    expect(c.handle({ transfer: { to: bob.hex, amount: "1", memo: "x" } }, { caller: alice })).toMatchObject(
      refused('transfer has no field "memo"'),
    );
    expect(c.handle({ mint: {} }, { caller: alice })).toMatchObject(refused('a command has no field "mint"'));
    expect(c.handle({}, { caller: alice })).toMatchObject(refused("a command must be one of { transfer }"));
    expect(c.handle("transfer", { caller: alice })).toMatchObject(refused("a command must be an object"));
    expect(c.storage).toEqual(before);
    expect(c.events).toEqual([]);
  });

  it("refuses malformed init args", async () => {
    const c = await ContractHarness.fromFile(CONTRACT, { engine });
    expect(c.init({ supply: "0" }, { caller: alice })).toMatchObject(
      refused("supply must be a whole number from 1 to 2^128 - 1, as a decimal string"),
    );
    expect(c.init({ supply: 1000 }, { caller: alice })).toMatchObject({ ok: false });
    expect(c.init({ supply: "1000", owner: bob.hex }, { caller: alice })).toMatchObject(
      refused('the init args has no field "owner"'),
    );
    expect(c.storage.size).toBe(0);
  });

  it("shows a balance to its owner only, and none to a query nobody signed", async () => {
    const c = await token();
    c.handle({ transfer: { to: bob.hex, amount: "10" } }, { caller: alice });
    expect(c.query({ balance: { of: alice.hex } }, { caller: bob })).toMatchObject(
      refused("only the owner may read a balance"),
    );
    expect(c.query({ balance: { of: carol.hex } }, { caller: bob })).toMatchObject(
      refused("only the owner may read a balance"),
    );
    expect(c.query({ balance: {} })).toMatchObject(refused("this call needs a caller"));
    expect(c.query({ balance: { of: bob.hex } })).toMatchObject(refused("this call needs a caller"));
    expect(c.query({ balance: {} }, { caller: carol })).toMatchObject({ ok: true, output: { balance: "0" } });
    expect(c.query({ totalSupply: { of: alice.hex } })).toMatchObject(refused('totalSupply has no field "of"'));
    expect(c.query({ balances: {} }, { caller: alice })).toMatchObject(refused('a query has no field "balances"'));
  });

  it("is deterministic: the same calls on two fresh instances leave the same storage", async () => {
    const run = async () => {
      const c = await token();
      c.handle({ transfer: { to: bob.hex, amount: "250" } }, { caller: alice });
      c.handle({ transfer: { to: carol.hex, amount: "250" } }, { caller: bob });
      c.handle({ transfer: { to: carol.hex, amount: "5000" } }, { caller: alice });
      return { storage: c.storage, events: c.events };
    };
    const first = await run();
    expect(first).toEqual(await run());
    expect(first.storage).toEqual(
      new Map([
        ["supply", "1000"],
        [`balance/${alice.hex}`, "750"],
        [`balance/${carol.hex}`, "250"],
      ]),
    );
  });
});
