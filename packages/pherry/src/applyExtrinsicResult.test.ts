import { Trie, toHex } from "@phala-ts/core";
import { buildMetadata, createPhalaRuntime } from "@phala-ts/node";
import { describe, expect, it } from "vitest";
// How the node answers `system_dryRun`, which is not part of its package's API.
import { encodeApplyExtrinsicResult } from "../../node/src/chain/applyExtrinsicResult.js";
import { TransactionInvalidError } from "../../node/src/chain/transactionValidity.js";
import { ExecutionContext } from "../../node/src/runtime/context.js";
import { DispatchError, type DispatchErrorValue } from "../../node/src/runtime/dispatchError.js";
import { signedOrigin } from "../../node/src/runtime/origin.js";
import { StateOverlay } from "../../node/src/runtime/overlay.js";
import { describeApplyResult } from "./applyExtrinsicResult.js";
import { ChainMetadata } from "./chainMetadata.js";

const runtime = createPhalaRuntime();
const metadata = ChainMetadata.fromHex(toHex(buildMetadata(runtime)));
const describeBytes = (...bytes: number[]) => describeApplyResult(Uint8Array.from(bytes), metadata);

/**
 * The dispatch error the node's runtime raises for `run`. Duck-typed: the runtime comes from the
 * node's package, so its DispatchError class is not necessarily the one imported here.
 */
function dispatchErrorOf(run: (exec: ExecutionContext) => void): { label: string; error: DispatchErrorValue } {
  const exec = new ExecutionContext(new StateOverlay(Trie.empty("V1")), { number: 1, parentHash: new Uint8Array(32) });
  try {
    run(exec);
  } catch (error) {
    const { label, error: value } = error as { label?: unknown; error?: DispatchErrorValue };
    if (typeof label === "string" && value !== undefined) return { label, error: value };
    throw error;
  }
  throw new Error("the call succeeded");
}

describe("describeApplyResult", () => {
  it("reads Ok(Ok(())) as success", () => {
    expect(describeBytes(0, 0)).toEqual({ ok: true });
    expect(describeApplyResult(encodeApplyExtrinsicResult({ dispatchError: undefined, fee: 1n }), metadata)).toEqual({
      ok: true,
    });
  });

  it("names a module error through the chain's metadata", () => {
    // Ok(Err(Module { index: 7, error: [5, 0, 0, 0] })): PhalaRegistry's sixth error.
    expect(describeBytes(0, 1, 3, 7, 5, 0, 0, 0)).toEqual({
      ok: false,
      kind: "dispatch",
      error: "PhalaRegistry.MeasurementNotAllowed",
    });
    // An error the metadata does not know keeps its indices.
    expect(describeBytes(0, 1, 3, 7, 250, 0, 0, 0)).toEqual({ ok: false, kind: "dispatch", error: "Module(7, 250)" });
    expect(describeBytes(0, 1, 3, 99, 0, 0, 0, 0)).toEqual({ ok: false, kind: "dispatch", error: "Module(99, 0)" });
  });

  it("names a module error the node's runtime raised and encoded", () => {
    const error = dispatchErrorOf((exec) =>
      runtime.dispatch(exec, signedOrigin(new Uint8Array(32)), {
        type: "PhalaMq",
        value: {
          type: "syncOffchainMessage",
          value: {
            signedMessage: {
              message: {
                sender: { type: "AccountId", value: new Uint8Array(32) },
                destination: Uint8Array.of(0x61),
                payload: new Uint8Array(),
              },
              sequence: 0n,
              signature: new Uint8Array(64),
            },
          },
        },
      }),
    );
    expect(error.label).toBe("PhalaMq.BadSender");
    const bytes = encodeApplyExtrinsicResult({ dispatchError: error.error, fee: 1n });
    expect(describeApplyResult(bytes, metadata)).toEqual({ ok: false, kind: "dispatch", error: "PhalaMq.BadSender" });
  });

  it("names the other dispatch errors by their sp-runtime variant", () => {
    expect(describeBytes(0, 1, 2)).toEqual({ ok: false, kind: "dispatch", error: "BadOrigin" });
    const badOrigin = encodeApplyExtrinsicResult({ dispatchError: DispatchError.badOrigin().error, fee: 0n });
    expect(describeApplyResult(badOrigin, metadata)).toEqual({ ok: false, kind: "dispatch", error: "BadOrigin" });
    const token = encodeApplyExtrinsicResult({ dispatchError: DispatchError.token("FundsUnavailable").error, fee: 0n });
    expect(describeApplyResult(token, metadata)).toEqual({ ok: false, kind: "dispatch", error: "Token" });
    expect(describeBytes(0, 1, 0)).toEqual({ ok: false, kind: "dispatch", error: "Other" });
    expect(describeBytes(0, 1, 13)).toEqual({ ok: false, kind: "dispatch", error: "RootNotAllowed" });
    expect(describeBytes(0, 1, 40)).toEqual({ ok: false, kind: "dispatch", error: "DispatchError(40)" });
    // A module error cut short is not named from bytes that are not there.
    expect(describeBytes(0, 1, 3, 7)).toEqual({ ok: false, kind: "dispatch", error: "Module" });
  });

  it("names validity errors: Err(Invalid(Stale)) and the others", () => {
    expect(describeBytes(1, 0, 3)).toEqual({ ok: false, kind: "invalid", error: "Stale" });
    for (const reason of ["Payment", "Future", "Stale", "BadProof", "AncientBirthBlock", "BadSigner"] as const) {
      const bytes = encodeApplyExtrinsicResult(new TransactionInvalidError(reason));
      expect(describeApplyResult(bytes, metadata)).toEqual({ ok: false, kind: "invalid", error: reason });
    }
    expect(describeBytes(1, 0, 7, 42)).toEqual({ ok: false, kind: "invalid", error: "Custom" });
    expect(describeBytes(1, 0, 99)).toEqual({ ok: false, kind: "invalid", error: "Invalid(99)" });
  });

  it("reports anything else as unknown", () => {
    expect(describeBytes(1, 1, 0)).toEqual({ ok: false, kind: "unknown", error: "UnknownTransaction" });
    expect(describeBytes()).toEqual({ ok: false, kind: "unknown", error: "UnknownTransaction" });
    expect(describeBytes(0)).toEqual({ ok: false, kind: "unknown", error: "UnknownTransaction" });
    expect(describeBytes(0, 1)).toEqual({ ok: false, kind: "unknown", error: "UnknownTransaction" });
    expect(describeBytes(2, 0)).toEqual({ ok: false, kind: "unknown", error: "UnknownTransaction" });
  });
});
