import { ed25519Generate, toHex, type WorkerRecord, workerRecordCodec, workerRecordKey } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import type { ChainContext } from "../chain/chainContext.js";
import { nodeMetadata } from "../nodeMetadata.test-util.js";
import { fakeNode } from "../rpc/fakeNode.test-util.js";
import { RpcSocket } from "../rpc/rpcSocket.js";
import { SdkError } from "../sdkError.js";
import { verifyWorker } from "./verifyWorker.js";

const GENESIS = toHex(new Uint8Array(32).fill(0x11));
const { keypair: identity } = ed25519Generate();
const { keypair: stranger } = ed25519Generate();
const ecdh = new Uint8Array(32).fill(5);
const measurement = new Uint8Array(32).fill(6);

const record: WorkerRecord = {
  pubkey: identity.publicKey,
  ecdhPubkey: ecdh,
  runtimeVersion: 1,
  machineId: new Uint8Array(16),
  features: [1],
  operator: undefined,
  attestationProvider: { type: "Simulated", value: undefined },
  measurement,
  confidenceLevel: 5,
  lastUpdated: 1_700_000_000_000n,
};

const info = {
  version: "0.1.0",
  role: "worker",
  platform: "sim",
  measurement: toHex(measurement),
  identityPublicKey: toHex(identity.publicKey),
  ecdhPublicKey: toHex(ecdh),
  initialized: true,
  genesisHash: GENESIS,
};

/** A chain that has `registered` in `PhalaRegistry.Workers`. */
async function chain(registered: WorkerRecord[] = [record]): Promise<ChainContext> {
  const stored = new Map<string, string>(
    registered.map((r) => [toHex(workerRecordKey(r.pubkey)), toHex(workerRecordCodec.enc(r))]),
  );
  const node = await fakeNode({ state_getStorage: (params) => stored.get(String(params[0])) ?? null });
  const rpc = await RpcSocket.connect(node.url);
  return {
    rpc,
    metadata: nodeMetadata,
    genesisHash: GENESIS,
    runtimeVersion: { specName: "phala-ts", specVersion: 1, transactionVersion: 1 },
  };
}

/** A worker whose /info answers `body`, signed by `signer` (unsigned when null). */
function worker(body: unknown, signer: typeof identity | null = identity): typeof fetch {
  const bytes = Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
  return async () =>
    new Response(bytes, {
      status: 200,
      headers: signer === null ? {} : { "x-phala-signature": toHex(signer.sign(bytes)) },
    });
}

async function refusal(ctx: ChainContext, fetch: typeof globalThis.fetch) {
  const error = await verifyWorker("http://worker.test:8000", ctx, { fetch }).catch((e: unknown) => e);
  if (!(error instanceof SdkError)) throw new Error(`expected an SdkError, got ${String(error)}`);
  return { code: error.code, message: error.message, ...error.details };
}

describe("verifying a worker", () => {
  it("accepts a registered worker whose signed /info matches its registration, and reports its attestation", async () => {
    const ctx = await chain();
    const verified = await verifyWorker("http://worker.test:8000/", ctx, { fetch: worker(info) });
    expect(verified).toMatchObject({
      identity: toHex(identity.publicKey),
      ecdhPubkey: toHex(ecdh),
      measurement: toHex(measurement),
      attestation: { kind: "Simulated", confidenceLevel: 5 },
      registration: { registeredAtMs: 1_700_000_000_000 },
    });
    expect(verified.info).toEqual(info);
    await ctx.rpc.close();
  });

  it("refuses an unsigned /info, or one signed by another key than the one it names", async () => {
    const ctx = await chain();
    expect(await refusal(ctx, worker(info, null))).toMatchObject({ code: "WORKER_BAD_SIGNATURE" });
    expect(await refusal(ctx, worker(info, stranger))).toMatchObject({ code: "WORKER_BAD_SIGNATURE" });
    // Signed over other bytes than those served.
    const signedOther: typeof fetch = async () =>
      new Response(JSON.stringify(info), {
        headers: { "x-phala-signature": toHex(identity.sign(Buffer.from(JSON.stringify({ ...info, role: "x" })))) },
      });
    expect(await refusal(ctx, signedOther)).toMatchObject({ code: "WORKER_BAD_SIGNATURE" });
    await ctx.rpc.close();
  });

  it("refuses a worker the chain does not know", async () => {
    const ctx = await chain([]);
    expect(await refusal(ctx, worker(info))).toMatchObject({
      code: "WORKER_NOT_REGISTERED",
      identity: toHex(identity.publicKey),
    });
    // Another key, validly self-signed, that nobody registered.
    const ctx2 = await chain();
    expect(
      await refusal(ctx2, worker({ ...info, identityPublicKey: toHex(stranger.publicKey) }, stranger)),
    ).toMatchObject({
      code: "WORKER_NOT_REGISTERED",
    });
    await ctx.rpc.close();
    await ctx2.rpc.close();
  });

  it("names what differs from the registration", async () => {
    const ctx = await chain();
    const other = toHex(new Uint8Array(32).fill(9));
    expect(await refusal(ctx, worker({ ...info, ecdhPublicKey: other }))).toMatchObject({
      code: "WORKER_MISMATCH",
      field: "ecdhPubkey",
      claimed: other,
      registered: toHex(ecdh),
      message: expect.stringContaining("ECDH key"),
    });
    expect(await refusal(ctx, worker({ ...info, measurement: other }))).toMatchObject({
      code: "WORKER_MISMATCH",
      field: "measurement",
    });
    expect(await refusal(ctx, worker({ ...info, genesisHash: other }))).toMatchObject({
      code: "WORKER_MISMATCH",
      field: "genesisHash",
    });
    await ctx.rpc.close();
  });

  it("refuses what is not a pRuntime's /info, and an unreachable worker", async () => {
    const ctx = await chain();
    expect(await refusal(ctx, worker("<html>"))).toMatchObject({ code: "WORKER_BAD_INFO" });
    expect(await refusal(ctx, worker({ ...info, identityPublicKey: "0x12" }))).toMatchObject({
      code: "WORKER_BAD_INFO",
      field: "identityPublicKey",
    });
    const notFound: typeof fetch = async () => new Response("{}", { status: 404 });
    expect(await refusal(ctx, notFound)).toMatchObject({ code: "WORKER_BAD_INFO", status: 404 });
    const down: typeof fetch = async () => {
      throw new TypeError("fetch failed");
    };
    expect(await refusal(ctx, down)).toMatchObject({ code: "WORKER_UNREACHABLE" });
    expect(await verifyWorker("ftp://x", ctx).catch((e: SdkError) => e.code)).toBe("WORKER_UNREACHABLE");
    await ctx.rpc.close();
  });
});
