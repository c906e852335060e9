import {
  decodeExtrinsic,
  devAccounts,
  type Ed25519Keypair,
  ed25519Generate,
  encodeMessageOrigin,
  fromHex,
  type MessageOrigin,
  type SignedMessage,
  signedMessageCodec,
  signMessage,
  toHex,
  topicFromString,
} from "@phala-ts/core";
import { buildMetadata, createPhalaRuntime } from "@phala-ts/node";
import { metadata as metadataCodec, Vector } from "@polkadot-api/substrate-bindings";
import { describe, expect, it } from "vitest";
import { SINGLE_MESSAGES } from "./chainCalls.js";
import { chunkEgress, relayEgress } from "./egressRelay.js";
import { ExtrinsicSubmitter } from "./extrinsicSubmitter.js";
import { useFakeHttpServers } from "./fakeHttpServer.test-util.js";
import { NodeRpc } from "./nodeRpc.js";
import { PRuntimeClient } from "./pruntimeClient.js";

const runtime = createPhalaRuntime();
const fakeServers = useFakeHttpServers();
const operator = devAccounts("sr25519").Ferdie;
const limits = { maxMessages: 4, maxPayloadBytes: 10 };

function worker(): { keypair: Ed25519Keypair; sender: MessageOrigin } {
  const { keypair } = ed25519Generate();
  return { keypair, sender: { type: "Worker", value: keypair.publicKey } };
}

/** `count` messages of `keypair`'s worker from sequence `from`, each with a payload of `size` bytes. */
function messages(keypair: Ed25519Keypair, from: bigint, count: number, size = 1): SignedMessage[] {
  const sender: MessageOrigin = { type: "Worker", value: keypair.publicKey };
  return Array.from({ length: count }, (_, i) =>
    signMessage(
      keypair,
      { sender, destination: topicFromString("phala/test"), payload: new Uint8Array(size).fill(i) },
      from + BigInt(i),
    ),
  );
}

const sequences = (batches: readonly (readonly SignedMessage[])[]) =>
  batches.map((batch) => batch.map((m) => Number(m.sequence)));

describe("chunkEgress", () => {
  const { keypair } = worker();

  it("cuts consecutive messages from the next sequence into batches within the count bound", () => {
    const all = messages(keypair, 0n, 11);
    expect(sequences(chunkEgress(all, 0n, limits))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 10],
    ]);
    expect(sequences(chunkEgress(all, 6n, limits))).toEqual([[6, 7, 8, 9], [10]]);
    expect(chunkEgress(all, 11n, limits)).toEqual([]);
    expect(sequences(chunkEgress(all, 0n, SINGLE_MESSAGES))).toEqual(all.map((m) => [Number(m.sequence)]));
  });

  it("keeps each batch within the payload bound; a message over it goes alone", () => {
    const sized = [3, 3, 3, 3, 12, 1, 9, 1].map((size, i) => messages(keypair, BigInt(i), 1, size)[0]!);
    expect(sequences(chunkEgress(sized, 0n, limits))).toEqual([[0, 1, 2], [3], [4], [5, 6], [7]]);
  });

  it("stops at a missing sequence, and gives nothing when the messages do not reach the next one", () => {
    const all = messages(keypair, 0n, 8);
    const gapped = [...all.slice(0, 3), ...all.slice(4)];
    expect(sequences(chunkEgress(gapped, 1n, limits))).toEqual([[1, 2]]);
    expect(chunkEgress(all.slice(2), 1n, limits)).toEqual([]);
  });
});

interface Submission {
  readonly nonce: number;
  readonly call: string;
  readonly sequences: number[];
}

type Refusal = { code: number; message: string; data?: string };

/**
 * A node and a pRuntime on 127.0.0.1, standing in for the real ones far enough for the relay: the
 * node keeps, per sender, the chain's next sequence and the sequences its pool holds (so
 * pha_getMqNextSequence counts them), and refuses as the real pool does (Stale, a gap as Future,
 * a sequence already pending as Priority is too low). `before` runs ahead of each submission, for
 * a test to act as another pherry or a block.
 */
async function fakeRelay(
  egress: readonly SignedMessage[],
  options: { metadata?: Uint8Array; before?: (s: Submission) => Refusal | undefined } = {},
) {
  const chainNext = new Map<string, bigint>();
  const pool = new Map<string, Set<bigint>>();
  const submissions: Submission[] = [];
  const methods: string[] = [];
  let accountNonce = 0;
  const pooled = (sender: string) => {
    let set = pool.get(sender);
    if (set === undefined) {
      set = new Set();
      pool.set(sender, set);
    }
    return set;
  };
  const next = (sender: string) => {
    let n = chainNext.get(sender) ?? 0n;
    while (pooled(sender).has(n)) n++;
    return n;
  };
  const metadataHex = toHex(options.metadata ?? buildMetadata(runtime));
  const submit = (hex: string): string | Refusal => {
    const xt = decodeExtrinsic(fromHex(hex));
    const call = runtime.decodeCall(xt.call) as { value: { type: string; value: Record<string, unknown> } };
    const batch =
      call.value.type === "syncOffchainMessage"
        ? [call.value.value.signedMessage as SignedMessage]
        : (call.value.value.signedMessages as SignedMessage[]);
    const submission = {
      nonce: xt.signed!.extra.nonce,
      call: call.value.type,
      sequences: batch.map((m) => Number(m.sequence)),
    };
    const refusal = options.before?.(submission);
    if (refusal !== undefined) return refusal;
    const sender = toHex(encodeMessageOrigin(batch[0]!.message.sender));
    const first = batch[0]!.sequence;
    if (first < (chainNext.get(sender) ?? 0n)) return { code: 1010, message: "Invalid Transaction", data: "Stale" };
    if (batch.some((m) => pooled(sender).has(m.sequence))) {
      return { code: 1014, message: "Priority is too low", data: "TXPOOL_PRIORITY_TOO_LOW" };
    }
    if (first > next(sender)) return { code: 1010, message: "Invalid Transaction", data: "Future" };
    for (const m of batch) pooled(sender).add(m.sequence);
    if (submission.nonce === accountNonce) accountNonce++;
    submissions.push(submission);
    return `0x${"00".repeat(32)}`;
  };
  const node = await fakeServers(({ body }) => {
    const { id, method, params } = JSON.parse(new TextDecoder().decode(body)) as {
      id: number;
      method: string;
      params: unknown[];
    };
    methods.push(method);
    const json = (answer: { result: unknown } | { error: Refusal }) => ({
      body: JSON.stringify({ jsonrpc: "2.0", id, ...answer }),
      type: "application/json",
    });
    const reply = (result: unknown) => json({ result });
    switch (method) {
      case "chain_getBlockHash":
        return reply(`0x${"11".repeat(32)}`);
      case "state_getRuntimeVersion":
        return reply({ specVersion: 1, transactionVersion: 1 });
      case "state_getMetadata":
        return reply(metadataHex);
      case "chain_getHeader":
        return reply({ number: "0x10" });
      case "system_accountNextIndex":
        return reply(accountNonce);
      case "pha_getMqNextSequence":
        return reply(Number(next(params[0] as string)));
      case "author_submitExtrinsic": {
        const outcome = submit(params[0] as string);
        return typeof outcome === "string" ? reply(outcome) : json({ error: outcome });
      }
      default:
        return json({ error: { code: -32601, message: "Method not found" } });
    }
  });
  const pruntime = await fakeServers(() => ({ body: Vector(signedMessageCodec).enc([...egress]) }));
  const submitter = await ExtrinsicSubmitter.connect(new NodeRpc(node.url), operator);
  methods.length = 0;
  return {
    relay: () => relayEgress(new PRuntimeClient(pruntime.url), submitter),
    stopNode: () => node.close(),
    submissions,
    methods,
    pool: (origin: MessageOrigin) => pooled(toHex(encodeMessageOrigin(origin))),
    setChainNext: (origin: MessageOrigin, sequence: bigint) =>
      chainNext.set(toHex(encodeMessageOrigin(origin)), sequence),
  };
}

/** The node's metadata without `PhalaMq.sync_offchain_messages`: an older runtime. */
function metadataWithoutBatchCall(): Uint8Array {
  const decoded = metadataCodec.dec(buildMetadata(runtime));
  if (decoded.metadata.tag !== "v14") throw new Error("the node's metadata is not v14");
  const v14 = decoded.metadata.value;
  const def = v14.lookup[v14.pallets.find((p) => p.name === "PhalaMq")!.calls!]!.def;
  if (def.tag !== "variant") throw new Error("PhalaMq's calls are not an enum");
  def.value = def.value.filter((v) => v.name !== "sync_offchain_messages");
  return metadataCodec.enc(decoded);
}

describe("relayEgress", () => {
  it("submits each sender's messages as batches, signed together with consecutive nonces", async () => {
    const a = worker();
    const b = worker();
    const egress = [...messages(a.keypair, 0n, 150), ...messages(b.keypair, 0n, 1)];
    const relay = await fakeRelay(egress);
    relay.setChainNext(a.sender, 10n);
    expect(await relay.relay()).toEqual({ pending: 151, submitted: 141, extrinsics: 4 });
    expect(relay.submissions).toEqual([
      { nonce: 0, call: "syncOffchainMessages", sequences: Array.from({ length: 64 }, (_, i) => 10 + i) },
      { nonce: 1, call: "syncOffchainMessages", sequences: Array.from({ length: 64 }, (_, i) => 74 + i) },
      { nonce: 2, call: "syncOffchainMessages", sequences: Array.from({ length: 12 }, (_, i) => 138 + i) },
      // One message goes as the single call.
      { nonce: 3, call: "syncOffchainMessage", sequences: [0] },
    ]);
    // One header lookup and one nonce query for the whole round.
    expect(relay.methods.filter((m) => m === "chain_getHeader")).toHaveLength(1);
    expect(relay.methods.filter((m) => m === "system_accountNextIndex")).toHaveLength(1);
    // The next round finds everything in the pool and submits nothing.
    expect(await relay.relay()).toEqual({ pending: 151, submitted: 0, extrinsics: 0 });
  });

  it("skips a batch another pherry put in the pool first, and goes on from what follows it", async () => {
    const { keypair, sender } = worker();
    const relay = await fakeRelay(messages(keypair, 0n, 100), {
      before: (s) => {
        // Another pherry's batch lands between our query and our submission.
        if (s.sequences[0] === 0) for (let seq = 0n; seq < 64n; seq++) relay.pool(sender).add(seq);
        return undefined;
      },
    });
    expect(await relay.relay()).toEqual({ pending: 100, submitted: 36, extrinsics: 1 });
    // The refused extrinsic's nonce was reused: the count was reset and the rest signed again.
    expect(relay.submissions).toEqual([
      { nonce: 0, call: "syncOffchainMessages", sequences: Array.from({ length: 36 }, (_, i) => 64 + i) },
    ]);
  });

  it("skips a batch the chain took since (Stale), from the sequence it expects now", async () => {
    const { keypair, sender } = worker();
    let taken = false;
    const relay = await fakeRelay(messages(keypair, 0n, 70), {
      before: () => {
        if (!taken) relay.setChainNext(sender, 5n);
        taken = true;
        return undefined;
      },
    });
    expect(await relay.relay()).toEqual({ pending: 70, submitted: 65, extrinsics: 2 });
    expect(relay.submissions.map((s) => [s.nonce, s.sequences[0], s.sequences.length])).toEqual([
      [0, 5, 64],
      [1, 69, 1],
    ]);
  });

  it("leaves a sender for the next round when a skip does not move its next sequence", async () => {
    const { keypair, sender } = worker();
    const relay = await fakeRelay(messages(keypair, 0n, 10));
    // Later messages pending without these: the pool says Priority is too low, and the next is still 0.
    relay.pool(sender).add(7n);
    expect(await relay.relay()).toEqual({ pending: 10, submitted: 0, extrinsics: 0 });
    expect(relay.submissions).toEqual([]);
  });

  it("ends a sender's round on any other refusal, relays the other senders, then throws it", async () => {
    const a = worker();
    const b = worker();
    const aMessages = messages(a.keypair, 0n, 100);
    const relay = await fakeRelay([...aMessages, ...messages(b.keypair, 0n, 3)], {
      before: (s) =>
        s.sequences[0] === 64 && s.sequences.length === 36
          ? { code: 1010, message: "Invalid Transaction", data: "BadProof" }
          : undefined,
    });
    await expect(relay.relay()).rejects.toMatchObject({
      code: "PHERRY_NODE_ERROR",
      details: { rpcCode: 1010, data: "BadProof" },
    });
    // a's first batch, then b's (signed again after the refusal, with the nonce a's refused one had).
    expect(relay.submissions.map((s) => [s.nonce, s.sequences[0], s.sequences.length])).toEqual([
      [0, 0, 64],
      [1, 0, 3],
    ]);
    expect(relay.methods.filter((m) => m === "system_accountNextIndex")).toHaveLength(2);
  });

  it("throws at once when the node is gone", async () => {
    const { keypair } = worker();
    const relay = await fakeRelay(messages(keypair, 0n, 3));
    await relay.stopNode();
    await expect(relay.relay()).rejects.toMatchObject({ code: "PHERRY_NODE_UNREACHABLE" });
  });

  it("sends one message per extrinsic to a chain without the batch call", async () => {
    const { keypair } = worker();
    const relay = await fakeRelay(messages(keypair, 0n, 3), { metadata: metadataWithoutBatchCall() });
    expect(await relay.relay()).toEqual({ pending: 3, submitted: 3, extrinsics: 3 });
    expect(relay.submissions.map((s) => [s.nonce, s.call, s.sequences])).toEqual([
      [0, "syncOffchainMessage", [0]],
      [1, "syncOffchainMessage", [1]],
      [2, "syncOffchainMessage", [2]],
    ]);
  });
});
