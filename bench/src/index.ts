import { cpus } from "node:os";
import { sr25519Ready } from "@phala-ts/core";
import { commandPathRows } from "./commandPath.bench.js";
import { contractEngineRows } from "./contractEngine.bench.js";
import { contractNetworkRows } from "./contractNetwork.bench.js";
import { dcapVerifyRows } from "./dcapVerify.bench.js";
import { devnetRows } from "./devnet.bench.js";
import { envelopeRows } from "./envelope.bench.js";
import { printTable, type Row } from "./harness.js";
import { hashingRows } from "./hashing.bench.js";
import { keyHierarchyRows } from "./keyHierarchy.bench.js";
import { nodeThroughputRows } from "./nodeThroughput.bench.js";
import { pherryRelayRows } from "./pherryRelay.bench.js";
import { pruntimeCatchUpRows } from "./pruntimeCatchUp.bench.js";
import { queryServiceRows } from "./queryService.bench.js";
import { signatureRows } from "./signatures.bench.js";
import { proofRows, trieInsertRows } from "./trie.bench.js";

await sr25519Ready();
const quick = process.argv.includes("--quick");
console.log(`Phala-TS benchmarks — node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}, one thread`);
console.log("Each figure is the median of repeated runs; the baseline runs in the same process.\n");

const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const suites: Record<string, () => Promise<Row[]>> = {
  trie: async () => [...(await trieInsertRows(quick ? [10_000] : [10_000, 100_000])), ...(await proofRows())],
  hashing: hashingRows,
  signatures: signatureRows,
  envelope: envelopeRows,
  keys: keyHierarchyRows,
  node: () => nodeThroughputRows(quick),
  pruntime: () => pruntimeCatchUpRows(quick),
  pherry: () => pherryRelayRows(quick),
  dcap: () => dcapVerifyRows(quick),
  contracts: () => contractEngineRows(quick),
  queries: () => queryServiceRows(quick),
  "contract-network": () => contractNetworkRows(quick),
  devnet: () => devnetRows(quick),
  "command-path": () => commandPathRows(quick),
};
const rows: Row[] = [];
for (const [name, suite] of Object.entries(suites))
  if (only === undefined || only === name) rows.push(...(await suite()));
printTable(rows);
