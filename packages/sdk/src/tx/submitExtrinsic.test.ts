import { decodeExtrinsic, devAccounts, fromHex, toHex, verifyExtrinsicSignature } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { asyncErrorCodeOf } from "../../../core/src/testing/errorCode.test-util.js";
import type { ChainContext } from "../chain/chainContext.js";
import { nodeMetadata, runtime } from "../nodeMetadata.test-util.js";
import { type FakeConnection, FakeRpcError, fakeNode } from "../rpc/fakeNode.test-util.js";
import { RpcSocket } from "../rpc/rpcSocket.js";
import { isSdkError } from "../sdkError.js";
import { KeyedLock } from "./accountLock.js";
import { submitExtrinsic } from "./submitExtrinsic.js";
import { submissionError } from "./txErrors.js";
import { parseTxStatus } from "./txStatus.js";

const { Alice, Bob } = devAccounts("sr25519");
const GENESIS = toHex(new Uint8Array(32).fill(0x11));
const hashOf = (n: number) => toHex(new Uint8Array(32).fill(n));
const dispatchInfo = { weight: { refTime: 1n, proofSize: 0n }, class: { type: "Normal" }, paysFee: { type: "Yes" } };
const call = nodeMetadata.encodeCall("Balances", "transfer_keep_alive", { dest: Bob.accountId, value: 1n });

function eventsFor(index: number, failed: boolean): string {
  const outcome = failed
    ? {
        type: "ExtrinsicFailed",
        value: {
          dispatchError: { type: "Module", value: { index: 2, error: Uint8Array.of(2, 0, 0, 0) } },
          dispatchInfo,
        },
      }
    : { type: "ExtrinsicSuccess", value: { dispatchInfo } };
  return toHex(
    runtime.encodeEvents([
      {
        phase: { type: "ApplyExtrinsic", value: index },
        event: { type: "Balances", value: { type: "Withdraw", value: { who: Alice.accountId, amount: 3n } } },
        topics: [],
      },
      { phase: { type: "ApplyExtrinsic", value: index }, event: { type: "System", value: outcome }, topics: [] },
    ] as never),
  );
}

type Script = (connection: FakeConnection, id: string) => void;

/** A node whose pool answers `script` to each submission; blocks hold the submitted extrinsic at index 1. */
async function harness(options: { script?: Script; failed?: boolean; refuse?: FakeRpcError } = {}) {
  const submitted: string[] = [];
  let nonce = 5;
  const node = await fakeNode({
    system_accountNextIndex: () => nonce,
    chain_getHeader: () => ({ number: "0xa", parentHash: hashOf(9) }),
    chain_getBlockHash: (params) => hashOf(Number(params[0] ?? 10)),
    author_submitAndWatchExtrinsic: (params, connection) => {
      if (options.refuse !== undefined) return options.refuse;
      submitted.push(String(params[0]));
      nonce += 1;
      const id = `watch-${submitted.length}`;
      setImmediate(() => (options.script ?? finalizes)(connection, id));
      return id;
    },
    author_unwatchExtrinsic: () => true,
    chain_getBlock: () => ({ block: { header: { number: "0xb" }, extrinsics: ["0x1234", submitted.at(-1)] } }),
    state_getStorage: () => eventsFor(1, options.failed ?? false),
  });
  const rpc = await RpcSocket.connect(node.url, { requestTimeoutMs: 2_000 });
  const ctx: ChainContext = {
    rpc,
    metadata: nodeMetadata,
    genesisHash: GENESIS,
    runtimeVersion: { specName: "phala-ts", specVersion: 1, transactionVersion: 1 },
  };
  return { node, rpc, ctx, submitted, lock: new KeyedLock() };
}

const finalizes: Script = (connection, id) => {
  connection.notify("author_extrinsicUpdate", id, "ready");
  connection.notify("author_extrinsicUpdate", id, { inBlock: hashOf(0xbb) });
  connection.notify("author_extrinsicUpdate", id, { finalized: hashOf(0xbb) });
};

describe("submitting a transaction", () => {
  it("signs at the node's nonce with a mortal era, reports each status and resolves with its events once finalized", async () => {
    const { ctx, rpc, submitted, lock } = await harness();
    const statuses: string[] = [];
    const result = await submitExtrinsic(ctx, lock, Alice, call, { onStatus: (s) => statuses.push(s.type) });
    expect(statuses).toEqual(["ready", "inBlock", "finalized"]);
    const xt = decodeExtrinsic(fromHex(submitted[0]!));
    expect(xt.call).toEqual(call);
    expect(xt.signed?.extra.nonce).toBe(5);
    // mortalEra(64, 10): valid from block 10, whose hash is the birth hash signed over.
    expect(xt.signed?.extra.era).toEqual({ type: "Mortal", period: 64, phase: 10 });
    expect(
      verifyExtrinsicSignature(xt, {
        specVersion: 1,
        transactionVersion: 1,
        genesisHash: fromHex(GENESIS),
        birthHash: fromHex(hashOf(10)),
      }),
    ).toBe(true);
    expect(result).toMatchObject({ ok: true, blockHash: hashOf(0xbb), blockNumber: 11, index: 1 });
    expect(result.events.map((e) => `${e.pallet}.${e.name}`)).toEqual(["Balances.Withdraw", "System.ExtrinsicSuccess"]);
    expect(result.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    await rpc.close();
  });

  it("resolves at inBlock when asked, and signs immortal transactions over the genesis hash", async () => {
    const { ctx, rpc, submitted, lock } = await harness({
      script: (connection, id) => connection.notify("author_extrinsicUpdate", id, { inBlock: hashOf(0xbb) }),
    });
    const result = await submitExtrinsic(ctx, lock, Alice, call, {
      waitFor: "inBlock",
      mortality: "immortal",
      nonce: 42,
    });
    expect(result.blockHash).toBe(hashOf(0xbb));
    const xt = decodeExtrinsic(fromHex(submitted[0]!));
    expect(xt.signed?.extra).toMatchObject({ nonce: 42, era: { type: "Immortal" } });
    await rpc.close();
  });

  it("rejects with TX_FAILED naming the module error from metadata", async () => {
    const { ctx, rpc, lock } = await harness({ failed: true });
    const error = await submitExtrinsic(ctx, lock, Alice, call).catch((e: unknown) => e);
    expect(isSdkError(error, "TX_FAILED")).toBe(true);
    expect((error as Error).message).toContain("Balances.InsufficientBalance");
    expect((error as { details: unknown }).details).toMatchObject({
      error: "Balances.InsufficientBalance",
      pallet: "Balances",
      blockHash: hashOf(0xbb),
      blockNumber: 11,
    });
    await rpc.close();
  });

  it("rejects with TX_INVALID and the node's reason when the pool refuses", async () => {
    const { ctx, rpc, lock } = await harness({
      refuse: new FakeRpcError(1010, "Invalid Transaction: inability to pay some fees", "Payment"),
    });
    const error = await submitExtrinsic(ctx, lock, Alice, call).catch((e: unknown) => e);
    expect(isSdkError(error, "TX_INVALID")).toBe(true);
    expect((error as { details: unknown }).details).toMatchObject({ reason: "Payment", rpcCode: 1010 });
    expect((error as Error).message).toMatch(/Payment \(the account cannot pay the fee\)/);
    await rpc.close();
  });

  it("rejects when the pool drops, replaces or invalidates it, and on timeout", async () => {
    for (const [status, code, reason] of [
      ["dropped", "TX_DROPPED", "dropped"],
      [{ usurped: hashOf(3) }, "TX_DROPPED", "usurped"],
      ["invalid", "TX_INVALID", "invalid"],
    ] as const) {
      const { ctx, rpc, lock } = await harness({
        script: (connection, id) => {
          connection.notify("author_extrinsicUpdate", id, "ready");
          connection.notify("author_extrinsicUpdate", id, status);
        },
      });
      const error = await submitExtrinsic(ctx, lock, Alice, call).catch((e: unknown) => e);
      expect(isSdkError(error, code), JSON.stringify(status)).toBe(true);
      expect((error as { details: { reason: string } }).details.reason).toBe(reason);
      await rpc.close();
    }
    const { ctx, rpc, lock } = await harness({ script: (c, id) => c.notify("author_extrinsicUpdate", id, "ready") });
    expect(await asyncErrorCodeOf(() => submitExtrinsic(ctx, lock, Alice, call, { timeoutMs: 100 }))).toBe(
      "TX_TIMEOUT",
    );
    await rpc.close();
  });

  it("hands one signer's concurrent transactions to the pool one after the other, at consecutive nonces", async () => {
    const { ctx, rpc, submitted, lock, node } = await harness();
    await Promise.all([1, 2, 3].map(() => submitExtrinsic(ctx, lock, Alice, call, { waitFor: "inBlock" })));
    expect(submitted.map((hex) => decodeExtrinsic(fromHex(hex)).signed?.extra.nonce)).toEqual([5, 6, 7]);
    const order = node.calls
      .map((c) => c.method)
      .filter((m) => m === "system_accountNextIndex" || m === "author_submitAndWatchExtrinsic");
    expect(order).toEqual([
      "system_accountNextIndex",
      "author_submitAndWatchExtrinsic",
      "system_accountNextIndex",
      "author_submitAndWatchExtrinsic",
      "system_accountNextIndex",
      "author_submitAndWatchExtrinsic",
    ]);
    await rpc.close();
  });
});

describe("transaction statuses and refusals", () => {
  it("reads Substrate's status shapes", () => {
    expect(parseTxStatus("ready")).toEqual({ type: "ready" });
    expect(parseTxStatus({ inBlock: "0xab" })).toEqual({ type: "inBlock", blockHash: "0xab" });
    expect(parseTxStatus({ finalized: "0xab" })).toEqual({ type: "finalized", blockHash: "0xab" });
    expect(parseTxStatus({ usurped: null })).toEqual({ type: "usurped", by: undefined });
    expect(parseTxStatus({ broadcast: ["peer"] })).toEqual({ type: "broadcast" });
    expect(parseTxStatus("unheard-of")).toBeUndefined();
    expect(parseTxStatus(7)).toBeUndefined();
  });

  it("maps the pool's JSON-RPC refusals to TX_INVALID and leaves other errors alone", async () => {
    const { SdkError } = await import("../sdkError.js");
    const nodeError = (rpcCode: number, data?: unknown) =>
      new SdkError("NODE_ERROR", "x", { method: "author_submitAndWatchExtrinsic", rpcCode, rpcMessage: "m", data });
    expect(submissionError(nodeError(1014), "0x1")).toMatchObject({
      code: "TX_INVALID",
      details: { reason: "PriorityTooLow" },
    });
    expect(submissionError(nodeError(1016), "0x1")).toMatchObject({
      code: "TX_INVALID",
      details: { reason: "ImmediatelyDropped" },
    });
    expect(submissionError(nodeError(1001), "0x1")).toMatchObject({
      code: "TX_INVALID",
      details: { reason: "BadFormat" },
    });
    expect(submissionError(nodeError(1010, "Stale"), "0x1")).toMatchObject({
      code: "TX_INVALID",
      details: { reason: "Stale" },
    });
    expect(submissionError(nodeError(-32602), "0x1")).toMatchObject({ code: "NODE_ERROR" });
    const other = new Error("boom");
    expect(submissionError(other, "0x1")).toBe(other);
  });
});
