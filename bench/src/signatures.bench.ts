import { randomBytes } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { ed25519FromSeed, ed25519Verify, sr25519Backend, sr25519FromSeed, sr25519Verify } from "@phala-ts/core";
import * as scure from "@scure/sr25519";
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
  // Ours is the core API after `sr25519Ready()` (index.ts awaits it): schnorrkel in WebAssembly.
  if (sr25519Backend() !== "wasm") throw new Error("sr25519 rows need sr25519Ready() first");
  const srKeypair = sr25519FromSeed(seed);
  const srSignature = srKeypair.sign(message);
  const scureSecret = scure.secretFromSeed(seed);
  const scureSignature = scure.sign(scureSecret, message);
  const srBaselineName = "@scure/sr25519";
  const oursSrSign = await measure(
    batch(() => srKeypair.sign(message), 1_000),
    { opsPerRun: 1_000 },
  );
  const baseSrSign = await measure(
    batch(() => scure.sign(scureSecret, message), 100),
    { opsPerRun: 100 },
  );
  const oursSrVerify = await measure(
    batch(() => sr25519Verify(srSignature, message, srKeypair.publicKey), 500),
    { opsPerRun: 500 },
  );
  const baseSrVerify = await measure(
    batch(() => scure.verify(message, scureSignature, srKeypair.publicKey), 100),
    { opsPerRun: 100 },
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
    {
      figure: "Sr25519 sign (128 B)",
      unit: "sigs/s",
      ours: oursSrSign.rate,
      baselineName: srBaselineName,
      baseline: baseSrSign.rate,
    },
    {
      figure: "Sr25519 verify (128 B)",
      unit: "verifies/s",
      ours: oursSrVerify.rate,
      baselineName: srBaselineName,
      baseline: baseSrVerify.rate,
    },
  ];
}
