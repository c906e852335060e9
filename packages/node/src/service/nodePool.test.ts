import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  devAccounts,
  ed25519Generate,
  IMMORTAL_ERA,
  type Keypair,
  type MessageOrigin,
  type SignedMessage,
  signExtrinsic,
  signMessage,
  sr25519Ready,
  topicFromString,
} from "@phala-ts/core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { devSpec } from "../chain/chainSpec.js";
import { PHA } from "../pallets/balances.js";
import { createPhalaRuntime } from "../pallets/phalaRuntime.js";
import { addressOf } from "../runtime/multiAddress.js";
import type { RuntimeCall } from "../runtime/runtime.js";
import { ChainService } from "./chainService.js";
import { createNodePool } from "./nodePool.js";
import { SignatureVerifier } from "./signatureVerifier.js";

const runtime = createPhalaRuntime();
const sr = devAccounts("sr25519");
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
beforeAll(() => sr25519Ready());

async function openChain(): Promise<ChainService> {
  const dir = mkdtempSync(join(tmpdir(), "phala-pool-"));
  const chain = await ChainService.open({ runtime, spec: devSpec(), basePath: dir });
  cleanups.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => chain.close(),
  );
  return chain;
}

function startVerifier(): SignatureVerifier {
  const verifier = new SignatureVerifier({ threads: 1 });
  cleanups.push(() => verifier.close());
  return verifier;
}

const sign = (chain: ChainService, keypair: Keypair, call: RuntimeCall, nonce: number) =>
  signExtrinsic(
    keypair,
    runtime.encodeCall(call),
    { era: IMMORTAL_ERA, nonce, tip: 0n },
    { specVersion: 1, transactionVersion: 1, genesisHash: chain.genesis.hash, birthHash: chain.genesis.hash },
  );
const transfer: RuntimeCall = {
  type: "Balances",
  value: { type: "transferKeepAlive", value: { dest: addressOf(sr.Ferdie.accountId), value: PHA } },
};
const messagesCall = (signedMessages: readonly SignedMessage[]): RuntimeCall => ({
  type: "PhalaMq",
  value: { type: "syncOffchainMessages", value: { signedMessages } },
});

/** `count` messages of a fresh worker from sequence `from` (a Worker origin is its own key). */
function workerMessages(from: bigint, count: number) {
  const { keypair } = ed25519Generate();
  const sender: MessageOrigin = { type: "Worker", value: keypair.publicKey };
  const batch = (start: bigint, n: number) =>
    Array.from({ length: n }, (_, i) =>
      signMessage(
        keypair,
        { sender, destination: topicFromString("phala/test"), payload: Uint8Array.of(i) },
        start + BigInt(i),
      ),
    );
  return { first: batch(from, count), second: batch(from + BigInt(count), count) };
}

/** The error code and reason a submission is refused with, or "accepted". */
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => "accepted",
    (error: { code?: string; reason?: string }) => `${error.code} ${error.reason ?? ""}`.trim(),
  );

describe("createNodePool with a SignatureVerifier", () => {
  it("accepts and refuses exactly what inline validation does", async () => {
    const chain = await openChain();
    const inline = createNodePool(chain);
    const threaded = createNodePool(chain, { verifier: startVerifier() });
    const good = sign(chain, sr.Alice, transfer, 0);
    const forged = good.slice();
    forged[forged.length - 1]! ^= 1;
    const badSignatureAndFuture = sign(chain, sr.Bob, transfer, 5000);
    badSignatureAndFuture[badSignatureAndFuture.length - 1]! ^= 1;
    const cases = [
      good,
      forged,
      badSignatureAndFuture,
      sign(chain, sr.Bob, transfer, 5000),
      sign(chain, devAccounts("sr25519").Ferdie, transfer, 0),
      Uint8Array.of(1, 2, 3),
    ];
    const expected = await Promise.all(cases.map((bytes) => outcome(inline.submit(bytes, "external"))));
    expect(expected).toEqual([
      "accepted",
      "TX_INVALID BadProof",
      "TX_INVALID BadProof",
      "TX_INVALID Future",
      "accepted",
      expect.stringMatching(/^[A-Z_]+/),
    ]);
    expect(await Promise.all(cases.map((bytes) => outcome(threaded.submit(bytes, "external"))))).toEqual(expected);
  });

  it("verifies on its thread the messages of a batch that waits for another, so the block does no crypto", async () => {
    const chain = await openChain();
    const verifier = startVerifier();
    const pool = createNodePool(chain, { verifier });
    const { first, second } = workerMessages(0n, 3);
    const remembered = chain.chain.verifiedMessages!.size;
    await pool.submit(sign(chain, sr.Alice, messagesCall(first), 0), "external");
    await pool.submit(sign(chain, sr.Alice, messagesCall(second), 1), "external");
    expect(chain.chain.verifiedMessages!.size).toBe(remembered + 6);
    // A forged message in a waiting batch is not remembered: the block checks it again (and the
    // batch fails there, as it does without a verifier).
    const { first: ok, second: later } = workerMessages(0n, 2);
    const forged = [later[0]!, { ...later[1]!, signature: new Uint8Array(64).fill(7) }];
    await pool.submit(sign(chain, sr.Bob, messagesCall(ok), 0), "external");
    await pool.submit(sign(chain, sr.Bob, messagesCall(forged), 1), "external");
    expect(chain.chain.verifiedMessages!.size).toBe(remembered + 6 + 3);
    const block = await chain.produceBlock(devAccounts("ed25519").Alice, 1_000n, pool.pending());
    expect(block.extrinsics).toHaveLength(5);
    expect(block.rejected).toHaveLength(0);
    expect(chain.chain.verifiedMessages!.size).toBe(remembered + 6 + 3);
  });
});
