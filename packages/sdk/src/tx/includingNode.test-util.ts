import { toHex } from "@phala-ts/core";
import { buildMetadata } from "@phala-ts/node";
import type { LookupEntry } from "@polkadot-api/metadata-builders";
import { nodeMetadata, runtime } from "../nodeMetadata.test-util.js";
import { type FakeNode, fakeNode } from "../rpc/fakeNode.test-util.js";

export const hashOf = (n: number): string => toHex(new Uint8Array(32).fill(n));

/** The block every submission lands in: #11, finalized. */
export const INCLUDED_IN = { number: 11, hash: hashOf(0xbb) };

const dispatchInfo = { weight: { refTime: 1n, proofSize: 0n }, class: { type: "Normal" }, paysFee: { type: "Yes" } };

/** `Module { index, error }` of `pallet`'s error `name`, at the indices the node's metadata gives them. */
export function moduleError(pallet: string, name: string): { type: "Module"; value: unknown } {
  const { index, errors } = nodeMetadata.pallet(pallet);
  const variants = (nodeMetadata.lookup(errors!.type) as Extract<LookupEntry, { type: "enum" }>).value;
  return { type: "Module", value: { index, error: Uint8Array.of(variants[name]!.idx, 0, 0, 0) } };
}

/**
 * `System.Events` (hex) of a block whose extrinsic 1 caused `events` (runtime events: `{ type: pallet,
 * value: { type: name, value } }`), then `System.ExtrinsicSuccess`, or `ExtrinsicFailed` with `failure`.
 */
export function extrinsicEvents(events: readonly unknown[], failure?: unknown): string {
  const record = (event: unknown) => ({ phase: { type: "ApplyExtrinsic", value: 1 }, event, topics: [] });
  const outcome =
    failure === undefined
      ? { type: "ExtrinsicSuccess", value: { dispatchInfo } }
      : { type: "ExtrinsicFailed", value: { dispatchError: failure, dispatchInfo } };
  return toHex(runtime.encodeEvents([...events, { type: "System", value: outcome }].map(record) as never));
}

/**
 * A node a client can connect to (the node's real metadata) that includes every submission at
 * index 1 of block #11 and finalizes it, reporting ready, inBlock and finalized; the block's
 * events are `events` (see `extrinsicEvents`).
 */
export async function includingNode(events: string): Promise<{ node: FakeNode; submitted: string[] }> {
  const submitted: string[] = [];
  const node = await fakeNode({
    chain_getBlockHash: (params) => hashOf(Number(params[0] ?? 10)),
    state_getRuntimeVersion: () => ({ specName: "phala-ts", specVersion: 1, transactionVersion: 1 }),
    state_getMetadata: () => toHex(buildMetadata(runtime)),
    system_chain: () => "Development",
    system_accountNextIndex: () => 0,
    // The best header is #10; a header asked by hash is the inclusion block's.
    chain_getHeader: (params) => ({ number: params[0] === undefined ? "0xa" : "0xb", parentHash: hashOf(9) }),
    author_submitAndWatchExtrinsic: (params, connection) => {
      submitted.push(String(params[0]));
      setImmediate(() => {
        connection.notify("author_extrinsicUpdate", "watch", "ready");
        connection.notify("author_extrinsicUpdate", "watch", { inBlock: INCLUDED_IN.hash });
        connection.notify("author_extrinsicUpdate", "watch", { finalized: INCLUDED_IN.hash });
      });
      return "watch";
    },
    author_unwatchExtrinsic: () => true,
    chain_getBlock: () => ({ block: { header: { number: "0xb" }, extrinsics: ["0x1234", submitted.at(-1)] } }),
    state_getStorage: () => events,
  });
  return { node, submitted };
}
