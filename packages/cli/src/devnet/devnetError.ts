import { PhalaError } from "@phala-ts/core";

export type DevnetErrorCode =
  /** A port the devnet needs is taken. */
  | "DEVNET_PORT_IN_USE"
  /** Another devnet runs on the data directory. */
  | "DEVNET_LOCKED"
  /** The data directory holds something other than a devnet. */
  | "DEVNET_NOT_A_DEVNET_DIR"
  /** devnet.json or spec.json cannot be read. */
  | "DEVNET_BAD_STATE"
  /** An option out of range. */
  | "DEVNET_BAD_OPTION"
  /** A child exited before it was ready on its first start. */
  | "DEVNET_PROCESS_FAILED"
  /** A bootstrap stage did not complete in time, or failed. */
  | "DEVNET_STAGE_FAILED"
  /** Stopped (Ctrl-C) before it was ready. */
  | "DEVNET_STOPPED"
  /** `devnet logs` of a name that is not one of the devnet's processes. */
  | "DEVNET_UNKNOWN_PROCESS"
  /** `devnet logs` where there is no log. */
  | "DEVNET_NO_LOG";

export class DevnetError extends PhalaError<DevnetErrorCode> {
  override readonly name = "DevnetError";
}
