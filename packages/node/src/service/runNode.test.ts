import {
  devAccounts,
  ed25519Generate,
  encodeMessageOrigin,
  IMMORTAL_ERA,
  type Keypair,
  signExtrinsic,
  signMessage,
  toHex,
  topicFromString,
} from "@phala-ts/core";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { useTempDirs } from "../../../core/src/testing/tempDirs.test-util.js";
import { devSpec } from "../chain/chainSpec.js";
import { createPhalaRuntime } from "../pallets/phalaRuntime.js";
import { addressOf } from "../runtime/multiAddress.js";
import { type RunningNode, startNode } from "./runNode.js";

const tempDir = useTempDirs("phala-run-node-");
const runtime = createPhalaRuntime();
const alice = devAccounts("sr25519").Alice;
let node: RunningNode | undefined;

afterEach(async () => {
  await node?.stop();
  node = undefined;
});

/** A node that serves RPC but produces no blocks, so whatever is submitted stays in the pool. */
async function idleNode() {
  node = await startNode({
    spec: devSpec(),
    basePath: tempDir(),
    rpcHost: "127.0.0.1",
    rpcPort: 0,
    author: undefined,
    pruning: undefined,
    logger: pino({ level: "silent" }),
  });
  const { url } = node.rpc;
  const genesisHash = node.chain.genesis.hash;
  const rpc = async <T>(method: string, params: unknown[]): Promise<T> => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const reply = (await response.json()) as { result?: T; error?: { message: string } };
    if (reply.error !== undefined) throw new Error(reply.error.message);
    return reply.result as T;
  };
  const sign = (call: Uint8Array, nonce: number, from: Keypair = alice) =>
    toHex(
      signExtrinsic(
        from,
        call,
        { era: IMMORTAL_ERA, nonce, tip: 0n },
        { specVersion: 1, transactionVersion: 1, genesisHash, birthHash: genesisHash },
      ),
    );
  return { rpc, sign };
}

describe("startNode's RPC for pherry", () => {
  it("pha_getMqNextSequence counts a sender's messages waiting in the pool", async () => {
    const { rpc, sign } = await idleNode();
    const { keypair: worker } = ed25519Generate();
    const sender = { type: "Worker" as const, value: worker.publicKey };
    const next = () => rpc<number>("pha_getMqNextSequence", [toHex(encodeMessageOrigin(sender))]);
    const sync = (sequence: bigint, nonce: number) => {
      const message = { sender, destination: topicFromString("phala/test"), payload: Uint8Array.of(Number(sequence)) };
      const signedMessage = signMessage(worker, message, sequence);
      const call = runtime.encodeCall({
        type: "PhalaMq",
        value: { type: "syncOffchainMessage", value: { signedMessage } },
      });
      return rpc("author_submitExtrinsic", [sign(call, nonce)]);
    };
    expect(await next()).toBe(0);
    await sync(0n, 0);
    expect(await next()).toBe(1);
    await sync(1n, 1);
    expect(await next()).toBe(2);
    expect(node?.chain.best.number).toBe(0);
  });

  it("system_dryRun says what an extrinsic would do and commits nothing", async () => {
    const { rpc, sign } = await idleNode();
    const bob = devAccounts("sr25519").Bob.accountId;
    const transfer = (value: bigint) =>
      runtime.encodeCall({
        type: "Balances",
        value: { type: "transferKeepAlive", value: { dest: addressOf(bob), value } },
      });
    const rootOnly = runtime.encodeCall({
      type: "PhalaRegistry",
      value: { type: "addPruntime", value: { measurement: new Uint8Array(32) } },
    });
    const stateRoot = toHex(node!.chain.bestState.root());
    // Ok(Ok(())), Ok(Err(BadOrigin)), Err(Invalid(Stale)).
    expect(await rpc("system_dryRun", [sign(transfer(10n ** 12n), 0)])).toBe("0x0000");
    expect(await rpc("system_dryRun", [sign(rootOnly, 0)])).toBe("0x000102");
    expect(await rpc("system_dryRun", [sign(transfer(1n), 5)])).toBe("0x010002");
    await expect(rpc("system_dryRun", ["0x0102"])).rejects.toThrow(/invalid format/);
    expect(toHex(node!.chain.bestState.root())).toBe(stateRoot);
  });
});
