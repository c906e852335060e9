import { concatBytes } from "@phala-ts/core";
import type { ChainMetadata } from "../chain/chainMetadata.js";
import { describeDispatchError } from "../chain/dispatchError.js";
import { SdkError } from "../sdkError.js";
import type { TxResult } from "./submitExtrinsic.js";

/**
 * The SCALE bytes of `Sudo.sudo(call)` around an encoded call. Its one argument is the runtime's
 * call enum, which encodes as the wrapped call's own bytes, so they are taken as they are: the
 * wrapped call keeps the names and errors of `encodeCall`.
 */
export function encodeSudoCall(metadata: ChainMetadata, call: Uint8Array): Uint8Array {
  const sudo = metadata.call("Sudo", "sudo");
  const fields = sudo.args.type === "struct" ? sudo.args.value : {};
  if (Object.keys(fields).join() !== "call" || fields["call"]?.type !== "enum") {
    throw new SdkError("METADATA_MISMATCH", "the chain's Sudo.sudo does not take one call", {
      pallet: "Sudo",
      call: "sudo",
      fields: Object.keys(fields),
    });
  }
  return concatBytes(Uint8Array.from(sudo.location), call);
}

interface SudoResult {
  readonly success?: boolean;
  readonly value?: unknown;
}

/**
 * `result`, a `Sudo.sudo` that was included, if the call it wraps (`what`, `Pallet.call`) succeeded.
 * Sudo.sudo succeeds whatever its call does and reports the call's outcome in a `Sudo.Sudid` event:
 * a failure is `TX_FAILED` with `details.error` the call's error, named as `describeDispatchError`
 * names it (`PhalaRegistry.GatekeeperAlreadyRegistered`, `BadOrigin`).
 */
export function checkSudid(metadata: ChainMetadata, result: TxResult, what: string): TxResult {
  const sudid = result.events.find((event) => event.pallet === "Sudo" && event.name === "Sudid");
  const outcome = (sudid?.data as { sudo_result?: SudoResult } | undefined)?.sudo_result;
  const where = { txHash: result.txHash, blockHash: result.blockHash, blockNumber: result.blockNumber };
  if (typeof outcome?.success !== "boolean") {
    throw new SdkError("NODE_BAD_REPLY", "the node reports a Sudo.sudo transaction without its Sudo.Sudid event", {
      call: what,
      ...where,
    });
  }
  if (outcome.success) return result;
  const error = describeDispatchError(metadata, outcome.value);
  throw new SdkError(
    "TX_FAILED",
    `${what} failed under sudo: ${error.name}${error.docs === "" ? "" : ` (${error.docs})`}`,
    {
      error: error.name,
      ...(error.pallet === undefined ? {} : { pallet: error.pallet }),
      dispatchError: error.raw,
      call: what,
      sudo: true,
      ...where,
      index: result.index,
    },
  );
}
