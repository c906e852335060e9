import { ApiPromise, Keyring, WsProvider } from "@polkadot/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NodeProcess, spawnNode, tempBasePath } from "./nodeProcess.test-util.js";

describe("@polkadot/api against phala node", () => {
  const base = tempBasePath();
  let node: NodeProcess;
  let api: ApiPromise;

  beforeAll(async () => {
    node = await spawnNode(["--dev", "--base-path", base.path]);
    api = await ApiPromise.create({ provider: new WsProvider(node.wsUrl), noInitWarn: true, throwOnConnect: true });
  }, 30_000);

  afterAll(async () => {
    await api?.disconnect();
    await node?.stop();
    base.remove();
  });

  it("becomes ready, reads state, and a transfer it signs is finalized with its events", async () => {
    expect(api.runtimeVersion.specName.toString()).toBe("phala-ts");
    expect((await api.rpc.system.chain()).toString()).toBe("Phala-TS Development");
    const keyring = new Keyring({ type: "sr25519", ss58Format: 30 });
    const alice = keyring.addFromUri("//Alice");
    const bob = keyring.addFromUri("//Bob");
    const before = (await api.query.system!.account!(bob.address)) as unknown as {
      data: { free: { toBigInt(): bigint } };
    };
    const amount = 12_345_000_000_000n;
    const events = await new Promise<string[]>((resolve, reject) => {
      api.tx.balances!.transferKeepAlive!(bob.address, amount)
        .signAndSend(alice, ({ status, events, dispatchError }) => {
          if (dispatchError) reject(new Error(dispatchError.toString()));
          if (status.isFinalized) resolve(events.map(({ event }) => `${event.section}.${event.method}`));
        })
        .catch(reject);
    });
    expect(events).toContain("balances.Transfer");
    expect(events).toContain("system.ExtrinsicSuccess");
    const after = (await api.query.system!.account!(bob.address)) as unknown as {
      data: { free: { toBigInt(): bigint } };
    };
    expect(after.data.free.toBigInt() - before.data.free.toBigInt()).toBe(amount);
  }, 60_000);
});
