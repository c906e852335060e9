import type { Server } from "node:http";
import { fileURLToPath } from "node:url";
import { buildContract } from "@phala-ts/contracts/build";
import { toHex } from "@phala-ts/core";
import {
  type ChainEvent,
  type ContractHandle,
  connect,
  createAccount,
  devAccount,
  isSdkError,
  type PhalaClient,
  type SdkError,
  type TxStatusEvent,
} from "@phala-ts/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devSpec } from "../../packages/node/src/chain/chainSpec.js";
import { until } from "./chainHelpers.test-util.js";
import { createCluster, infoProxy, type LoopbackNetwork, startLoopbackNetwork } from "./loopbackNetwork.test-util.js";
import type { NodeProcess } from "./nodeProcess.test-util.js";
import { RpcClient } from "./rpcClient.test-util.js";
import type { WorkerProcesses } from "./workerProcess.test-util.js";

const PHA = 1_000_000_000_000n;
const GAS = 10_000_000n;
const TOKEN = fileURLToPath(new URL("../../examples/private-token/contract.ts", import.meta.url));

const alice = devAccount("Alice");
const bob = devAccount("Bob");
const ferdie = devAccount("Ferdie");

/** The private token's interface, as its README describes it (its source takes `unknown` and checks). */
interface PrivateToken {
  init(args: { supply: string }, ctx: never): unknown;
  handle(command: { transfer: { to: string; amount: string } }, ctx: never): { balance: string };
  query(request: { balance: { of?: string } } | { totalSupply: Record<string, never> }, ctx: never): unknown;
}

/** Rejects with the SdkError `run` throws. */
async function sdkErrorOf(run: () => Promise<unknown>): Promise<SdkError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSdkError(error)) throw new Error(`expected an SdkError, got ${String(error)}`);
  return error;
}

/**
 * The SDK against a real network on loopback: a node, a gatekeeper and a worker (each a real
 * pRuntime with its real pherry), and a pRuntime nobody registered.
 */
describe("the SDK against a real network", () => {
  let network: LoopbackNetwork<"gk" | "w1" | "lone">;
  let node: NodeProcess;
  let client: PhalaClient;
  let enclaves: Readonly<Record<"gk" | "w1" | "lone", WorkerProcesses>>;
  let identity: Readonly<Record<"gk" | "w1" | "lone", string>>;
  const proxies: Server[] = [];

  beforeAll(async () => {
    // The lone pRuntime gets no pherry: it is never registered.
    network = await startLoopbackNetwork({ gk: "//Bob", w1: "//Charlie", lone: "//Dave" }, ["gk", "w1"]);
    ({ node, enclaves, identity } = network);
    client = await connect(node.wsUrl);
  }, 120_000);

  afterAll(async () => {
    for (const proxy of proxies) proxy.close();
    await client?.close();
    await network?.stop();
  });

  it("connects, reading the genesis hash, runtime version and metadata once", async () => {
    const rpc = await RpcClient.connect(node.wsUrl);
    expect(client.genesisHash).toBe(await rpc.call<string>("chain_getBlockHash", [0]));
    rpc.close();
    expect(client.runtimeVersion).toMatchObject({
      specVersion: expect.any(Number),
      transactionVersion: expect.any(Number),
    });
    expect(client.ss58Prefix).toBe(30);
    expect(client.chainName).toBe(devSpec().name);
    expect((await client.finalizedBlock()).number).toBeGreaterThanOrEqual(0);
  });

  it("reads balances and transfers, reporting each status until finalized", async () => {
    const fresh = createAccount().account;
    expect(await client.balance(fresh.address)).toEqual({ free: 0n, reserved: 0n, frozen: 0n });
    const before = await client.balance(alice);
    expect(before.free).toBeGreaterThan(1000n * PHA);

    const statuses: TxStatusEvent[] = [];
    const result = await client.transfer(alice, fresh.address, 3n * PHA, { onStatus: (s) => statuses.push(s) });
    expect(statuses.map((s) => s.type)).toEqual(["ready", "inBlock", "finalized"]);
    expect(statuses.every((s) => s.txHash === result.txHash)).toBe(true);
    expect(statuses.at(-1)).toMatchObject({ blockHash: result.blockHash });
    expect(result.ok).toBe(true);
    const transfer = result.events.find((e) => e.pallet === "Balances" && e.name === "Transfer");
    expect(transfer?.data).toEqual({ from: alice.address, to: fresh.address, amount: 3n * PHA });
    expect(result.events.at(-1)).toMatchObject({ pallet: "System", name: "ExtrinsicSuccess" });
    expect(await client.balance(fresh)).toEqual({ free: 3n * PHA, reserved: 0n, frozen: 0n });
    // The fee was burned on top of the amount.
    expect((await client.balance(alice)).free).toBeLessThan(before.free - 3n * PHA);

    // The events of the block, read again.
    const events = await client.events(result.blockHash);
    expect(events.filter((e) => e.phase.type === "ApplyExtrinsic" && e.phase.index === result.index)).toEqual(
      result.events,
    );
  });

  it("rejects a transfer whose call fails with the decoded module error, and one the pool refuses with its reason", async () => {
    const poor = createAccount().account;
    await client.transfer(alice, poor, 1n * PHA, { waitFor: "inBlock" });
    const failed = await sdkErrorOf(() => client.transfer(poor, bob, 5n * PHA));
    expect(failed.code).toBe("TX_FAILED");
    expect(failed.details).toMatchObject({ error: "Balances.InsufficientBalance", pallet: "Balances" });
    expect(failed.message).toContain("Balances.InsufficientBalance");
    // The fee was still charged; the amount stayed.
    const left = (await client.balance(poor)).free;
    expect(left).toBeLessThan(1n * PHA);
    expect(left).toBeGreaterThan(0n);

    const empty = createAccount().account;
    const refused = await sdkErrorOf(() => client.transfer(empty, bob, 1n));
    expect(refused.code).toBe("TX_INVALID");
    expect(refused.details.reason).toBe("Payment");
    // An argument that is not an account never reaches the node.
    expect((await sdkErrorOf(() => client.transfer(alice, "not-an-address", 1n))).code).toBe("ADDRESS_INVALID");
  });

  it("watches the events of finalized blocks until unsubscribed", async () => {
    const seen: { block: string; events: ChainEvent[] }[] = [];
    const stop = await client.watchEvents((events, block) => {
      seen.push({ block: block.hash, events });
    });
    const target = createAccount().account;
    const result = await client.transfer(alice, target, 2n * PHA);
    await until(async () => (seen.some((s) => s.block === result.blockHash) ? true : undefined), 10_000, "the block");
    const block = seen.find((s) => s.block === result.blockHash)!;
    expect(block.events.some((e) => e.name === "Transfer" && (e.data as { to: string }).to === target.address)).toBe(
      true,
    );
    await stop();
    const count = seen.length;
    await client.transfer(alice, target, 1n * PHA);
    expect(seen.length).toBe(count);
  });

  it("lists the registered workers and verifies one against its registration", async () => {
    const registered = await until(
      async () => ((await client.worker(identity.w1!)) && (await client.worker(identity.gk!)) ? true : undefined),
      60_000,
      "both workers to register",
    );
    expect(registered).toBe(true);
    const workers = await client.workers();
    expect(workers.map((w) => w.identity).sort()).toEqual([identity.gk, identity.w1].sort());
    const verified = await client.verifyWorker(enclaves.w1.pruntimeUrl);
    expect(verified).toMatchObject({
      identity: identity.w1,
      ecdhPubkey: (await enclaves.w1.info()).ecdhPublicKey,
      attestation: { kind: "Simulated", confidenceLevel: 5 },
      registration: { operator: devAccount("Charlie").address },
    });
  }, 90_000);

  it("refuses a worker whose /info was altered or unsigned on the way, and one nobody registered", async () => {
    const zero = `0x${"00".repeat(32)}`;
    const altered = await infoProxy(
      () => enclaves.w1.pruntimeUrl,
      (body, signature) => ({
        body: body.replace(/"ecdhPublicKey":"0x[0-9a-f]+"/, `"ecdhPublicKey":"${zero}"`),
        signature,
      }),
    );
    const unsigned = await infoProxy(
      () => enclaves.w1.pruntimeUrl,
      (body) => ({ body, signature: null }),
    );
    proxies.push(altered.server, unsigned.server);
    expect((await sdkErrorOf(() => client.verifyWorker(altered.url))).code).toBe("WORKER_BAD_SIGNATURE");
    expect((await sdkErrorOf(() => client.verifyWorker(unsigned.url))).code).toBe("WORKER_BAD_SIGNATURE");
    const lone = await sdkErrorOf(() => client.verifyWorker(enclaves.lone.pruntimeUrl));
    expect(lone.code).toBe("WORKER_NOT_REGISTERED");
    expect(lone.details.identity).toBe(identity.lone);
  });

  describe("contracts", () => {
    let token: ContractHandle<PrivateToken>;

    beforeAll(async () => {
      await createCluster(client, network, "gk", ["w1"]);
    }, 180_000);

    it("deploys the private token with sealed init args and lists it", async () => {
      const { code } = await buildContract(TOKEN);
      const deployed = await client.deploy<PrivateToken>(alice, {
        code,
        cluster: 0,
        args: { supply: "1000" },
        salt: "sdk-e2e",
        gasLimit: GAS,
      });
      expect(deployed.init).toMatchObject({ ok: true, output: null, events: [], index: 0n });
      expect(deployed.init.fee).toBe(deployed.init.gasUsed * 10n);
      const [cluster] = await client.clusters();
      expect(deployed.cluster).toBe(cluster!.id);
      expect(deployed.keys).toEqual((await client.contractInfo(deployed.id))!.keys);
      expect(await client.contracts()).toEqual([
        expect.objectContaining({ id: deployed.id, deployer: alice.address, cluster: cluster!.id, commandCount: 1n }),
      ]);
      expect((await client.clusters())[0]!.contracts).toEqual([deployed.id]);
      token = client.contract<PrivateToken>(deployed.id);
      // The same salt again is the same contract: refused before anything is submitted.
      expect(
        (await sdkErrorOf(() => client.deploy(alice, { code, cluster: 0, salt: "sdk-e2e", gasLimit: GAS }))).code,
      ).toBe("ARGS_INVALID");
    }, 120_000);

    it("sends commands and reads the sealed replies; a contract's refusal is a typed outcome", async () => {
      const sent = await token.command(
        alice,
        { transfer: { to: toHex(ferdie.accountId), amount: "250" } },
        { gasLimit: GAS },
      );
      expect(sent).toMatchObject({ ok: true, output: { balance: "750" }, events: [], index: 1n });
      expect(sent.repliedIn.number).toBeGreaterThan(sent.pushedIn.number);
      // The deposit came back; only the fee was kept.
      expect((await client.balance(alice)).reserved).toBe(0n);

      const refused = await token.command(
        bob,
        { transfer: { to: toHex(alice.accountId), amount: "5" } },
        { gasLimit: GAS },
      );
      expect(refused).toMatchObject({ ok: false, error: { code: "CONTRACT_THREW" }, index: 2n });
      expect(refused.ok === false && refused.error.message).toMatch(/insufficient balance/);
    }, 120_000);

    it("queries a worker over the signed, encrypted channel; the worker's refusals carry its code", async () => {
      const url = enclaves.w1.pruntimeUrl;
      expect(await token.query(url, alice, { balance: {} })).toEqual({ ok: true, output: { balance: "750" } });
      expect(await token.query(url, ferdie, { balance: {} })).toEqual({ ok: true, output: { balance: "250" } });
      // The session is reused: a second query needs no new certificate, and still answers.
      expect(await client.query(url, alice, token.id, { totalSupply: {} })).toMatchObject({ ok: true });
      const prying = await token.query(url, ferdie, { balance: { of: toHex(alice.accountId) } });
      expect(prying).toMatchObject({ ok: false, error: { code: "CONTRACT_THREW" } });

      const missing = await sdkErrorOf(() => client.query(url, alice, `0x${"77".repeat(32)}`, { balance: {} }));
      expect(missing.code).toBe("QUERY_CONTRACT_NOT_FOUND");
      expect(missing.details).toMatchObject({ status: 404 });
      // A worker that is not registered is never asked.
      expect((await sdkErrorOf(() => client.query(enclaves.lone.pruntimeUrl, alice, token.id, {}))).code).toBe(
        "WORKER_NOT_REGISTERED",
      );
    }, 60_000);
  });
});
