import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** `../shared/vectors` beside the repository (override with PHALA_SHARED_DIR). */
export const SHARED_VECTORS_DIR =
  process.env["PHALA_SHARED_DIR"] !== undefined
    ? `${process.env["PHALA_SHARED_DIR"]}/vectors`
    : fileURLToPath(new URL("../../../../../shared/vectors", import.meta.url));

export function readVector<T>(relativePath: string): T {
  return JSON.parse(readFileSync(`${SHARED_VECTORS_DIR}/${relativePath}`, "utf8")) as T;
}
