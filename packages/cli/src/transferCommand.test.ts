import type { ChainEvent, TxResult } from "@phala-ts/sdk";
import { afterEach, describe, expect, it, vi } from "vitest";
import { jsonText } from "./jsonOutput.js";
import { captureOutput } from "./outputCapture.test-util.js";
import { feeOf, StatusFeed, statusLine, transferJson } from "./transferCommand.js";

const hash = (n: number) => `0x${n.toString(16).padStart(2, "0").repeat(32)}`;
const txHash = hash(0xee);

const event = (pallet: string, name: string, data: unknown): ChainEvent =>
  ({ pallet, name, data, phase: { type: "ApplyExtrinsic", index: 1 }, topics: [] }) as ChainEvent;

describe("transfer output", () => {
  afterEach(() => vi.restoreAllMocks());

  it("prints a line per status: submitted, in block #n, finalized", () => {
    expect(statusLine({ type: "ready", txHash })).toBe(`submitted:              ${txHash}`);
    expect(statusLine({ type: "inBlock", txHash, blockHash: hash(1), blockNumber: 12 })).toBe(
      `in block:               #12 ${hash(1)}`,
    );
    expect(statusLine({ type: "finalized", txHash, blockHash: hash(1), blockNumber: 12 })).toBe(
      `finalized:              #12 ${hash(1)}`,
    );
    expect(statusLine({ type: "retracted", txHash, blockHash: hash(1) })).toMatch(
      /^retracted: +#\? 0x(01){32} \(no longer/,
    );
    expect(statusLine({ type: "dropped", txHash })).toBeUndefined();
  });

  it("numbers each status's block and prints them in the order they came, however the lookups finish", async () => {
    const output = captureOutput();
    const lookups: Record<string, { resolve: (n: number) => void }> = {};
    const client = {
      blockNumber: (blockHash: string) =>
        new Promise<number>((resolve) => {
          lookups[blockHash] = { resolve };
        }),
    };
    const feed = new StatusFeed(client, false);
    feed.onStatus({ type: "ready", txHash });
    feed.onStatus({ type: "inBlock", txHash, blockHash: hash(1) });
    feed.onStatus({ type: "finalized", txHash, blockHash: hash(2) });
    lookups[hash(2)]!.resolve(8);
    lookups[hash(1)]!.resolve(7);
    await feed.settled();
    expect(output.out.split("\n")).toEqual([
      `submitted:              ${txHash}`,
      `in block:               #7 ${hash(1)}`,
      `finalized:              #8 ${hash(2)}`,
      "",
    ]);
    expect(feed.statuses.map((status) => status.blockNumber)).toEqual([undefined, 7, 8]);
  });

  it("keeps statuses out of stdout with --json, and still lists them", async () => {
    const output = captureOutput();
    const feed = new StatusFeed({ blockNumber: async () => Promise.reject(new Error("gone")) }, true);
    feed.onStatus({ type: "inBlock", txHash, blockHash: hash(3) });
    await feed.settled();
    expect(output.out).toBe("");
    expect(feed.statuses).toEqual([{ type: "inBlock", txHash, blockHash: hash(3) }]);
  });

  it("prints the transfer as JSON: planck and fee as decimal strings, the transaction's events", () => {
    const events = [
      event("Balances", "Transfer", { from: "a", to: "b", amount: 5n }),
      event("TransactionPayment", "TransactionFeePaid", { who: "a", actual_fee: 123n, tip: 0n }),
      event("System", "ExtrinsicSuccess", {}),
    ];
    expect(feeOf(events)).toBe(123n);
    expect(feeOf(events.slice(0, 1))).toBeUndefined();
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
