import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  decodeExact,
  decodeWorkerRecord,
  devAccounts,
  encodeMessageOrigin,
  fromHex,
  storageKey,
  toHex,
  workerOrigin,
  workerRecordKey,
} from "@phala-ts/core";
import { u64 } from "@polkadot-api/substrate-bindings";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devSpec, specToJson } from "../../packages/node/src/chain/chainSpec.js";
import type { RuntimeCall } from "../../packages/node/src/runtime/runtime.js";
import { runtime, sudoCall, until } from "./chainHelpers.test-util.js";
import { type PhalaProcess, spawnNode, tempBasePath } from "./nodeProcess.test-util.js";
import { RpcClient } from "./rpcClient.test-util.js";
import { freePort, infoOf, logged, WorkerProcesses } from "./workerProcess.test-util.js";

const sr = devAccounts("sr25519");
const U32_MAX = 0xffff_ffff;

/** A chain spec file: the dev chain with fast blocks, or one that refuses simulated evidence. */
function writeSpec(dir: string, options: { allowSimulated: boolean }): string {
  const dev = devSpec();
  const path = join(dir, `spec-${options.allowSimulated ? "sim" : "nosim"}.json`);
  const spec = {
    ...dev,
    blockTimeMs: 100,
    attestation: { ...dev.attestation, allowSimulated: options.allowSimulated },
  };
  writeFileSync(path, JSON.stringify(specToJson(spec)));
  return path;
}

describe("pherry between a real node and a real pRuntime", () => {
  const base = tempBasePath();
  let node: PhalaProcess;
  let nodePort: number;
  let rpc: RpcClient;
  let worker: WorkerProcesses;
  const cleanups: (() => Promise<void>)[] = [];

  const nodeArgs = (spec: string, dir: string, port: number) => [
    "--chain",
    spec,
    "--base-path",
    dir,
    "--validator",
    "--key",
    "//Alice",
    "--rpc-port",
    String(port),
  ];
  const startNode = async () => {
    node = await spawnNode(nodeArgs(writeSpec(base.path, { allowSimulated: true }), join(base.path, "node"), nodePort));
  };
  const sudo = (call: RuntimeCall) => sudoCall(rpc, call);
  const storageAt = async (key: Uint8Array, at?: string) =>
    rpc.call<string | null>("state_getStorage", [toHex(key), ...(at === undefined ? [] : [at])]);
  const workerRecord = async (identity: string) => {
    const raw = await storageAt(workerRecordKey(fromHex(identity)));
    return raw === null ? undefined : decodeWorkerRecord(fromHex(raw));
  };

  beforeAll(async () => {
    nodePort = await freePort();
    await startNode();
    rpc = await RpcClient.connect(node.url);
    worker = new WorkerProcesses(join(base.path, "worker"), () => `ws://127.0.0.1:${nodePort}`);
    await worker.startPRuntime();
    await worker.startPherry();
  }, 60_000);

  afterAll(async () => {
    rpc?.close();
    await worker?.stop();
    await node?.stop();
    for (const cleanup of cleanups) await cleanup();
    base.remove();
  });

  it("reports the chain's refusal of a build not on the allowlist, then registers once sudo allows it", async () => {
    const info = await infoOf(worker.pruntimeUrl);
    const refusal = await until(
      async () => logged(worker.pherry, /refuses this worker's registration/),
      30_000,
      "pherry to report the refusal",
    );
    expect(refusal["code"]).toBe("PHERRY_EXTRINSIC_REFUSED");
    expect((refusal["details"] as { error: string }).error).toBe("PhalaRegistry.MeasurementNotAllowed");
    expect(await workerRecord(info.identityPublicKey)).toBeUndefined();

    await sudo({
      type: "PhalaRegistry",
      value: { type: "addPruntime", value: { measurement: fromHex(info.measurement) } },
    });
    const record = await until(() => workerRecord(info.identityPublicKey), 60_000, "the worker to be registered");
    expect(toHex(record.pubkey)).toBe(info.identityPublicKey);
    expect(toHex(record.ecdhPubkey)).toBe(info.ecdhPublicKey);
    expect(toHex(record.measurement)).toBe(info.measurement);
    expect(record.attestationProvider.type).toBe("Simulated");
    expect(record.operator && toHex(record.operator)).toBe(toHex(sr.Bob.accountId));
  }, 120_000);

  it("refuses a registration whose info was changed after it was attested", async () => {
    const { ExtrinsicSubmitter, NodeRpc, registerWorkerCall } = await import("../../packages/pherry/src/index.js");
    const { decodeOperatorBody, runtimeInfoResponseCodec, decodeRuntimeInfo, encodeRuntimeInfo } = await import(
      "@phala-ts/core"
    );
    const response = await fetch(`${worker.pruntimeUrl}/operator/runtime-info`);
    const { info, attestation } = decodeOperatorBody(
      runtimeInfoResponseCodec,
      new Uint8Array(await response.arrayBuffer()),
      "runtime info",
    );
    const changed = encodeRuntimeInfo({ ...decodeRuntimeInfo(info), operator: sr.Eve.accountId });
    const submitter = await ExtrinsicSubmitter.connect(new NodeRpc(node.url), sr.Ferdie);
    const verdict = await submitter.dryRun(registerWorkerCall(submitter.metadata, changed, attestation));
    expect(verdict).toEqual({ ok: false, kind: "dispatch", error: "PhalaRegistry.ReportDataMismatch" });
    expect(await submitter.dryRun(registerWorkerCall(submitter.metadata, info, attestation))).toEqual({ ok: true });
  }, 30_000);

  it("is refused by a chain whose spec forbids simulated attestation", async () => {
    const dir = join(base.path, "strict");
    const port = await freePort();
    const strict = await spawnNode(nodeArgs(writeSpec(base.path, { allowSimulated: false }), join(dir, "node"), port));
    const strictWorker = new WorkerProcesses(join(dir, "worker"), () => strict.url);
    cleanups.push(async () => {
      await strictWorker.stop();
      await strict.stop();
    });
    await strictWorker.startPRuntime();
    await strictWorker.startPherry();
    const refusal = await until(
      async () => logged(strictWorker.pherry, /refuses this worker's registration/),
      30_000,
      "the strict chain's refusal",
    );
    expect((refusal["details"] as { error: string }).error).toBe("PhalaRegistry.SimulatedAttestationNotAllowed");
  }, 60_000);

  it("delivers every heartbeat exactly once and in order across kill -9 of pherry, the pRuntime and the node", async () => {
    const info = await infoOf(worker.pruntimeUrl);
    const origin = workerOrigin(fromHex(info.identityPublicKey));
    const ingressKey = storageKey("PhalaMq", "OffchainIngress", ["Blake2_128Concat", encodeMessageOrigin(origin)]);
    const taken = async (at?: string) => {
      const raw = await storageAt(ingressKey, at);
      return raw === null ? 0n : decodeExact(u64.dec, fromHex(raw), "sequence");
    };
    await sudo({
      type: "PhalaComputation",
      value: { type: "setHeartbeatParams", value: { target: U32_MAX, window: 100_000 } },
    });
    const flowing = async (atLeast: bigint) =>
      until(async () => ((await taken()) >= atLeast ? true : undefined), 60_000, `${atLeast} messages taken`);
    await flowing(10n);

    const pause = () => new Promise((r) => setTimeout(r, 200 + Math.floor(Math.random() * 1500)));
    // pherry: its pool submissions survive it; the next one resubmits only what is missing.
    await pause();
    worker.pherry.child.kill("SIGKILL");
    await worker.pherry.exited;
    await worker.startPherry();
    await flowing((await taken()) + 10n);
    // The pRuntime: it resumes from an older checkpoint and re-creates the same messages.
    await pause();
    worker.pruntime.child.kill("SIGKILL");
    await worker.pruntime.exited;
    await worker.startPRuntime();
    await flowing((await taken()) + 10n);
    // The node: its pool is gone; pherry resubmits what the chain has not taken.
    rpc.close();
    await pause();
    node.child.kill("SIGKILL");
    await node.exited;
    await startNode();
    rpc = await RpcClient.connect(node.url);
    await flowing((await taken()) + 10n);

    // Freeze a finalized block the pRuntime has dispatched, and read the chain at it.
    const head = await rpc.call<string>("chain_getFinalizedHead");
    const headNumber = Number((await rpc.call<{ number: string }>("chain_getHeader", [head])).number);
    const synced = await until(
      async () => {
        const now = await infoOf(worker.pruntimeUrl);
        return now.dispatchedHeight >= headNumber ? now : undefined;
      },
      60_000,
      "the pRuntime to dispatch the frozen head",
    );
    expect(synced.dispatchedHeight).toBeGreaterThanOrEqual(headNumber);

    const received: number[] = [];
    const refused: unknown[] = [];
    for (let n = 1; n <= headNumber; n++) {
      const hash = await rpc.call<string>("chain_getBlockHash", [n]);
      const raw = await storageAt(storageKey("System", "Events"), hash);
      const events = raw === null ? [] : runtime.systemEvents.decl.type.codec.dec(fromHex(raw));
      for (const { event } of events) {
        if (event.type !== "PhalaComputation") continue;
        const inner = event.value as { type: string; value: { challengeBlock: number } };
        if (inner.type === "HeartbeatReceived") received.push(inner.value.challengeBlock);
        if (inner.type === "HeartbeatRefused") refused.push(inner.value);
      }
    }
    expect(refused).toEqual([]);
    expect(received.length).toBeGreaterThanOrEqual(40);
    expect(received.length).toBe(Number(await taken(head)));
    // Consecutive challenges, each answered once, in order: nothing lost, nothing twice.
    expect(received.every((block, i) => i === 0 || block === received[i - 1]! + 1)).toBe(true);
    const atHead = await rpc.call<{ stateRoot: string }>("chain_getHeader", [
      await rpc.call<string>("chain_getBlockHash", [synced.dispatchedHeight]),
    ]);
    expect(synced.stateRoot).toBe(atHead.stateRoot);
  }, 300_000);
});
