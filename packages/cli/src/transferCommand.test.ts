import type { ChainEvent, TxResult } from "@phala-ts/sdk";
import { describe, expect, it } from "vitest";
import { jsonText } from "./jsonOutput.js";
import { transferJson } from "./transferCommand.js";

const hash = (n: number) => `0x${n.toString(16).padStart(2, "0").repeat(32)}`;
const txHash = hash(0xee);

const event = (pallet: string, name: string, data: unknown): ChainEvent =>
  ({ pallet, name, data, phase: { type: "ApplyExtrinsic", index: 1 }, topics: [] }) as ChainEvent;

describe("transfer output", () => {
  it("prints the transfer as JSON: planck and fee as decimal strings, the transaction's events", () => {
    const events = [
      event("Balances", "Transfer", { from: "a", to: "b", amount: 5n }),
      event("TransactionPayment", "TransactionFeePaid", { who: "a", actual_fee: 123n, tip: 0n }),
      event("System", "ExtrinsicSuccess", {}),
    ];
    const result: TxResult = { ok: true, txHash, blockHash: hash(1), blockNumber: 7, index: 1, events };
    const json = JSON.parse(
      jsonText(transferJson({ from: "a", to: "b", amount: 5n, waitedFor: "finalized", result, statuses: [] })),
    );
    expect(json).toEqual({
      from: "a",
      to: "b",
      amount: "5",
      status: "finalized",
      txHash,
      blockHash: hash(1),
      blockNumber: 7,
      index: 1,
      fee: "123",
      statuses: [],
      events: [
        { pallet: "Balances", name: "Transfer", data: { from: "a", to: "b", amount: "5" } },
        { pallet: "TransactionPayment", name: "TransactionFeePaid", data: { who: "a", actual_fee: "123", tip: "0" } },
        { pallet: "System", name: "ExtrinsicSuccess", data: {} },
      ],
    });
  });
});
