import { decodeExtrinsic, devAccounts, fromHex, toHex } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { asyncErrorCodeOf } from "../../../core/src/testing/errorCode.test-util.js";
import { nodeMetadata } from "../nodeMetadata.test-util.js";
import { connect } from "../phalaClient.js";
import { isSdkError } from "../sdkError.js";
import { extrinsicEvents, hashOf, includingNode, moduleError } from "./includingNode.test-util.js";

const { Alice } = devAccounts("sr25519");
const measurement = toHex(new Uint8Array(32).fill(0x4d));

type Outcome = { sudid: { type: "Ok" } | { type: "Err"; value: unknown } } | { outerError: unknown } | "noSudid";

/** A node that includes every submission, its events the Sudid event (unless none) and the extrinsic's own outcome. */
async function sudoNode(outcome: Outcome) {
  const sudid =
    typeof outcome === "object" && "sudid" in outcome
      ? [{ type: "Sudo", value: { type: "Sudid", value: { sudoResult: outcome.sudid } } }]
      : [];
  const failure = typeof outcome === "object" && "outerError" in outcome ? outcome.outerError : undefined;
  const { node, submitted } = await includingNode(extrinsicEvents(sudid, failure));
  const client = await connect(node.url, { requestTimeoutMs: 2_000 });
  return { node, client, submitted };
}

describe("client.sudo", () => {
  it("submits Sudo.sudo(call), encoded as metadata encodes the wrapped call, and resolves when the call succeeded", async () => {
    const { client, submitted } = await sudoNode({ sudid: { type: "Ok" } });
    try {
      const result = await client.sudo(Alice, "PhalaRegistry", "addPruntime", { measurement });
      const call = decodeExtrinsic(fromHex(submitted[0]!)).call;
      expect(call).toEqual(
        nodeMetadata.encodeCall("Sudo", "sudo", {
          call: { type: "PhalaRegistry", value: { type: "add_pruntime", value: { measurement } } },
        }),
      );
      expect(result).toMatchObject({ ok: true, blockHash: hashOf(0xbb), blockNumber: 11, index: 1 });
      expect(result.events.map((e) => `${e.pallet}.${e.name}`)).toEqual(["Sudo.Sudid", "System.ExtrinsicSuccess"]);
    } finally {
      await client.close();
    }
  });

  it("rejects with TX_FAILED naming the wrapped call's Pallet.Error when Sudid reports it failed", async () => {
    const { client } = await sudoNode({
      sudid: { type: "Err", value: moduleError("PhalaRegistry", "MeasurementAlreadyAllowed") },
    });
    try {
      const error = await client.sudo(Alice, "PhalaRegistry", "add_pruntime", { measurement }).catch((e) => e);
      expect(isSdkError(error, "TX_FAILED")).toBe(true);
      expect(error.message).toMatch(
        /^PhalaRegistry\.add_pruntime failed under sudo: PhalaRegistry\.MeasurementAlreadyAllowed/,
      );
      expect(error.details).toMatchObject({
        error: "PhalaRegistry.MeasurementAlreadyAllowed",
        pallet: "PhalaRegistry",
        call: "PhalaRegistry.add_pruntime",
        sudo: true,
        blockHash: hashOf(0xbb),
        blockNumber: 11,
        index: 1,
      });
      expect(error.details.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    } finally {
      await client.close();
    }
  });

  it("names a wrapped call's error outside any pallet by its variant", async () => {
    const { client } = await sudoNode({ sudid: { type: "Err", value: { type: "BadOrigin" } } });
    try {
      const error = await client.sudo(Alice, "PhalaRegistry", "rotate_master_key").catch((e) => e);
      expect(isSdkError(error, "TX_FAILED")).toBe(true);
      expect(error.details).toMatchObject({ error: "BadOrigin", call: "PhalaRegistry.rotate_master_key" });
      expect(error.details.pallet).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it("rejects with Sudo.RequireSudo when the signer is not the sudo key, and NODE_BAD_REPLY without a Sudid", async () => {
    const refused = await sudoNode({ outerError: moduleError("Sudo", "RequireSudo") });
    try {
      const error = await refused.client.sudo(Alice, "PhalaRegistry", "rotate_master_key").catch((e) => e);
      expect(isSdkError(error, "TX_FAILED")).toBe(true);
      expect(error.details).toMatchObject({ error: "Sudo.RequireSudo", pallet: "Sudo" });
    } finally {
      await refused.client.close();
    }
    const silent = await sudoNode("noSudid");
    try {
      expect(await asyncErrorCodeOf(() => silent.client.sudo(Alice, "PhalaRegistry", "rotate_master_key"))).toBe(
        "NODE_BAD_REPLY",
      );
    } finally {
      await silent.client.close();
    }
  });

  it("refuses an unknown call or arguments that do not fit before anything is signed", async () => {
    const { client, node } = await sudoNode({ sudid: { type: "Ok" } });
    try {
      const unknown = await client.sudo(Alice, "PhalaRegistry", "add_prutime", { measurement }).catch((e) => e);
      expect(isSdkError(unknown, "METADATA_MISMATCH")).toBe(true);
      expect(unknown.details.calls).toContain("add_pruntime");
      expect(await asyncErrorCodeOf(() => client.sudo(Alice, "PhalaRegistri", "add_pruntime", { measurement }))).toBe(
        "METADATA_MISMATCH",
      );
      const bad = await client.sudo(Alice, "PhalaRegistry", "add_pruntime", { measurement: "0x01" }).catch((e) => e);
      expect(isSdkError(bad, "ARGS_INVALID")).toBe(true);
      expect(bad.message).toBe("PhalaRegistry.add_pruntime: measurement must be 32 bytes (a Uint8Array or 0x-hex)");
      expect(node.calls.map((c) => c.method)).not.toContain("system_accountNextIndex");
      expect(node.calls.map((c) => c.method)).not.toContain("author_submitAndWatchExtrinsic");
    } finally {
      await client.close();
    }
  });
});
