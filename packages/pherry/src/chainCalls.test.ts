import { keypairFromUri, signMessage, toHex, topicFromString, workerOrigin } from "@phala-ts/core";
import { buildMetadata, createPhalaRuntime } from "@phala-ts/node";
import { metadata as metadataCodec } from "@polkadot-api/substrate-bindings";
import { describe, expect, it } from "vitest";
import { errorCodeOf } from "../../core/src/testing/errorCode.test-util.js";
import { mqBatchLimits, SINGLE_MESSAGES, syncOffchainMessagesCall } from "./chainCalls.js";
import { ChainMetadata } from "./chainMetadata.js";

const runtime = createPhalaRuntime();
const nodeMetadata = buildMetadata(runtime);
const metadata = ChainMetadata.fromHex(toHex(nodeMetadata));
const worker = keypairFromUri("//worker", "ed25519");

type MetadataV14 = Extract<ReturnType<typeof metadataCodec.dec>["metadata"], { tag: "v14" }>["value"];

/** The node's metadata after `edit` to its PhalaMq pallet: what a node running another runtime would answer. */
function editedMq(edit: (pallet: MetadataV14["pallets"][number], v14: MetadataV14) => void): ChainMetadata {
  const decoded = metadataCodec.dec(nodeMetadata);
  if (decoded.metadata.tag !== "v14") throw new Error("the node's metadata is not v14");
  const v14 = decoded.metadata.value;
  edit(v14.pallets.find((p) => p.name === "PhalaMq")!, v14);
  return ChainMetadata.fromHex(toHex(metadataCodec.enc(decoded)));
}

describe("PhalaMq.sync_offchain_messages for pherry", () => {
  it("builds exactly the node's call", () => {
    const sender = workerOrigin(worker.publicKey);
    for (const count of [0, 1, 3, 64]) {
      const signedMessages = Array.from({ length: count }, (_, i) =>
        signMessage(
          worker,
          { sender, destination: topicFromString("phala/contract/x/reply"), payload: Uint8Array.of(i) },
          BigInt(i + 5),
        ),
      );
      const ours = syncOffchainMessagesCall(metadata, signedMessages);
      const call = { type: "PhalaMq", value: { type: "syncOffchainMessages", value: { signedMessages } } };
      expect(toHex(ours)).toBe(toHex(runtime.encodeCall(call)));
      expect(runtime.decodeCall(ours)).toEqual(call);
    }
    expect([...metadata.callIndex("PhalaMq", "sync_offchain_messages", ["signed_messages"])]).toEqual([6, 2]);
  });

  it("reads the batch bounds from the chain's constants", () => {
    expect(mqBatchLimits(metadata)).toEqual({ maxMessages: 64, maxPayloadBytes: 512 * 1024 });
    expect(metadata.errorName(6, 5)).toBe("PhalaMq.EmptyBatch");
    expect(metadata.errorName(6, 8)).toBe("PhalaMq.SequenceGap");
  });

  it("falls back to one message per extrinsic on a chain without the batch call or its bounds", () => {
    const withoutCall = editedMq((pallet, v14) => {
      const def = v14.lookup[pallet.calls!]!.def;
      if (def.tag === "variant") def.value = def.value.filter((v) => v.name !== "sync_offchain_messages");
    });
    expect(mqBatchLimits(withoutCall)).toEqual(SINGLE_MESSAGES);
    expect(errorCodeOf(() => syncOffchainMessagesCall(withoutCall, []))).toBe("PHERRY_METADATA_MISMATCH");
    const withoutBounds = editedMq((pallet) => {
      pallet.constants = pallet.constants.filter((c) => c.name !== "MaxBatchMessages");
    });
    expect(mqBatchLimits(withoutBounds)).toEqual(SINGLE_MESSAGES);
    const otherBounds = editedMq((pallet) => {
      const constant = pallet.constants.find((c) => c.name === "MaxBatchMessages")!;
      constant.value = "0x10000000" as typeof constant.value;
    });
    expect(mqBatchLimits(otherBounds)).toEqual({ maxMessages: 16, maxPayloadBytes: 512 * 1024 });
  });
});
