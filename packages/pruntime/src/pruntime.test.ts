import {
  decodeRuntimeInfo,
  devAccounts,
  type Message,
  messageOriginCodec,
  phalaTopic,
  runtimeInfoReportData,
  storageKey,
  toHex,
  verifySignedMessage,
  workerOrigin,
} from "@phala-ts/core";
import { u64 } from "@polkadot-api/substrate-bindings";
import { describe, expect, it } from "vitest";
import { asyncErrorCodeOf, errorCodeOf } from "../../core/src/testing/errorCode.test-util.js";
import type { MessageHandler, StatefulHandler } from "./dispatch/messageRouter.js";
import { PRuntime } from "./pruntime.js";
import { memoryPlatform } from "./testing/memoryPlatform.test-util.js";
import { GENESIS_AUTHORITIES, TestChain } from "./testing/testChain.test-util.js";

const stranger = devAccounts("ed25519").Eve;

const topic = phalaTopic("test", "echo");
const message = (n: number): Message => ({
  sender: { type: "Pallet", value: new TextEncoder().encode("Test") },
  destination: topic,
  payload: Uint8Array.of(n),
});

/** Records what it receives; its state (the payloads seen) goes into checkpoints. */
class Recorder implements StatefulHandler {
  readonly stateName = "recorder";
  seen: number[] = [];
  handle(m: Message) {
    if (m.payload[0] === 0xff) throw Object.assign(new Error("refused"), { code: "TEST_REFUSED" });
    this.seen.push(m.payload[0]!);
  }
  saveState() {
    return Uint8Array.from(this.seen);
  }
  loadState(bytes: Uint8Array) {
    this.seen = [...bytes];
  }
}

async function openRuntime(files?: Map<string, Uint8Array>, recorder = new Recorder(), checkpointEvery = 1000) {
  const platform = memoryPlatform(files);
  const runtime = await PRuntime.open({
    platform,
    checkpointEvery,
    setup: (router) => router.on("phala/test", recorder),
  });
  return { runtime, recorder, files: platform.files };
}

function snapshot(runtime: PRuntime) {
  const info = runtime.info();
  return { syncedHeight: info.syncedHeight, dispatchedHeight: info.dispatchedHeight, stateRoot: info.stateRoot };
}

describe("PRuntime", () => {
  it("syncs, verifies and dispatches blocks, delivering messages in order", async () => {
    const chain = new TestChain();
    chain.produce({ messages: [message(1), message(2)] });
    chain.produce();
    chain.produce({ messages: [message(3)] });
    const { runtime, recorder } = await openRuntime();
    const registration = await runtime.init(chain.initRequest());
    const info = decodeRuntimeInfo(registration.info);
    expect(toHex(info.genesisHash)).toBe(toHex(chain.genesis.hash));
    expect(toHex(info.identityPublicKey)).toBe(runtime.info().identityPublicKey);
    expect([...registration.attestation.slice(-64)]).toEqual([...runtimeInfoReportData(registration.info)]);

    expect(runtime.syncHeader(chain.syncRequest(1, 3))).toEqual({ syncedHeight: 3, dispatchedHeight: 0 });
    expect(await runtime.dispatchBlocks(chain.dispatchRequest(1, 3))).toEqual({ syncedHeight: 3, dispatchedHeight: 3 });
    expect(recorder.seen).toEqual([1, 2, 3]);
    expect(runtime.info().stateRoot).toBe(chain.head.header.stateRoot);
    expect(runtime.info().messages.count).toBe("3");
  });

  it("leaves height and state root unchanged after every kind of rejected input", async () => {
    const chain = new TestChain();
    for (let i = 0; i < 4; i++) chain.produce({ changes: [[Uint8Array.of(0x42, i), Uint8Array.of(i)]] });
    const { runtime } = await openRuntime();
    await runtime.init(chain.initRequest());
    runtime.syncHeader(chain.syncRequest(1, 2));
    await runtime.dispatchBlocks(chain.dispatchRequest(1, 1));
    const before = snapshot(runtime);

    const rejectsSync = (request: Parameters<PRuntime["syncHeader"]>[0]) =>
      errorCodeOf(() => runtime.syncHeader(request));
    expect(rejectsSync(chain.syncRequest(4, 4))).toBe("LIGHT_CLIENT_HEADER_NOT_LINKED");
    expect(rejectsSync({ ...chain.syncRequest(3, 4), justification: undefined })).toBe("LIGHT_CLIENT_NO_JUSTIFICATION");
    expect(rejectsSync({ headers: chain.syncRequest(3, 4).headers, justification: chain.justify(3) })).toBe(
      "JUSTIFICATION_WRONG_TARGET",
    );
    expect(rejectsSync({ headers: [Uint8Array.of(1, 2, 3)], justification: chain.justify(3) })).toMatch(/^SCALE_/);
    const [a, b, c] = GENESIS_AUTHORITIES;
    const batch = chain.syncRequest(3, 4).headers;
    expect(rejectsSync({ headers: batch, justification: chain.justify(4, { signers: [a!, b!] }) })).toBe(
      "JUSTIFICATION_INSUFFICIENT_WEIGHT",
    );
    expect(rejectsSync({ headers: batch, justification: chain.justify(4, { signers: [a!, b!, stranger] }) })).toBe(
      "JUSTIFICATION_UNKNOWN_SIGNER",
    );
    expect(rejectsSync({ headers: batch, justification: chain.justify(4, { signers: [a!, b!, c!], setId: 7n }) })).toBe(
      "JUSTIFICATION_BAD_SIGNATURE",
    );

    const block2 = chain.dispatchRequest(2, 2)[0]!;
    const tamper = async (changes: typeof block2.changes) =>
      asyncErrorCodeOf(() => runtime.dispatchBlocks([{ number: 2, changes }]));
    const [first, ...rest] = block2.changes;
    expect(await tamper([[first![0], Uint8Array.of(9, 9)], ...rest])).toBe("DISPATCH_STATE_ROOT_MISMATCH");
    expect(await tamper([[Uint8Array.of(0x41), first![1]], ...rest])).toBe("DISPATCH_STATE_ROOT_MISMATCH");
    expect(await tamper(rest)).toBe("DISPATCH_STATE_ROOT_MISMATCH");
    expect(await tamper([...block2.changes, [Uint8Array.of(0xfe), Uint8Array.of(1)]])).toBe(
      "DISPATCH_STATE_ROOT_MISMATCH",
    );
    expect(await tamper([...block2.changes].reverse())).toBe("DISPATCH_CHANGES_UNSORTED");
    expect(await asyncErrorCodeOf(() => runtime.dispatchBlocks(chain.dispatchRequest(1, 1)))).toBe(
      "DISPATCH_BLOCK_REPEATED",
    );
    expect(await asyncErrorCodeOf(() => runtime.dispatchBlocks(chain.dispatchRequest(3, 3)))).toBe(
      "DISPATCH_BLOCK_SKIPPED",
    );
    // A request whose second block is bad applies neither.
    const mixed = [...chain.dispatchRequest(2, 2), { number: 3, changes: [] as typeof block2.changes }];
    expect(await asyncErrorCodeOf(() => runtime.dispatchBlocks(mixed))).toBe("DISPATCH_BLOCK_NOT_SYNCED");
    expect(await asyncErrorCodeOf(() => runtime.init(chain.initRequest()))).toBe("LIGHT_CLIENT_ALREADY_INITIALIZED");
    expect(snapshot(runtime)).toEqual(before);

    await runtime.dispatchBlocks(chain.dispatchRequest(2, 2));
    expect(runtime.info().stateRoot).toBe(chain.blocks[2]!.header.stateRoot);
  });

  it("refuses everything before init, and a genesis whose storage does not match", async () => {
    const chain = new TestChain();
    chain.produce();
    const { runtime } = await openRuntime();
    expect(errorCodeOf(() => runtime.syncHeader(chain.syncRequest(1, 1)))).toBe("LIGHT_CLIENT_NOT_INITIALIZED");
    const tampered = chain.initRequest();
    tampered.genesisStorage[0] = [tampered.genesisStorage[0]![0], Uint8Array.of(1)];
    expect(await asyncErrorCodeOf(() => runtime.init(tampered))).toBe("LIGHT_CLIENT_GENESIS_ROOT_MISMATCH");
    expect(runtime.info().initialized).toBe(false);
  });

  it("counts a refused message and goes on with the block", async () => {
    const chain = new TestChain();
    chain.produce({ messages: [message(1), message(0xff), message(2)] });
    const { runtime, recorder } = await openRuntime();
    await runtime.init(chain.initRequest());
    runtime.syncHeader(chain.syncRequest(1, 1));
    await runtime.dispatchBlocks(chain.dispatchRequest(1, 1));
    expect(recorder.seen).toEqual([1, 2]);
    expect(runtime.info().messages.count).toBe("3");
  });

  it("keeps signed egress until verified state shows the chain took it", async () => {
    const chain = new TestChain();
    const emitter: MessageHandler = {
      handle(m, block) {
        block.egress.push(workerOrigin(runtimeKey), phalaTopic("test", "reply"), m.payload);
      },
    };
    let runtimeKey: Uint8Array = new Uint8Array();
    const runtime = await PRuntime.open({
      platform: memoryPlatform(),
      setup: (router, rt) => {
        runtimeKey = rt.keys.identity.publicKey;
        router.on("phala/test", emitter);
      },
    });
    const origin = workerOrigin(runtimeKey);
    const ingressKey = storageKey("PhalaMq", "OffchainIngress", ["Blake2_128Concat", messageOriginCodec.enc(origin)]);
    chain.produce({ messages: [message(1), message(2), message(3)] });
    chain.produce({ changes: [[ingressKey, u64.enc(2n)]] });
    await runtime.init(chain.initRequest());
    runtime.syncHeader(chain.syncRequest(1, 2));
    await runtime.dispatchBlocks(chain.dispatchRequest(1, 1));
    const pending = runtime.egressMessages();
    expect(pending.map((m) => m.sequence)).toEqual([0n, 1n, 2n]);
    expect(pending.every((m) => verifySignedMessage(m, runtimeKey))).toBe(true);
    await runtime.dispatchBlocks(chain.dispatchRequest(2, 2));
    expect(runtime.egressMessages().map((m) => [m.sequence, m.message.payload[0]])).toEqual([[2n, 3]]);
  });

  it("resumes from its newest checkpoint with the same keys, state, handler state and egress", async () => {
    const chain = new TestChain();
    for (let i = 1; i <= 6; i++) chain.produce({ messages: [message(i)] });
    const files = new Map<string, Uint8Array>();
    const { runtime } = await openRuntime(files, new Recorder(), 2);
    await runtime.init(chain.initRequest());
    runtime.syncHeader(chain.syncRequest(1, 6));
    for (let n = 1; n <= 5; n++) await runtime.dispatchBlocks(chain.dispatchRequest(n, n));
    // Checkpoints were sealed at 0 (init), 2 and 4; only the newest two are kept.
    expect([...files.keys()].filter((n) => n.startsWith("checkpoint-"))).toEqual([
      "checkpoint-0000000002",
      "checkpoint-0000000004",
    ]);

    const restarted = await openRuntime(files, new Recorder(), 2);
    expect(restarted.runtime.info().identityPublicKey).toBe(runtime.info().identityPublicKey);
    expect(snapshot(restarted.runtime)).toEqual({
      syncedHeight: 6,
      dispatchedHeight: 4,
      stateRoot: chain.blocks[4]!.header.stateRoot,
    });
    expect(restarted.recorder.seen).toEqual([1, 2, 3, 4]);
    await restarted.runtime.dispatchBlocks(chain.dispatchRequest(5, 6));
    expect(restarted.runtime.info().stateRoot).toBe(chain.head.header.stateRoot);
    expect(restarted.recorder.seen).toEqual([1, 2, 3, 4, 5, 6]);

    // A damaged newest checkpoint (now 6) falls back to the one before.
    const names = [...files.keys()].filter((n) => n.startsWith("checkpoint-")).sort();
    files.set(names.at(-1)!, Uint8Array.of(1, 2, 3));
    const fallback = await openRuntime(files, new Recorder(), 2);
    expect(fallback.runtime.info().dispatchedHeight).toBe(4);
  });

  it("dispatches even when a checkpoint cannot be written, and writes one at the next block", async () => {
    const chain = new TestChain();
    for (let i = 0; i < 3; i++) chain.produce();
    const platform = memoryPlatform();
    const runtime = await PRuntime.open({ platform, checkpointEvery: 100 });
    const write = platform.sealed.write.bind(platform.sealed);
    let failing = true;
    platform.sealed.write = async (name, data) => {
      if (failing && name.startsWith("checkpoint-")) throw Object.assign(new Error("disk full"), { code: "ENOSPC" });
      return write(name, data);
    };
    await runtime.init(chain.initRequest());
    runtime.syncHeader(chain.syncRequest(1, 3));
    failing = false;
    await runtime.dispatchBlocks(chain.dispatchRequest(1, 1));
    expect([...platform.files.keys()].filter((n) => n.startsWith("checkpoint-"))).toEqual(["checkpoint-0000000001"]);
    await runtime.dispatchBlocks(chain.dispatchRequest(2, 2));
    expect([...platform.files.keys()].filter((n) => n.startsWith("checkpoint-"))).toEqual(["checkpoint-0000000001"]);
  });
});
