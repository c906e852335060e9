import { clusterIdFromIndex, fromHex, toHex } from "@phala-ts/core";
import { SdkError } from "../sdkError.js";

/** A 32-byte id (a worker key, cluster, contract, code hash) given as 0x-hex or bytes, as lowercase 0x-hex. */
export function normalizeHex32(value: string | Uint8Array, what: string): string {
  let bytes: Uint8Array | undefined;
  if (value instanceof Uint8Array) bytes = value;
  else if (typeof value === "string") {
    try {
      bytes = fromHex(value);
    } catch {
      bytes = undefined;
    }
  }
  if (bytes === undefined || bytes.length !== 32) {
    throw new SdkError("ARGS_INVALID", `${what} must be 32 bytes (0x-hex or a Uint8Array)`, { what });
  }
  return toHex(bytes);
}

/** A cluster given as its id (0x-hex or bytes) or its index on chain (0, 1, …). */
export type ClusterRef = string | Uint8Array | number | bigint;

export function clusterIdOf(cluster: ClusterRef): string {
  if (typeof cluster === "number" || typeof cluster === "bigint") {
    const index = BigInt(cluster);
    if (index < 0n || index >= 1n << 64n)
      throw new SdkError("ARGS_INVALID", "a cluster index is a u64", { cluster: String(cluster) });
    return toHex(clusterIdFromIndex(index));
  }
  return normalizeHex32(cluster, "cluster");
}
