import { randomBytes } from "node:crypto";
import { createMerkleProof, createMPT, verifyMerkleProof } from "@ethereumjs/mpt";
import { createProof, Trie, VerifiedProof } from "@phala-ts/core";
import { measure, type Row } from "./harness.js";

const BASELINE = "@ethereumjs/mpt (in-memory)";

function randomEntries(n: number): [Uint8Array, Uint8Array][] {
  return Array.from({ length: n }, () => [new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(32))]);
}

async function ethereumjsInsertAndRoot(entries: readonly [Uint8Array, Uint8Array][]) {
  const mpt = await createMPT();
  for (const [k, v] of entries) await mpt.put(k, v);
  return mpt;
}

/** Inserts of `n` random 32-byte keys and values, then the root; rate in keys per second. */
export async function trieInsertRows(sizes: readonly number[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of sizes) {
    const entries = randomEntries(n);
    const ours = await measure(() => Trie.fromEntries(entries, "V1").root(), { opsPerRun: n, minRuns: 5 });
    const baseline = await measure(async () => (await ethereumjsInsertAndRoot(entries)).root(), {
      opsPerRun: n,
      minRuns: 1,
      minMillis: 0,
    });
    rows.push({
      figure: `trie: ${n.toLocaleString("en-US")} inserts + root`,
      unit: "keys/s",
      ours: ours.rate,
      baselineName: BASELINE,
      baseline: baseline.rate,
    });
  }
  return rows;
}

/** A single-key read proof created and verified against the root, in a 10k-key trie. */
export async function proofRows(): Promise<Row[]> {
  const entries = randomEntries(10_000);
  const keys = entries.slice(0, 1000).map(([k]) => k);
  const trie = Trie.fromEntries(entries, "V1");
  const root = trie.root();
  const ours = await measure(
    () => {
      for (const key of keys) new VerifiedProof(root, createProof(trie, [key])).get(key);
    },
    { opsPerRun: keys.length },
  );
  const mpt = await ethereumjsInsertAndRoot(entries);
  const mptRoot = mpt.root();
  const baseline = await measure(
    async () => {
      for (const key of keys) await verifyMerkleProof(key, await createMerkleProof(mpt, key), { root: mptRoot });
    },
    { opsPerRun: keys.length },
  );
  return [
    {
      figure: "proof: create + verify, 1 key of 10k",
      unit: "proofs/s",
      ours: ours.rate,
      baselineName: BASELINE,
      baseline: baseline.rate,
    },
  ];
}
