import { randomBytes } from "node:crypto";
import { blake2b } from "@noble/hashes/blake2.js";
import { blake2_256, twox128 } from "@phala-ts/core";
import { blake2b as polkadotBlake2b, waitReady } from "@polkadot/wasm-crypto";
import { Twox128 } from "@polkadot-api/substrate-bindings";
import { batch, measure, type Row } from "./harness.js";

/** Why core hashes with hash-wasm: it beats both the pure-JS hashers and polkadot's own wasm build. */
export async function hashingRows(): Promise<Row[]> {
  await waitReady();
  const data = new Uint8Array(randomBytes(1024));
  const storageName = new TextEncoder().encode("OutboundMessages");
  const noKey = new Uint8Array(0);
  const ours = await measure(
    batch(() => blake2_256(data), 10_000),
    { opsPerRun: 10_000 },
  );
  const noble = await measure(
    batch(() => blake2b(data, { dkLen: 32 }), 2_000),
    { opsPerRun: 2_000 },
  );
  const polkadot = await measure(
    batch(() => polkadotBlake2b(data, noKey, 32), 10_000),
    { opsPerRun: 10_000 },
  );
  const oursTwox = await measure(
    batch(() => twox128(storageName), 20_000),
    { opsPerRun: 20_000 },
  );
  const papiTwox = await measure(
    batch(() => Twox128(storageName), 2_000),
    { opsPerRun: 2_000 },
  );
  const figure = "blake2-256 of 1 KiB";
  return [
    { figure, unit: "hashes/s", ours: ours.rate, baselineName: "@noble/hashes (pure JS)", baseline: noble.rate },
    {
      figure,
      unit: "hashes/s",
      ours: ours.rate,
      baselineName: "@polkadot/wasm-crypto (wasm)",
      baseline: polkadot.rate,
    },
    {
      figure: "twox128 of a storage name",
      unit: "hashes/s",
      ours: oursTwox.rate,
      baselineName: "substrate-bindings (pure JS)",
      baseline: papiTwox.rate,
    },
  ];
}
