import { randomBytes } from "node:crypto";
import { blake2b } from "@noble/hashes/blake2.js";
import { blake2_256 } from "@phala-ts/core";
import { batch, measure, type Row } from "./harness.js";

export async function hashingRows(): Promise<Row[]> {
  const data = new Uint8Array(randomBytes(1024));
  const ours = await measure(
    batch(() => blake2_256(data), 10_000),
    { opsPerRun: 10_000 },
  );
  const baseline = await measure(
    batch(() => blake2b(data, { dkLen: 32 }), 2_000),
    { opsPerRun: 2_000 },
  );
  return [
    {
      figure: "blake2-256 of 1 KiB",
      unit: "hashes/s",
      ours: ours.rate,
      baselineName: "@noble/hashes (pure JS)",
      baseline: baseline.rate,
    },
  ];
}
