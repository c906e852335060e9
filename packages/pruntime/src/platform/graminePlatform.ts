import { assertGramineDcap, GRAMINE_ATTESTATION_ROOT, gramineMeasurement, gramineQuote } from "@phala-ts/attestation";
import type { EnclavePlatform } from "./enclavePlatform.js";
import { FileSealedStore, type SealCodec } from "./fileSealedStore.js";

export const GRAMINE_SEALED_DIR = "/data/protected";

export interface GraminePlatformOptions {
  /** A directory under the manifest's encrypted mount keyed to `_sgx_mrenclave`. */
  readonly sealedDir?: string;
  /** Gramine's attestation pseudo-files; `/dev/attestation` unless testing. */
  readonly attestationRoot?: string;
}

// Gramine's encrypted mount encrypts, authenticates and binds each file to its path; a second
// layer would add nothing.
const plainCodec: SealCodec = {
  seal: (_name, data) => data,
  unseal: (_name, content) => content,
};

/**
 * The `gramine` platform: real SGX under Gramine. The measurement is MRENCLAVE, quotes are DCAP
 * quotes from `/dev/attestation`, and sealed files are plain files under `sealedDir`, which the
 * manifest mounts as encrypted with the MRENCLAVE sealing key. Fails at once unless Gramine is set
 * up for DCAP attestation.
 */
export async function openGraminePlatform(options: GraminePlatformOptions = {}): Promise<EnclavePlatform> {
  const root = options.attestationRoot ?? GRAMINE_ATTESTATION_ROOT;
  await assertGramineDcap({ root });
  const measurement = await gramineMeasurement({ root });
  const sealed = await FileSealedStore.open(options.sealedDir ?? GRAMINE_SEALED_DIR, plainCodec);
  return {
    kind: "gramine",
    measurement,
    sealed,
    quote: (reportData) => gramineQuote(reportData, { root }),
  };
}
