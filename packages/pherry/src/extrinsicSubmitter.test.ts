import { decodeExtrinsic, devAccounts, eraBirth, fromHex, toHex, verifyExtrinsicSignature } from "@phala-ts/core";
import { buildMetadata, createPhalaRuntime } from "@phala-ts/node";
import { describe, expect, it } from "vitest";
import { ExtrinsicSubmitter } from "./extrinsicSubmitter.js";
import { useFakeHttpServers } from "./fakeHttpServer.test-util.js";
import { NodeRpc } from "./nodeRpc.js";

const fakeServers = useFakeHttpServers();
const operator = devAccounts("sr25519").Ferdie;
const metadataHex = toHex(buildMetadata(createPhalaRuntime()));
const GENESIS = `0x${"42".repeat(32)}`;
const BIRTH = `0x${"bb".repeat(32)}`;
const BEST = 1000;

/** A node answering what the submitter asks; `submitError` refuses every submission. */
async function fakeNode(options: { nonce?: number; submitError?: { code: number; message: string } } = {}) {
  const calls: { method: string; params: unknown[] }[] = [];
  const node = await fakeServers(({ body }) => {
    const { id, method, params } = JSON.parse(new TextDecoder().decode(body)) as {
      id: number;
      method: string;
      params: unknown[];
    };
    calls.push({ method, params });
    const answer = (value: object) => ({
      body: JSON.stringify({ jsonrpc: "2.0", id, ...value }),
      type: "application/json",
    });
    switch (method) {
      case "chain_getBlockHash":
        return answer({ result: params[0] === 0 ? GENESIS : BIRTH });
      case "state_getRuntimeVersion":
        return answer({ result: { specVersion: 1, transactionVersion: 1 } });
      case "state_getMetadata":
        return answer({ result: metadataHex });
      case "chain_getHeader":
        return answer({ result: { number: `0x${BEST.toString(16)}` } });
      case "system_accountNextIndex":
        return answer({ result: options.nonce ?? 7 });
      case "author_submitExtrinsic":
        return answer(options.submitError ? { error: options.submitError } : { result: `0x${"00".repeat(32)}` });
      default:
        return answer({ error: { code: -32601, message: "Method not found" } });
    }
  });
  const submitter = await ExtrinsicSubmitter.connect(new NodeRpc(node.url), operator);
  calls.length = 0;
  return { submitter, calls, count: (method: string) => calls.filter((c) => c.method === method).length };
}

const additional = {
  specVersion: 1,
  transactionVersion: 1,
  genesisHash: fromHex(GENESIS),
  birthHash: fromHex(BIRTH),
};

describe("ExtrinsicSubmitter.signMany", () => {
  it("signs every call with consecutive nonces under one era: one header and one nonce query", async () => {
    const { submitter, calls, count } = await fakeNode();
    const remarks = [1, 2, 3, 4].map((i) => Uint8Array.of(0, 0, 4, i));
    const signed = await submitter.signMany(remarks);
    expect(count("chain_getHeader")).toBe(1);
    expect(count("system_accountNextIndex")).toBe(1);
    expect(count("chain_getBlockHash")).toBe(1);
    const birth = calls.find((c) => c.method === "chain_getBlockHash")!.params[0] as number;
    for (const [i, bytes] of signed.entries()) {
      const xt = decodeExtrinsic(bytes);
      expect(xt.call).toEqual(remarks[i]);
      expect(xt.signed!.extra.nonce).toBe(7 + i);
      expect(xt.signed!.extra.era).toEqual(decodeExtrinsic(signed[0]!).signed!.extra.era);
      expect(eraBirth(xt.signed!.extra.era, BEST)).toBe(birth);
      expect(verifyExtrinsicSignature(xt, additional)).toBe(true);
    }
    expect(decodeExtrinsic(signed[0]!).signed!.extra.era).toMatchObject({ type: "Mortal" });
    // The count goes on from there without asking; an empty burst asks nothing.
    expect(decodeExtrinsic(await submitter.sign(Uint8Array.of(0, 0, 0))).signed!.extra.nonce).toBe(11);
    expect(await submitter.signMany([])).toEqual([]);
    expect(count("system_accountNextIndex")).toBe(1);
    expect(count("chain_getHeader")).toBe(2);
  });

  it("asks the node for the nonce again after a refused submission", async () => {
    const { submitter, count } = await fakeNode({ submitError: { code: 1014, message: "Priority is too low" } });
    const [first, second] = await submitter.signMany([Uint8Array.of(0, 0, 0), Uint8Array.of(0, 0, 1)]);
    await expect(submitter.submit(first!)).rejects.toMatchObject({ details: { rpcCode: 1014 } });
    expect(second).toBeDefined();
    const [again] = await submitter.signMany([Uint8Array.of(0, 0, 1)]);
    expect(decodeExtrinsic(again!).signed!.extra.nonce).toBe(7);
    expect(count("system_accountNextIndex")).toBe(2);
  });
});
