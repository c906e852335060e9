import { devAccounts, toHex } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { nodeMetadata as metadata, runtime } from "../nodeMetadata.test-util.js";
import { decodeEvents, eventsOfExtrinsic } from "./chainEvents.js";
import { describeDispatchError } from "./dispatchError.js";

const { Alice, Bob } = devAccounts("sr25519");
const dispatchInfo = {
  weight: { refTime: 1_000n, proofSize: 0n },
  class: { type: "Normal" },
  paysFee: { type: "Yes" },
};
const address = (id: Uint8Array) => metadata.builder.buildDefinition(0).dec(id) as string;

/** `System.Events` as the node stores them. */
function storedEvents(): Uint8Array {
  return runtime.encodeEvents([
    {
      phase: { type: "Initialization", value: undefined },
      event: { type: "System", value: { type: "CodeUpdated", value: undefined } },
      topics: [],
    },
    {
      phase: { type: "ApplyExtrinsic", value: 1 },
      event: {
        type: "Balances",
        value: { type: "Transfer", value: { from: Alice.accountId, to: Bob.accountId, amount: 5n } },
      },
      topics: [new Uint8Array(32).fill(1)],
    },
    {
      phase: { type: "ApplyExtrinsic", value: 1 },
      event: { type: "System", value: { type: "ExtrinsicSuccess", value: { dispatchInfo } } },
      topics: [],
    },
    {
      phase: { type: "ApplyExtrinsic", value: 2 },
      event: {
        type: "System",
        value: {
          type: "ExtrinsicFailed",
          value: {
            dispatchError: { type: "Module", value: { index: 2, error: Uint8Array.of(2, 0, 0, 0) } },
            dispatchInfo,
          },
        },
      },
      topics: [],
    },
    {
      phase: { type: "ApplyExtrinsic", value: 3 },
      event: {
        type: "System",
        value: {
          type: "ExtrinsicFailed",
          value: {
            dispatchError: { type: "Token", value: { type: "FundsUnavailable", value: undefined } },
            dispatchInfo,
          },
        },
      },
      topics: [],
    },
    {
      phase: { type: "Finalization", value: undefined },
      event: {
        type: "PhalaPhatContracts",
        value: { type: "ClusterCreated", value: { cluster: new Uint8Array(32).fill(7) } },
      },
      topics: [],
    },
  ] as never);
}

describe("events", () => {
  it("decodes System.Events through the node's metadata", () => {
    const events = decodeEvents(metadata, toHex(storedEvents()));
    expect(events.map((e) => `${e.pallet}.${e.name}`)).toEqual([
      "System.CodeUpdated",
      "Balances.Transfer",
      "System.ExtrinsicSuccess",
      "System.ExtrinsicFailed",
      "System.ExtrinsicFailed",
      "PhalaPhatContracts.ClusterCreated",
    ]);
    expect(events[1]).toEqual({
      pallet: "Balances",
      name: "Transfer",
      data: { from: address(Alice.accountId), to: address(Bob.accountId), amount: 5n },
      phase: { type: "ApplyExtrinsic", index: 1 },
      topics: [toHex(new Uint8Array(32).fill(1))],
    });
    expect(events[0]!.phase).toEqual({ type: "Initialization" });
    expect(events[5]).toMatchObject({
      phase: { type: "Finalization" },
      data: { cluster: toHex(new Uint8Array(32).fill(7)) },
    });
    expect(eventsOfExtrinsic(events, 1).map((e) => e.name)).toEqual(["Transfer", "ExtrinsicSuccess"]);
    expect(decodeEvents(metadata, null)).toEqual([]);
  });

  it("names dispatch errors: module errors as Pallet.Error from metadata, others by their variants", () => {
    const events = decodeEvents(metadata, storedEvents());
    const errorOf = (index: number) =>
      describeDispatchError(
        metadata,
        (eventsOfExtrinsic(events, index)[0]!.data as { dispatch_error: unknown }).dispatch_error,
      );
    expect(errorOf(2)).toMatchObject({ name: "Balances.InsufficientBalance", pallet: "Balances" });
    expect(errorOf(3)).toMatchObject({ name: "Token.FundsUnavailable" });
    expect(describeDispatchError(metadata, { type: "BadOrigin" }).name).toBe("BadOrigin");
    expect(describeDispatchError(metadata, 42).name).toBe("Unknown");
  });
});
