import { devAccounts, toHex } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { PHA } from "../../packages/node/src/pallets/balances.js";
import { account, chainInfo, signed, transferCall, until } from "./chainHelpers.test-util.js";
import { spawnNode, tempBasePath } from "./nodeProcess.test-util.js";
import { RpcClient } from "./rpcClient.test-util.js";

const sr = devAccounts("sr25519");
const senders = [sr.Alice, sr.Bob, sr.Charlie];

describe("phala node crash safety", () => {
  it("keeps every finalized transfer across kill -9 while transfers stream in, and continues", async () => {
    const base = tempBasePath();
    try {
      const node = await spawnNode(["--dev", "--base-path", base.path]);
      const rpc = await RpcClient.connect(node.wsUrl);
      const chain = await chainInfo(rpc);

      // Stream transfers in the background while watching what gets finalized.
      let streaming = true;
      const stream = (async () => {
        for (let nonce = 0; streaming; nonce++) {
          await Promise.all(
            senders.map((s) =>
              rpc
                .call("author_submitExtrinsic", [
                  toHex(signed(s, transferCall(sr.Ferdie.accountId, PHA), nonce, chain)),
                ])
                .catch(() => {}),
            ),
          );
          await new Promise((r) => setTimeout(r, 20));
        }
      })();

      const observed: { hash: string; number: number; nonces: number[] }[] = [];
      await until(
        async () => {
          const hash = await rpc.call<string>("chain_getFinalizedHead");
          const header = await rpc.call<{ number: string }>("chain_getHeader", [hash]);
          const nonces = await Promise.all(senders.map(async (s) => (await account(rpc, s.accountId, hash)).nonce));
          observed.push({ hash, number: Number(header.number), nonces });
          return nonces.every((n) => n >= 20) ? true : undefined;
        },
        60_000,
        "transfers to be finalized",
      );
      node.child.kill("SIGKILL");
      await node.exited;
      streaming = false;
      rpc.close();
      await stream;
      const last = observed.at(-1)!;

      const restarted = await spawnNode(["--dev", "--base-path", base.path]);
      const rpc2 = await RpcClient.connect(restarted.wsUrl);
      try {
        expect(await rpc2.call("chain_getBlockHash", [last.number])).toBe(last.hash);
        for (const [i, sender] of senders.entries()) {
          expect((await account(rpc2, sender.accountId, last.hash)).nonce).toBe(last.nonces[i]);
          expect((await account(rpc2, sender.accountId)).nonce).toBeGreaterThanOrEqual(last.nonces[i]!);
        }
        const head = Number((await rpc2.call<{ number: string }>("chain_getHeader")).number);
        await until(
          async () =>
            Number((await rpc2.call<{ number: string }>("chain_getHeader")).number) > head ? true : undefined,
          10_000,
          "the chain to continue",
        );
        const nonce = (await account(rpc2, sr.Alice.accountId)).nonce;
        await rpc2.call("author_submitExtrinsic", [
          toHex(signed(sr.Alice, transferCall(sr.Bob.accountId, PHA), nonce, chain)),
        ]);
        await until(
          async () => ((await account(rpc2, sr.Alice.accountId)).nonce > nonce ? true : undefined),
          10_000,
          "a new transfer after the restart",
        );
      } finally {
        rpc2.close();
        await restarted.stop();
      }
    } finally {
      base.remove();
    }
  }, 120_000);
});
