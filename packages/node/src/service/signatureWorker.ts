import { parentPort } from "node:worker_threads";
import { sr25519Ready, verifyMultiSignature } from "@phala-ts/core";
import { unpackChecks } from "./signatureBatch.js";

/** A verifier thread (`SignatureVerifier`): verifies each packed batch, answers one byte per check. */
export interface VerifyRequest {
  readonly id: number;
  readonly packed: Uint8Array;
}
export interface VerifyAnswer {
  readonly id: number;
  readonly valid: Uint8Array;
}

// Schnorrkel in WebAssembly, not the JavaScript fallback (about 5× slower); messages wait meanwhile.
await sr25519Ready();

parentPort?.on("message", ({ id, packed }: VerifyRequest) => {
  const checks = unpackChecks(packed);
  const valid = new Uint8Array(checks.length);
  for (const [i, { signature, message, signer }] of checks.entries()) {
    valid[i] = verifyMultiSignature(signature, message, signer) ? 1 : 0;
  }
  parentPort!.postMessage({ id, valid } satisfies VerifyAnswer, [valid.buffer as ArrayBuffer]);
});
