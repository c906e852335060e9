import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  blake2_256Parts,
  decodeExact,
  devAccounts,
  dispatchBlocksRequestCodec,
  encodeMessage,
  type Message,
  messageCodec,
  phalaTopic,
  storageKey,
  syncHeaderRequestCodec,
  toHex,
} from "@phala-ts/core";
import { Vector } from "@polkadot-api/substrate-bindings";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devSpec, specToJson } from "../../packages/node/src/chain/chainSpec.js";
import { PHA } from "../../packages/node/src/pallets/balances.js";
import { chainInfo, runtime, signed, transferCall, until } from "./chainHelpers.test-util.js";
import {
  type NodeProcess,
  type PhalaProcess,
  spawnNode,
  spawnPRuntime,
  tempBasePath,
} from "./nodeProcess.test-util.js";
import {
  type BlockSource,
  blockSourceOf,
  initFromGenesis,
  PRuntimeClient,
  refusalOf,
  relay,
} from "./pruntimeRelay.test-util.js";
import { RpcClient } from "./rpcClient.test-util.js";

const BLOCKS = 1000;
const sr = devAccounts("sr25519");
const messagesCodec = Vector(messageCodec);

describe("phala pruntime against a real node", () => {
  const base = tempBasePath();
  let node: NodeProcess;
  let rpc: RpcClient;
  let source: BlockSource;
  const processes: PhalaProcess[] = [];
  let submitted = { transfers: 0, messages: 0 };
  let steady: PRuntimeClient | undefined;

  beforeAll(async () => {
    const specPath = join(base.path, "spec.json");
    writeFileSync(specPath, JSON.stringify(specToJson({ ...devSpec(), blockTimeMs: 10 })));
    node = await spawnNode([
      "--chain",
      specPath,
      "--base-path",
      join(base.path, "node"),
      "--validator",
      "--key",
      "//Alice",
    ]);
    rpc = await RpcClient.connect(node.wsUrl);
    source = blockSourceOf(node.url);
    const chain = await chainInfo(rpc);
    // Transfers and queued messages stream in while the chain grows to BLOCKS blocks.
    let nonce = 0;
    while (Number((await rpc.call<{ number: string }>("chain_getHeader")).number) < BLOCKS - 100) {
      const batch = [
        signed(sr.Alice, transferCall(sr.Bob.accountId, PHA), nonce, chain),
        signed(sr.Charlie, transferCall(sr.Dave.accountId, PHA), nonce, chain),
        signed(sr.Bob, pushMessageCall(nonce), nonce, chain),
      ];
      await Promise.all(batch.map((xt) => rpc.call("author_submitExtrinsic", [toHex(xt)])));
      submitted = { transfers: submitted.transfers + 2, messages: submitted.messages + 1 };
      nonce++;
      await new Promise((r) => setTimeout(r, 40));
    }
    await until(
      async () => {
        const head = await rpc.call<string>("chain_getFinalizedHead");
        const { number } = await rpc.call<{ number: string }>("chain_getHeader", [head]);
        return Number(number) >= BLOCKS ? true : undefined;
      },
      120_000,
      `${BLOCKS} finalized blocks`,
    );
  }, 240_000);

  afterAll(async () => {
    for (const p of processes) await p.stop();
    rpc?.close();
    await node?.stop();
    base.remove();
  });

  async function startPRuntime(dataDir: string, ...args: string[]) {
    const p = await spawnPRuntime(["--data-dir", join(base.path, dataDir), ...args]);
    processes.push(p);
    return { process: p, client: new PRuntimeClient(p.url) };
  }

  /**
   * The digest pRuntime keeps of delivered messages, recomputed from the node's change sets: a
   * block's queue is in its changes whenever it has messages (the queue is cleared each block).
   */
  async function expectedMessages(to: number) {
    const key = toHex(storageKey("PhalaMq", "OutboundMessages"));
    let digest: Uint8Array = new Uint8Array(32);
    const all: Message[] = [];
    for (let from = 1; from <= to; from += 256) {
      for (const block of await source.blocks(from, Math.min(to, from + 255))) {
        const queued = block.changes.find(([k]) => toHex(k) === key)?.[1];
        for (const message of queued === undefined ? [] : decodeExact(messagesCodec.dec, queued, "messages")) {
          digest = blake2_256Parts([digest, encodeMessage(message)]);
          all.push(message);
        }
      }
    }
    return { count: all.length, digest: toHex(digest), payloads: all.map((m) => m.payload[0]) };
  }

  it(`syncs ${BLOCKS} blocks with transfers and messages; the state root is the node's at every block`, async () => {
    const { client } = await startPRuntime("steady", "--checkpoint-every", "250");
    steady = client;
    await initFromGenesis(source, client);
    const roots: [number, string][] = [];
    // Single blocks first, then uneven batches: every batch end is compared with the node.
    const check = async (_: unknown, last: { number: number; stateRoot: string }) => {
      const info = await client.info();
      roots.push([last.number, String(info.stateRoot)]);
      expect(info.dispatchedHeight).toBe(last.number);
      expect(info.stateRoot).toBe(last.stateRoot);
    };
    await relay(source, client, 1, 30, { batch: 1, onBatch: check });
    await relay(source, client, 31, BLOCKS, { batch: 97, onBatch: check });
    expect(roots.length).toBeGreaterThan(30);

    const expected = await expectedMessages(BLOCKS);
    const info = await client.info();
    expect(submitted.messages).toBeGreaterThan(100);
    expect(expected.count).toBe(submitted.messages);
    expect(info["messages"]).toEqual({ count: String(expected.count), digest: expected.digest });
    // Messages were queued with payloads 0, 1, 2, …: in order.
    expect(expected.payloads).toEqual(expected.payloads.map((_, i) => i % 256));
  }, 240_000);

  it("rejects forged input over HTTP with typed errors and keeps its height and root", async () => {
    const { client } = await startPRuntime("rejects", "--body-limit", "200000");
    await initFromGenesis(source, client);
    await relay(source, client, 1, 5);
    const before = await client.info();
    const reject = (path: string, body: Uint8Array) => refusalOf(() => client.post(path, body));
    const [block6, block7] = await source.blocks(6, 7);
    const sync = (headers: Uint8Array[], justification: Uint8Array | undefined) =>
      syncHeaderRequestCodec.enc({ headers, justification });
    expect(await reject("sync-header", sync([block7!.bytes], await source.justification(7)))).toEqual([
      400,
      "LIGHT_CLIENT_HEADER_NOT_LINKED",
    ]);
    expect(await reject("sync-header", sync([block6!.bytes], undefined))).toEqual([
      400,
      "LIGHT_CLIENT_NO_JUSTIFICATION",
    ]);
    expect(await reject("sync-header", sync([block6!.bytes], await source.justification(5)))).toEqual([
      400,
      "JUSTIFICATION_WRONG_TARGET",
    ]);
    expect(await reject("sync-header", new Uint8Array(300_000))).toEqual([413, "API_BODY_TOO_LARGE"]);
    await client.post("sync-header", sync([block6!.bytes], await source.justification(6)));
    const tampered = block6!.changes.map(([k, v], i) => [k, i === 0 ? Uint8Array.of(1) : v] as typeof v & never);
    expect(
      await reject("dispatch-blocks", dispatchBlocksRequestCodec.enc({ blocks: [{ number: 6, changes: tampered }] })),
    ).toEqual([400, "DISPATCH_STATE_ROOT_MISMATCH"]);
    expect(
      await reject("dispatch-blocks", dispatchBlocksRequestCodec.enc({ blocks: [{ number: 5, changes: [] }] })),
    ).toEqual([400, "DISPATCH_BLOCK_REPEATED"]);
    const after = await client.info();
    expect({ ...after, syncedHeight: before.syncedHeight }).toEqual(before);
  });

  it("resumes after kill -9 while syncing and ends at the same state as a pRuntime that never stopped", async () => {
    const first = await startPRuntime("crash", "--checkpoint-every", "100");
    await initFromGenesis(source, first.client);
    // Killed as soon as 500 blocks are in, while the relay keeps sending.
    const killAt500 = (status: { dispatchedHeight: number }) => {
      if (status.dispatchedHeight >= 500) first.process.child.kill("SIGKILL");
    };
    const relaying = relay(source, first.client, 1, BLOCKS, { batch: 40, onBatch: killAt500 });
    await expect(relaying).rejects.toThrow();
    await first.process.exited;

    const again = await startPRuntime("crash", "--checkpoint-every", "100");
    const resumed = await again.client.info();
    expect(resumed.initialized).toBe(true);
    expect(resumed.dispatchedHeight).toBeGreaterThanOrEqual(400);
    expect(resumed.dispatchedHeight).toBeLessThan(BLOCKS);
    await relay(source, again.client, resumed.dispatchedHeight + 1, BLOCKS, { batch: 100 });

    const [crashed, reference] = await Promise.all([again.client.info(), steady!.info()]);
    expect(reference.dispatchedHeight).toBe(BLOCKS);
    expect(crashed.dispatchedHeight).toBe(BLOCKS);
    expect(crashed.stateRoot).toBe(reference.stateRoot);
    expect(crashed["messages"]).toEqual(reference["messages"]);
  });
});

function pushMessageCall(n: number): Uint8Array {
  return runtime.encodeCall({
    type: "PhalaMq",
    value: { type: "pushMessage", value: { destination: phalaTopic("test", "e2e"), payload: Uint8Array.of(n % 256) } },
  });
}
