import { encodeRuntimeInfo, keypairFromUri, type RuntimeInfo, signMessage, toHex, workerOrigin } from "@phala-ts/core";
import { buildMetadata, createPhalaRuntime } from "@phala-ts/node";
import { metadata as metadataCodec } from "@polkadot-api/substrate-bindings";
import { describe, expect, it } from "vitest";
import { errorCodeOf } from "../../core/src/testing/errorCode.test-util.js";
import { registerWorkerCall, syncOffchainMessageCall } from "./chainCalls.js";
import { ChainMetadata } from "./chainMetadata.js";

const runtime = createPhalaRuntime();
/** The bytes of the node's `state_getMetadata` answer. */
const nodeMetadata = buildMetadata(runtime);
const metadata = ChainMetadata.fromHex(toHex(nodeMetadata));

type MetadataV14 = Extract<ReturnType<typeof metadataCodec.dec>["metadata"], { tag: "v14" }>["value"];
type CallVariant = { name: string; index: number; fields: { name?: string | undefined }[] };

/** The node's metadata after `edit`: what a node running another runtime would answer. */
function editedMetadata(edit: (v14: MetadataV14, calls: (pallet: string) => CallVariant[]) => void): ChainMetadata {
  const decoded = metadataCodec.dec(nodeMetadata);
  if (decoded.metadata.tag !== "v14") throw new Error("the node's metadata is not v14");
  const v14 = decoded.metadata.value;
  edit(v14, (pallet) => {
    const def = v14.lookup[v14.pallets.find((p) => p.name === pallet)!.calls!]!.def;
    if (def.tag !== "variant") throw new Error(`${pallet}'s calls are not an enum`);
    return def.value as CallVariant[];
  });
  return ChainMetadata.fromHex(toHex(metadataCodec.enc(decoded)));
}

const worker = keypairFromUri("//worker", "ed25519");
const info: RuntimeInfo = {
  version: 1,
  machineId: new Uint8Array(16).fill(1),
  identityPublicKey: worker.publicKey,
  ecdhPublicKey: new Uint8Array(32).fill(2),
  genesisHash: new Uint8Array(32).fill(3),
  features: [4, 0],
  operator: keypairFromUri("//Alice").publicKey,
};

describe("ChainMetadata against the node's metadata", () => {
  it("builds exactly the node's PhalaMq.sync_offchain_message call", () => {
    const sender = workerOrigin(worker.publicKey);
    const message = {
      sender,
      destination: new TextEncoder().encode("^phala/computation/heartbeat"),
      payload: Uint8Array.of(1, 0, 0, 0),
    };
    for (const sequence of [0n, 1n, 2n ** 40n]) {
      const signedMessage = signMessage(worker, message, sequence);
      const ours = syncOffchainMessageCall(metadata, signedMessage);
      const node = runtime.encodeCall({
        type: "PhalaMq",
        value: { type: "syncOffchainMessage", value: { signedMessage } },
      });
      expect(toHex(ours)).toBe(toHex(node));
      expect(runtime.decodeCall(ours)).toEqual({
        type: "PhalaMq",
        value: { type: "syncOffchainMessage", value: { signedMessage } },
      });
    }
  });

  it("builds exactly the node's PhalaRegistry.register_worker call, from pRuntime's info bytes", () => {
    for (const attestation of [new Uint8Array(), Uint8Array.of(9), new Uint8Array(70_000).fill(7)]) {
      const ours = registerWorkerCall(metadata, encodeRuntimeInfo(info), attestation);
      const node = runtime.encodeCall({
        type: "PhalaRegistry",
        value: { type: "registerWorker", value: { pruntimeInfo: info, attestation } },
      });
      expect(toHex(ours)).toBe(toHex(node));
    }
  });

  it("finds calls by their snake_case names, with their argument names", () => {
    expect([...metadata.callIndex("PhalaMq", "sync_offchain_message", ["signed_message"])]).toEqual([6, 0]);
    expect([...metadata.callIndex("PhalaMq", "push_message", ["destination", "payload"])]).toEqual([6, 1]);
    expect([...metadata.callIndex("PhalaRegistry", "register_worker", ["pruntime_info", "attestation"])]).toEqual([
      7, 0,
    ]);
    expect([...metadata.callIndex("PhalaComputation", "set_heartbeat_params", ["target", "window"])]).toEqual([8, 0]);
  });

  it("refuses a missing pallet or call, or other argument names, as PHERRY_METADATA_MISMATCH", () => {
    const mismatch = (pallet: string, name: string, args: string[]) =>
      errorCodeOf(() => metadata.callIndex(pallet, name, args));
    expect(mismatch("PhalaNope", "register_worker", ["pruntime_info", "attestation"])).toBe("PHERRY_METADATA_MISMATCH");
    expect(mismatch("PhalaRegistry", "registerWorker", ["pruntime_info", "attestation"])).toBe(
      "PHERRY_METADATA_MISMATCH",
    );
    expect(mismatch("PhalaRegistry", "register_worker", ["attestation", "pruntime_info"])).toBe(
      "PHERRY_METADATA_MISMATCH",
    );
    expect(mismatch("PhalaRegistry", "register_worker", ["pruntime_info"])).toBe("PHERRY_METADATA_MISMATCH");
    expect(mismatch("PhalaRegistry", "register_worker", ["pruntime_info", "attestation", "x"])).toBe(
      "PHERRY_METADATA_MISMATCH",
    );
    // A pallet without calls.
    expect(metadata.metadata.pallets.find((p) => p.name === "TransactionPayment")?.calls).toBeUndefined();
    expect(mismatch("TransactionPayment", "anything", [])).toBe("PHERRY_METADATA_MISMATCH");
    let thrown: unknown;
    try {
      metadata.callIndex("PhalaRegistry", "register_worker", ["info", "attestation"]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      code: "PHERRY_METADATA_MISMATCH",
      details: { expected: ["info", "attestation"], actual: ["pruntime_info", "attestation"] },
    });
  });

  it("refuses to build a call the node's runtime lacks or declares otherwise", () => {
    const signed = signMessage(
      worker,
      { sender: workerOrigin(worker.publicKey), destination: new TextEncoder().encode("a"), payload: new Uint8Array() },
      0n,
    );
    const withoutRegistry = editedMetadata((v14) => {
      v14.pallets = v14.pallets.filter((p) => p.name !== "PhalaRegistry");
    });
    expect(errorCodeOf(() => registerWorkerCall(withoutRegistry, encodeRuntimeInfo(info), new Uint8Array()))).toBe(
      "PHERRY_METADATA_MISMATCH",
    );
    expect(toHex(syncOffchainMessageCall(withoutRegistry, signed))).toBe(
      toHex(syncOffchainMessageCall(metadata, signed)),
    );

    const withoutCall = editedMetadata((_, calls) => {
      calls("PhalaMq").splice(0, 1);
    });
    expect(errorCodeOf(() => syncOffchainMessageCall(withoutCall, signed))).toBe("PHERRY_METADATA_MISMATCH");

    const renamed = editedMetadata((_, calls) => {
      calls("PhalaMq")[0]!.fields[0]!.name = "message";
    });
    expect(errorCodeOf(() => syncOffchainMessageCall(renamed, signed))).toBe("PHERRY_METADATA_MISMATCH");

    const extraArgument = editedMetadata((_, calls) => {
      const register = calls("PhalaRegistry").find((c) => c.name === "register_worker")!;
      register.fields.push({ ...register.fields[1]!, name: "operator" });
    });
    expect(errorCodeOf(() => registerWorkerCall(extraArgument, encodeRuntimeInfo(info), new Uint8Array()))).toBe(
      "PHERRY_METADATA_MISMATCH",
    );

    // The calls pherry builds follow the chain's indices, whatever they are.
    const moved = editedMetadata((v14, calls) => {
      v14.pallets.find((p) => p.name === "PhalaRegistry")!.index = 42;
      calls("PhalaRegistry").find((c) => c.name === "register_worker")!.index = 3;
    });
    expect([...registerWorkerCall(moved, Uint8Array.of(0xaa), Uint8Array.of(0xbb))]).toEqual([42, 3, 0xaa, 4, 0xbb]);
  });

  it("names module errors by pallet and error index, and nothing else", () => {
    expect(metadata.errorName(7, 5)).toBe("PhalaRegistry.MeasurementNotAllowed");
    expect(metadata.errorName(6, 1)).toBe("PhalaMq.BadSequence");
    expect(metadata.errorName(8, 0)).toBe("PhalaComputation.InvalidWindow");
    expect(metadata.errorName(7, 200)).toBeUndefined();
    expect(metadata.errorName(99, 0)).toBeUndefined();
    expect(metadata.errorName(1, 0)).toBeUndefined(); // Timestamp declares no errors
  });

  it("refuses metadata that does not decode as PHERRY_BAD_NODE_REPLY", () => {
    expect(errorCodeOf(() => ChainMetadata.fromHex("0x1234"))).toBe("PHERRY_BAD_NODE_REPLY");
    expect(errorCodeOf(() => ChainMetadata.fromHex("not hex"))).toBe("PHERRY_BAD_NODE_REPLY");
    expect(errorCodeOf(() => ChainMetadata.fromHex(toHex(nodeMetadata).slice(0, 200)))).toBe("PHERRY_BAD_NODE_REPLY");
  });
});
