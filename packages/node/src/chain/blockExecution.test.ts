import { devAccounts, encodeExtrinsic, IMMORTAL_ERA, type Keypair, signExtrinsic, toHex } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { balancesStorage, PHA } from "../pallets/balances.js";
import { createPhalaRuntime } from "../pallets/phalaRuntime.js";
import { systemStorage } from "../pallets/system.js";
import { addressOf } from "../runtime/multiAddress.js";
import type { RuntimeCall } from "../runtime/runtime.js";
import { BlockExecution, type ParentBlock } from "./blockExecution.js";
import { buildGenesisState } from "./genesisState.js";
import { TransactionInvalidError } from "./transactionValidity.js";

const runtime = createPhalaRuntime();
const chain = { genesisHash: new Uint8Array(32).fill(0x42), maxExtrinsicSize: 64 * 1024 };
const sr = devAccounts("sr25519");
const ed = devAccounts("ed25519");
const genesisState = buildGenesisState(runtime, {
  Balances: {
    balances: [
      [sr.Alice.accountId, 1_000n * PHA],
      [ed.Bob.accountId, 1_000n * PHA],
    ],
  },
  Session: { authorities: [[ed.Alice.publicKey, 1n]] },
});
const genesis: ParentBlock = { hash: chain.genesisHash, number: 0, state: genesisState };

const call = (pallet: string, name: string, args: unknown): RuntimeCall => ({
  type: pallet,
  value: { type: name, value: args },
});
const timestampInherent = (ms: bigint) =>
  encodeExtrinsic({ call: runtime.encodeCall(call("Timestamp", "set", { now: ms })) });
const additional = {
  specVersion: 1,
  transactionVersion: 1,
  genesisHash: chain.genesisHash,
  birthHash: chain.genesisHash,
};
const transfer = (
  from: Keypair,
  nonce: number,
  to: Uint8Array,
  value: bigint,
  overrides: Partial<typeof additional> = {},
) =>
  signExtrinsic(
    from,
    runtime.encodeCall(call("Balances", "transferKeepAlive", { dest: addressOf(to), value })),
    { era: IMMORTAL_ERA, nonce, tip: 0n },
    { ...additional, ...overrides },
  );

function newBlock(parent = genesis) {
  const block = new BlockExecution(runtime, chain, parent, []);
  block.apply(block.check(timestampInherent(1_000_000n)));
  return block;
}

describe("block execution", () => {
  it("applies signed transfers from Ed25519 and Sr25519 accounts, burns fees, and replays to the same roots", () => {
    const block = newBlock();
    const charlie = sr.Charlie.accountId;
    for (let nonce = 0; nonce < 3; nonce++) {
      block.apply(block.check(transfer(sr.Alice, nonce, charlie, PHA)));
      block.apply(block.check(transfer(ed.Bob, nonce, charlie, PHA)));
    }
    const built = block.finalize();
    const account = (who: Uint8Array) => systemStorage.Account.get(built.state, who);
    expect(account(charlie).data.free).toBe(6n * PHA);
    expect(account(sr.Alice.accountId).nonce).toBe(3);
    expect(account(ed.Bob.accountId).nonce).toBe(3);
    const fees = built.outcomes.reduce((sum, o) => sum + o.fee, 0n);
    expect(fees).toBeGreaterThan(0n);
    const issuance = balancesStorage.TotalIssuance.get(built.state);
    expect(issuance).toBe(2_000n * PHA - fees);
    const total = [sr.Alice.accountId, ed.Bob.accountId, charlie].reduce(
      (sum, who) => sum + account(who).data.free,
      0n,
    );
    expect(total).toBe(issuance);

    const replay = new BlockExecution(runtime, chain, genesis, []);
    for (const xt of built.extrinsics) replay.apply(replay.check(xt));
    const again = replay.finalize();
    expect(again.header).toEqual(built.header);
    expect(toHex(again.state.root())).toBe(built.header.stateRoot);
  });

  it("rejects invalid extrinsics with a typed error and leaves the block untouched", () => {
    const block = newBlock();
    block.apply(block.check(transfer(sr.Alice, 0, ed.Bob.accountId, PHA)));
    const before = block.exec.state.changes();
    const events = block.exec.events.length;
    const rejected: [Uint8Array, string][] = [
      [transfer(sr.Alice, 0, ed.Bob.accountId, PHA), "Stale"],
      [transfer(sr.Alice, 5, ed.Bob.accountId, PHA), "Future"],
      [transfer(sr.Alice, 1, ed.Bob.accountId, PHA, { genesisHash: new Uint8Array(32) }), "BadProof"],
      [transfer(sr.Alice, 1, ed.Bob.accountId, PHA, { specVersion: 2 }), "BadProof"],
      [transfer(sr.Charlie, 0, ed.Bob.accountId, PHA), "Payment"],
    ];
    for (const [xt, reason] of rejected) {
      let error: unknown;
      try {
        block.apply(block.check(xt));
      } catch (e) {
        error = e;
      }
      expect(error, reason).toBeInstanceOf(TransactionInvalidError);
      expect((error as TransactionInvalidError).reason).toBe(reason);
    }
    const tampered = transfer(sr.Alice, 1, ed.Bob.accountId, PHA);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => block.check(tampered)).toThrowError(TransactionInvalidError);
    expect(() => block.check(Uint8Array.of(0x10, 0x84, 1, 2))).toThrowError(
      expect.objectContaining({ name: "ScaleDecodeError" }),
    );
    expect(() => block.check(encodeExtrinsic({ call: Uint8Array.of(77, 1) }))).toThrowError(
      expect.objectContaining({ code: "CALL_UNDECODABLE" }),
    );
    expect(block.exec.state.changes()).toEqual(before);
    expect(block.exec.events.length).toBe(events);
    expect(block.count).toBe(2);
  });

  it("keeps the fee and nonce of a call that fails, and reports ExtrinsicFailed", () => {
    const block = newBlock();
    const outcome = block.apply(block.check(transfer(sr.Alice, 0, sr.Dave.accountId, 5_000n * PHA)));
    expect(outcome.dispatchError?.type).toBe("Module");
    const built = block.finalize();
    expect(systemStorage.Account.get(built.state, sr.Alice.accountId).nonce).toBe(1);
    expect(systemStorage.Account.get(built.state, sr.Alice.accountId).data.free).toBe(1_000n * PHA - outcome.fee);
    const names = runtime.systemEvents
      .get(built.state)
      .map((r) => `${r.event.type}.${(r.event.value as { type: string }).type}`);
    expect(names).toContain("System.ExtrinsicFailed");
    expect(names).toContain("TransactionPayment.TransactionFeePaid");
  });

  it("refuses a block without its timestamp", () => {
    const block = new BlockExecution(runtime, chain, genesis, []);
    expect(() => block.finalize()).toThrow(/Timestamp/);
  });
});
