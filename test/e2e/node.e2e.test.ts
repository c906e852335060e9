import {
  devAccounts,
  ed25519Generate,
  encodeMessageOrigin,
  fromHex,
  type SignedMessage,
  signMessage,
  toHex,
  topicFromString,
} from "@phala-ts/core";
import { validateProofs } from "@polkadot-api/substrate-bindings";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PHA } from "../../packages/node/src/pallets/balances.js";
import {
  account,
  type ChainInfo,
  chainInfo,
  runtime,
  signed,
  totalIssuance,
  transferCall,
  until,
} from "./chainHelpers.test-util.js";
import { type NodeProcess, spawnNode, tempBasePath } from "./nodeProcess.test-util.js";
import { RpcClient, RpcReplyError } from "./rpcClient.test-util.js";

const sr = devAccounts("sr25519");
const senders = [sr.Alice, sr.Bob, sr.Charlie, sr.Dave, sr.Eve];
const receivers = [sr.Ferdie.accountId, new Uint8Array(32).fill(0x11), new Uint8Array(32).fill(0x22)];
const PER_SENDER = 200;

describe("phala node, end to end on loopback", () => {
  const base = tempBasePath();
  let node: NodeProcess;
  let rpc: RpcClient;
  let chain: ChainInfo;

  beforeAll(async () => {
    node = await spawnNode(["--dev", "--base-path", base.path]);
    rpc = await RpcClient.connect(node.wsUrl);
    chain = await chainInfo(rpc);
  });

  afterAll(async () => {
    rpc?.close();
    await node?.stop();
    base.remove();
  });

  it("includes and finalizes 1,000 signed transfers from five accounts; balances and burned fees add up", async () => {
    const before = new Map<string, bigint>();
    for (const who of [...senders.map((s) => s.accountId), ...receivers])
      before.set(toHex(who), (await account(rpc, who)).data.free);
    const issuanceBefore = await totalIssuance(rpc);

    const expectedFee = new Map<string, bigint>();
    const expectedIn = new Map<string, bigint>();
    const submissions: Promise<unknown>[] = [];
    for (let nonce = 0; nonce < PER_SENDER; nonce++) {
      for (const [i, sender] of senders.entries()) {
        const to = receivers[(nonce + i) % receivers.length]!;
        const value = PHA + BigInt(nonce * 1_000 + i);
        const xt = signed(sender, transferCall(to, value), nonce, chain);
        const info = await rpc.call<{ partialFee: string }>("payment_queryInfo", [toHex(xt)]);
        const from = toHex(sender.accountId);
        expectedFee.set(from, (expectedFee.get(from) ?? 0n) + BigInt(info.partialFee));
        expectedIn.set(from, (expectedIn.get(from) ?? 0n) - value);
        expectedIn.set(toHex(to), (expectedIn.get(toHex(to)) ?? 0n) + value);
        submissions.push(rpc.call("author_submitExtrinsic", [toHex(xt)]));
      }
    }
    await Promise.all(submissions);

    const finalizedAt = await until(
      async () => {
        const head = await rpc.call<string>("chain_getFinalizedHead");
        const nonces = await Promise.all(senders.map((s) => account(rpc, s.accountId, head)));
        return nonces.every((a) => a.nonce === PER_SENDER) ? head : undefined;
      },
      120_000,
      "all transfers to be finalized",
    );

    let fees = 0n;
    for (const sender of senders) {
      const id = toHex(sender.accountId);
      const after = (await account(rpc, sender.accountId, finalizedAt)).data.free;
      expect(after).toBe(before.get(id)! + expectedIn.get(id)! - expectedFee.get(id)!);
      fees += expectedFee.get(id)!;
    }
    for (const who of receivers) {
      const after = (await account(rpc, who, finalizedAt)).data.free;
      expect(after).toBe(before.get(toHex(who))! + expectedIn.get(toHex(who))!);
    }
    expect(await totalIssuance(rpc, finalizedAt)).toBe(issuanceBefore - fees);

    const keys = [...senders.slice(0, 2).map((s) => s.accountId), receivers[1]!];
    const { storageKey } = await import("@phala-ts/core");
    const storageKeys = keys.map((k) => toHex(storageKey("System", "Account", ["Blake2_128Concat", k])));
    const proof = await rpc.call<{ at: string; proof: string[] }>("state_getReadProof", [storageKeys, finalizedAt]);
    const header = await rpc.call<{ stateRoot: string }>("chain_getHeader", [finalizedAt]);
    expect(validateProofs(proof.proof as never)?.rootHash).toBe(header.stateRoot);

    const finalizedNumber = Number((await rpc.call<{ number: string }>("chain_getHeader", [finalizedAt])).number);
    const finality = await rpc.call<string>("grandpa_proveFinality", [finalizedNumber]);
    expect(finality.slice(0, 66)).toBe(finalizedAt);
  }, 180_000);

  it("takes an offchain message once, in sequence, and refuses forged, repeated and skipped ones", async () => {
    const { keypair: worker } = ed25519Generate();
    const sender = { type: "Worker" as const, value: worker.publicKey };
    const message = { sender, destination: topicFromString("phala/e2e"), payload: Uint8Array.of(1, 2, 3) };
    const submitter = sr.Charlie;
    const sync = async (signedMessage: SignedMessage) => {
      const nonce = await rpc.call<number>("system_accountNextIndex", [toHex(submitter.accountId)]);
      const call = runtime.encodeCall({
        type: "PhalaMq",
        value: { type: "syncOffchainMessage", value: { signedMessage } },
      });
      return rpc.call("author_submitExtrinsic", [toHex(signed(submitter, call, nonce, chain))]).then(
        () => undefined,
        (error: unknown) => error as RpcReplyError,
      );
    };
    const nextSequence = () => rpc.call<number>("pha_getMqNextSequence", [toHex(encodeMessageOrigin(sender))]);

    expect(await sync(signMessage(worker, message, 0n))).toBeUndefined();
    // The next sequence counts the pool, so wait for the pool to be empty too: the chain took it.
    const taken = async () =>
      (await nextSequence()) === 1 && (await rpc.call<string[]>("author_pendingExtrinsics")).length === 0;
    expect(await nextSequence()).toBe(1);
    await until(async () => ((await taken()) ? true : undefined), 10_000, "the message to be taken");
    const issuance = await totalIssuance(rpc);
    const refused: [string, SignedMessage, unknown][] = [
      ["repeated", signMessage(worker, message, 0n), "Stale"],
      ["skipped", signMessage(worker, message, 3n), "Future"],
      ["forged", { ...signMessage(worker, message, 1n), signature: new Uint8Array(64).fill(7) }, "BadProof"],
      ["signed by another key", signMessage(ed25519Generate().keypair, message, 1n), "BadProof"],
    ];
    for (const [what, signedMessage, reason] of refused) {
      const error = await sync(signedMessage);
      expect(error, what).toBeInstanceOf(RpcReplyError);
      expect(error?.code, what).toBe(1010);
      expect(error?.data, what).toBe(reason);
    }
    expect(await nextSequence()).toBe(1);
    expect(await totalIssuance(rpc)).toBe(issuance);
  }, 30_000);

  it("refuses bad transactions with typed JSON-RPC errors and changes nothing", async () => {
    const alice = sr.Alice;
    const nonce = (await account(rpc, alice.accountId)).nonce;
    const good = signed(alice, transferCall(sr.Bob.accountId, PHA), nonce, chain);
    const badSignature = good.slice();
    badSignature[40]! ^= 0xff;
    const unfunded = devAccounts("ed25519").Ferdie;
    const cases: [string, Uint8Array, number, unknown?][] = [
      ["bad signature", badSignature, 1010],
      [
        "wrong genesis hash",
        signed(alice, transferCall(sr.Bob.accountId, PHA), nonce, chain, { genesisHash: new Uint8Array(32) }),
        1010,
        "BadProof",
      ],
      ["stale nonce", signed(alice, transferCall(sr.Bob.accountId, PHA), nonce - 1, chain), 1010, "Stale"],
      [
        "nonce far in the future",
        signed(alice, transferCall(sr.Bob.accountId, PHA), nonce + 5_000, chain),
        1010,
        "Future",
      ],
      ["insufficient balance", signed(unfunded, transferCall(sr.Bob.accountId, PHA), 0, chain), 1010, "Payment"],
      ["truncated bytes", good.subarray(0, good.length - 3), 1001],
      ["malformed bytes", Uint8Array.of(0x0c, 0x99, 0x01, 0x02), 1001],
      ["call to a missing pallet", signed(alice, Uint8Array.of(77, 0, 1), nonce, chain), 1001],
      ["oversized", new Uint8Array(5 * 1024 * 1024 + 16), 1001],
    ];
    const issuance = await totalIssuance(rpc);
    for (const [what, xt, code, data] of cases) {
      const error = await rpc.call("author_submitExtrinsic", [toHex(xt)]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, what).toBeInstanceOf(RpcReplyError);
      expect((error as RpcReplyError).code, what).toBe(code);
      if (data !== undefined) expect((error as RpcReplyError).data, what).toBe(data);
    }
    expect(await rpc.call<string[]>("author_pendingExtrinsics")).toEqual([]);
    expect((await account(rpc, alice.accountId)).nonce).toBe(nonce);
    expect(await totalIssuance(rpc)).toBe(issuance);
    expect(runtime.version.specVersion).toBe(1);
    expect(fromHex(await rpc.call<string>("chain_getBlockHash", [0]))).toEqual(chain.genesisHash);
  }, 60_000);
});
