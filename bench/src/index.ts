import { cpus } from "node:os";
import { envelopeRows } from "./envelope.bench.js";
import { printTable, type Row } from "./harness.js";
import { hashingRows } from "./hashing.bench.js";
import { signatureRows } from "./signatures.bench.js";
import { proofRows, trieInsertRows } from "./trie.bench.js";

const quick = process.argv.includes("--quick");
console.log(`Phala-TS benchmarks — node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}, one thread`);
console.log("Each figure is the median of repeated runs; the baseline runs in the same process.\n");

const rows: Row[] = [];
rows.push(...(await trieInsertRows(quick ? [10_000] : [10_000, 100_000])));
rows.push(...(await proofRows()));
rows.push(...(await hashingRows()));
rows.push(...(await signatureRows()));
rows.push(...(await envelopeRows()));
printTable(rows);
