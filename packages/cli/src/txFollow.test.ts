import type { ChainEvent, TxResult } from "@phala-ts/sdk";
import { afterEach, describe, expect, it, vi } from "vitest";
import { jsonText } from "./jsonOutput.js";
import { captureOutput } from "./outputCapture.test-util.js";
import { feeLine, feeOf, followedJson, followTx, StatusFeed, statusLine } from "./txFollow.js";

const hash = (n: number) => `0x${n.toString(16).padStart(2, "0").repeat(32)}`;
const txHash = hash(0xee);

const event = (pallet: string, name: string, data: unknown): ChainEvent =>
  ({ pallet, name, data, phase: { type: "ApplyExtrinsic", index: 1 }, topics: [] }) as ChainEvent;

/** A node whose block numbers come only when the test says so. */
function slowNumbers() {
  const lookups: Record<string, (n: number) => void> = {};
  const client = {
    blockNumber: (blockHash: string) =>
      new Promise<number>((resolve) => {
        lookups[blockHash] = resolve;
      }),
  };
  return { client, lookups };
}

const events = [
  event("Balances", "Transfer", { from: "a", to: "b", amount: 5n }),
  event("TransactionPayment", "TransactionFeePaid", { who: "a", actual_fee: 1_500_000n, tip: 0n }),
];
const result: TxResult = { ok: true, txHash, blockHash: hash(1), blockNumber: 7, index: 1, events };

describe("following a transaction", () => {
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
    const { client, lookups } = slowNumbers();
    const feed = new StatusFeed(client, false);
    feed.onStatus({ type: "ready", txHash });
    feed.onStatus({ type: "inBlock", txHash, blockHash: hash(1) });
    feed.onStatus({ type: "finalized", txHash, blockHash: hash(2) });
    lookups[hash(2)]!(8);
    lookups[hash(1)]!(7);
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

  it("sends with the status waited for and returns the result with its statuses once they are printed", async () => {
    const output = captureOutput();
    const { client, lookups } = slowNumbers();
    const sent: unknown[] = [];
    const followed = followTx(client, "inBlock", false, async (options) => {
      sent.push(options.waitFor);
      options.onStatus({ type: "ready", txHash });
      options.onStatus({ type: "inBlock", txHash, blockHash: hash(1) });
      setTimeout(() => lookups[hash(1)]!(7), 5);
      return result;
    });
    expect(await followed).toEqual({
      waitedFor: "inBlock",
      result,
      statuses: [
        { type: "ready", txHash },
        { type: "inBlock", txHash, blockHash: hash(1), blockNumber: 7 },
      ],
    });
    expect(sent).toEqual(["inBlock"]);
    expect(output.out).toBe(`submitted:              ${txHash}\nin block:               #7 ${hash(1)}\n`);
  });

  it("fails with the sending's error only after the statuses that came are printed", async () => {
    const output = captureOutput();
    const { client, lookups } = slowNumbers();
    const refused = new Error("refused");
    let failed = false;
    const followed = followTx(client, "finalized", false, async ({ onStatus }) => {
      onStatus({ type: "inBlock", txHash, blockHash: hash(1) });
      throw refused;
    }).catch((error: unknown) => {
      failed = true;
      return error;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(failed).toBe(false);
    lookups[hash(1)]!(7);
    expect(await followed).toBe(refused);
    expect(output.out).toBe(`in block:               #7 ${hash(1)}\n`);
  });

  it("reads the fee from TransactionPayment.TransactionFeePaid, and says when none is reported", () => {
    expect(feeOf(events)).toBe(1_500_000n);
    expect(feeOf(events.slice(0, 1))).toBeUndefined();
    expect(feeLine(events)).toBe("fee:                    0.0000015 PHA");
    expect(feeLine([])).toBe("fee:                    not reported");
  });

  it("gives the transaction's JSON: the status waited for, the block, the fee (null when none) and the events", () => {
    const statuses = [{ type: "inBlock", txHash, blockHash: hash(1), blockNumber: 7 }] as const;
    expect(JSON.parse(jsonText(followedJson({ waitedFor: "inBlock", result, statuses })))).toEqual({
      status: "inBlock",
      txHash,
      blockHash: hash(1),
      blockNumber: 7,
      index: 1,
      fee: "1500000",
      statuses,
      events: [
        { pallet: "Balances", name: "Transfer", data: { from: "a", to: "b", amount: "5" } },
        {
          pallet: "TransactionPayment",
          name: "TransactionFeePaid",
          data: { who: "a", actual_fee: "1500000", tip: "0" },
        },
      ],
    });
    expect(followedJson({ waitedFor: "finalized", result: { ...result, events: [] }, statuses: [] })).toMatchObject({
      fee: null,
      events: [],
    });
  });
});
