import type { Attestation } from "@phala-ts/attestation";
import type { EnclavePlatform, SealedStore } from "../platform/enclavePlatform.js";

/** Sealed files in a map, shared across "restarts" by passing the same map. */
export function memoryPlatform(files = new Map<string, Uint8Array>()): EnclavePlatform & { files: typeof files } {
  const sealed: SealedStore = {
    async write(name, data) {
      files.set(name, data.slice());
    },
    async read(name) {
      return files.get(name)?.slice();
    },
    async list(prefix) {
      return [...files.keys()].filter((n) => n.startsWith(prefix)).sort();
    },
    async remove(name) {
      files.delete(name);
    },
  };
  return {
    kind: "sim",
    measurement: new Uint8Array(32).fill(7),
    sealed,
    files,
    async quote(reportData): Promise<Attestation> {
      return { type: "Simulated", value: reportData.slice() };
    },
  };
}
