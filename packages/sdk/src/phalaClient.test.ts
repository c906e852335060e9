import { toHex } from "@phala-ts/core";
import { buildMetadata } from "@phala-ts/node";
import { describe, expect, it } from "vitest";
import { asyncErrorCodeOf } from "../../core/src/testing/errorCode.test-util.js";
import { runtime } from "./nodeMetadata.test-util.js";
import { connect } from "./phalaClient.js";
import { fakeNode } from "./rpc/fakeNode.test-util.js";

const hashOf = (n: number) => toHex(new Uint8Array(32).fill(n));

describe("PhalaClient", () => {
  it("reads what it learns once at connect, and the number of a block by its hash", async () => {
    const node = await fakeNode({
      chain_getBlockHash: () => hashOf(0),
      state_getRuntimeVersion: () => ({ specName: "phala-ts", specVersion: 7, transactionVersion: 2 }),
      state_getMetadata: () => toHex(buildMetadata(runtime)),
      system_chain: () => "Development",
      chain_getHeader: (params) => (params[0] === hashOf(0xbb) ? { number: "0x2a", parentHash: hashOf(0xba) } : null),
    });
    const client = await connect(node.url, { requestTimeoutMs: 2_000 });
    try {
      expect(client.genesisHash).toBe(hashOf(0));
      expect(client.runtimeVersion).toEqual({ specName: "phala-ts", specVersion: 7, transactionVersion: 2 });
      expect(client.chainName).toBe("Development");
      expect(await client.blockNumber(hashOf(0xbb))).toBe(42);
      expect(await asyncErrorCodeOf(() => client.blockNumber(hashOf(0xcc)))).toBe("NODE_BAD_REPLY");
    } finally {
      await client.close();
    }
  });
});
