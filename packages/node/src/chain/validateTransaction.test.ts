import {
  blake2_256,
  devAccounts,
  type Ed25519Keypair,
  ed25519Generate,
  IMMORTAL_ERA,
  type Keypair,
  type MessageOrigin,
  type SignedMessage,
  signExtrinsic,
  signMessage,
  toHex,
  topicFromString,
} from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { PHA } from "../pallets/balances.js";
import { mqStorage } from "../pallets/mq.js";
import { createPhalaRuntime } from "../pallets/phalaRuntime.js";
import { StateOverlay } from "../runtime/overlay.js";
import type { RuntimeCall } from "../runtime/runtime.js";
import { TxPool } from "../txpool/index.js";
import { buildGenesisState } from "./genesisState.js";
import { TransactionInvalidError } from "./transactionValidity.js";
import { isMqTag, mqTag, validateTransaction } from "./validateTransaction.js";

const runtime = createPhalaRuntime();
const sr = devAccounts("sr25519");
const ed = devAccounts("ed25519");
const chain = { genesisHash: new Uint8Array(32).fill(0x42), maxExtrinsicSize: 1024 * 1024 };
const genesisState = buildGenesisState(runtime, {
  Balances: {
    balances: [
      [sr.Alice.accountId, 1_000n * PHA],
      [sr.Bob.accountId, 1_000n * PHA],
    ],
  },
  Session: { authorities: [[ed.Alice.publicKey, 1n]] },
});

const call = (name: string, args: unknown): RuntimeCall => ({ type: "PhalaMq", value: { type: name, value: args } });
const batchCall = (signedMessages: readonly SignedMessage[]) => call("syncOffchainMessages", { signedMessages });
const singleCall = (signedMessage: SignedMessage) => call("syncOffchainMessage", { signedMessage });

function extrinsic(runtimeCall: RuntimeCall, nonce = 0, from: Keypair = sr.Alice): Uint8Array {
  return signExtrinsic(
    from,
    runtime.encodeCall(runtimeCall),
    { era: IMMORTAL_ERA, nonce, tip: 0n },
    { specVersion: 1, transactionVersion: 1, genesisHash: chain.genesisHash, birthHash: chain.genesisHash },
  );
}

function worker(): { keypair: Ed25519Keypair; sender: MessageOrigin } {
  const { keypair } = ed25519Generate();
  return { keypair, sender: { type: "Worker", value: keypair.publicKey } };
}

function messages(keypair: Ed25519Keypair, from: bigint, count: number): SignedMessage[] {
  const sender: MessageOrigin = { type: "Worker", value: keypair.publicKey };
  return Array.from({ length: count }, (_, i) =>
    signMessage(
      keypair,
      { sender, destination: topicFromString("phala/test"), payload: Uint8Array.of(i) },
      from + BigInt(i),
    ),
  );
}

const forge = (signed: SignedMessage): SignedMessage => ({ ...signed, signature: new Uint8Array(64).fill(1) });

/** The genesis state with `sender`'s next expected sequence set to `next`. */
function stateExpecting(sender: MessageOrigin, next: bigint) {
  const overlay = new StateOverlay(genesisState);
  mqStorage.OffchainIngress.set(overlay, sender, next);
  return overlay.commit();
}

const validate = (bytes: Uint8Array, state = genesisState) =>
  validateTransaction(runtime, chain, { number: 0, hash: chain.genesisHash, state }, bytes);

const invalid = (reason: string, details: Record<string, unknown> = {}) =>
  expect.objectContaining({ code: "TX_INVALID", details: expect.objectContaining({ reason, ...details }) });

const hexes = (tags: readonly Uint8Array[]) => tags.map(toHex);

describe("validateTransaction of PhalaMq.sync_offchain_messages", () => {
  it("provides a tag for every message of a batch next in line, and requires none", () => {
    const { keypair, sender } = worker();
    const valid = validate(extrinsic(batchCall(messages(keypair, 0n, 4))));
    const mqTags = [0n, 1n, 2n, 3n].map((seq) => toHex(mqTag(sender, seq)));
    expect(hexes(valid.provides).slice(1)).toEqual(mqTags);
    expect(valid.requires).toEqual([]);
  });

  it("lets a later batch wait for the message before it, checking only its shape now", () => {
    const { keypair, sender } = worker();
    const later = messages(keypair, 4n, 3);
    const valid = validate(extrinsic(batchCall(later)));
    expect(hexes(valid.requires)).toEqual([toHex(mqTag(sender, 3n))]);
    expect(hexes(valid.provides).slice(1)).toEqual([4n, 5n, 6n].map((seq) => toHex(mqTag(sender, seq))));
    // As for a single later message, signatures are checked when revalidation finds it next in line.
    expect(() => validate(extrinsic(batchCall(later.map(forge))))).not.toThrow();
    expect(() => validate(extrinsic(batchCall(later.map(forge))), stateExpecting(sender, 4n))).toThrowError(
      invalid("BadProof", { mq: "BadSignature" }),
    );
  });

  it("refuses a batch whose first message the chain took as Stale", () => {
    const { keypair, sender } = worker();
    const state = stateExpecting(sender, 2n);
    expect(() => validate(extrinsic(batchCall(messages(keypair, 1n, 3))), state)).toThrowError(
      invalid("Stale", { sequence: "1", expected: "2" }),
    );
    // From the expected sequence on, it is next in line: nothing to wait for.
    expect(validate(extrinsic(batchCall(messages(keypair, 2n, 3))), state).requires).toEqual([]);
  });

  it("checks every message of a batch next in line, so a forged one costs its submitter nothing", () => {
    const { keypair } = worker();
    const batch = messages(keypair, 0n, 5);
    for (const at of [0, 2, 4]) {
      const tampered = batch.map((m, i) => (i === at ? forge(m) : m));
      expect(() => validate(extrinsic(batchCall(tampered)))).toThrowError(invalid("BadProof", { mq: "BadSignature" }));
    }
    const stranger = worker();
    const notTheirs = messages(stranger.keypair, 0n, 2).map((m) => ({
      ...m,
      message: { ...m.message, sender: { type: "AccountId" as const, value: sr.Alice.accountId } },
    }));
    expect(() => validate(extrinsic(batchCall(notTheirs)))).toThrowError(invalid("BadProof", { mq: "BadSender" }));
  });

  it("refuses malformed batches outright, whatever the state", () => {
    const a = worker();
    const b = worker();
    const [m0, m1, m2] = messages(a.keypair, 0n, 3);
    const cases: [SignedMessage[], string][] = [
      [[], "EmptyBatch"],
      [messages(a.keypair, 0n, 65), "BatchTooLarge"],
      [[m0!, ...messages(b.keypair, 1n, 1)], "MixedSenders"],
      [[m0!, m2!], "SequenceGap"],
      [[m1!, m0!], "SequenceGap"],
    ];
    for (const [batch, why] of cases) {
      expect(() => validate(extrinsic(batchCall(batch)))).toThrowError(invalid("Call", { mq: why }));
    }
  });

  it("keeps the single call's rules", () => {
    const { keypair, sender } = worker();
    const [m0, m1] = messages(keypair, 0n, 2);
    expect(hexes(validate(extrinsic(singleCall(m0!))).provides).slice(1)).toEqual([toHex(mqTag(sender, 0n))]);
    expect(hexes(validate(extrinsic(singleCall(m1!))).requires)).toEqual([toHex(mqTag(sender, 0n))]);
    expect(() => validate(extrinsic(singleCall(forge(m0!))))).toThrowError(invalid("BadProof"));
    expect(() => validate(extrinsic(singleCall(m0!)), stateExpecting(sender, 1n))).toThrowError(invalid("Stale"));
  });
});

describe("the pool with overlapping batches", () => {
  /** A pool over the genesis state, refusing an mq gap as startNode's does for external submissions. */
  function pool() {
    const txPool: TxPool = new TxPool({
      validate: (bytes) => {
        const valid = validate(bytes);
        if (valid.requires.some((tag) => isMqTag(tag) && !txPool.isProvided(tag))) {
          throw new TransactionInvalidError("Future", { mq: "sequence gap" });
        }
        return valid;
      },
      hasher: blake2_256,
    });
    return txPool;
  }
  const priorityTooLow = expect.objectContaining({ code: "TXPOOL_PRIORITY_TOO_LOW" });

  it("refuses a second pherry's batch carrying any message already pending, and takes what follows", async () => {
    const { keypair, sender } = worker();
    const all = messages(keypair, 0n, 12);
    const txPool = pool();
    // Alice's pherry: two batches, the second waiting on the first by its tag.
    expect((await txPool.submit(extrinsic(batchCall(all.slice(0, 4)), 0), "external")).status).toBe("ready");
    expect((await txPool.submit(extrinsic(batchCall(all.slice(4, 8)), 1), "external")).status).toBe("ready");
    // Bob's pherry relays the same cluster's messages: the same batch, a shifted one, a single.
    await expect(txPool.submit(extrinsic(batchCall(all.slice(0, 4)), 0, sr.Bob), "external")).rejects.toThrowError(
      priorityTooLow,
    );
    await expect(txPool.submit(extrinsic(batchCall(all.slice(2, 10)), 0, sr.Bob), "external")).rejects.toThrowError(
      priorityTooLow,
    );
    await expect(txPool.submit(extrinsic(singleCall(all[5]!), 0, sr.Bob), "external")).rejects.toThrowError(
      priorityTooLow,
    );
    // What nobody sent yet is taken, after the pending ones.
    expect((await txPool.submit(extrinsic(batchCall(all.slice(8, 12)), 0, sr.Bob), "external")).status).toBe("ready");
    expect(txPool.stats().ready.count).toBe(3);
    expect(txPool.isProvided(mqTag(sender, 11n))).toBe(true);
    // A batch past a sequence nobody holds is a gap, refused rather than parked.
    await expect(
      txPool.submit(extrinsic(batchCall(messages(keypair, 13n, 2)), 1, sr.Bob), "external"),
    ).rejects.toThrowError(expect.objectContaining({ details: expect.objectContaining({ reason: "Future" }) }));
  });
});
