import { randomBytes } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { ed25519FromSeed, ed25519Verify } from "@phala-ts/core";
import { batch, measure, type Row } from "./harness.js";

export async function signatureRows(): Promise<Row[]> {
  const seed = new Uint8Array(randomBytes(32));
  const message = new Uint8Array(randomBytes(128));
  const keypair = ed25519FromSeed(seed);
  const signature = keypair.sign(message);
  const nobleSignature = ed25519.sign(message, seed);
  const noblePublic = ed25519.getPublicKey(seed);
  const baselineName = "@noble/curves ed25519";

  const oursSign = await measure(
    batch(() => keypair.sign(message), 2_000),
    { opsPerRun: 2_000 },
  );
  const baseSign = await measure(
    batch(() => ed25519.sign(message, seed), 200),
    { opsPerRun: 200 },
  );
  const oursVerify = await measure(
    batch(() => ed25519Verify(signature, message, keypair.publicKey), 1_000),
    { opsPerRun: 1_000 },
  );
  const baseVerify = await measure(
    batch(() => ed25519.verify(nobleSignature, message, noblePublic), 200),
    { opsPerRun: 200 },
  );
  return [
    { figure: "Ed25519 sign (128 B)", unit: "sigs/s", ours: oursSign.rate, baselineName, baseline: baseSign.rate },
    {
      figure: "Ed25519 verify (128 B)",
      unit: "verifies/s",
      ours: oursVerify.rate,
      baselineName,
      baseline: baseVerify.rate,
    },
  ];
}
