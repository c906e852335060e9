import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keypairFromUri } from "@phala-ts/core";
import { specToJson } from "@phala-ts/node";
import { Pherry, type RoundReport } from "@phala-ts/pherry";
import { measure, type Row } from "./harness.js";
import { type NodeProcess, startNode } from "./nodeProcess.js";
import {
  ACCOUNTS,
  emptyChain,
  expectCaughtUp,
  freshPRuntimeServer,
  type GeneratedChain,
  httpTrial,
  measureCatchUp,
  NO_CHECKPOINTS,
  type Trial,
  transferChain,
} from "./relayChain.js";

const OPERATOR = keypairFromUri("//Bob");
const BASELINE = "same batches to pRuntime HTTP from memory";

/** A fresh pRuntime (HTTP API, loopback) and a fresh pherry: `round()` from init until pRuntime has dispatched the chain. */
function pherryTrial(nodeUrl: string, chain: GeneratedChain, batchSize: number) {
  const target = chain.blocks.length;
  return async (): Promise<Trial> => {
    const server = await freshPRuntimeServer(NO_CHECKPOINTS);
    const pherry = new Pherry({ nodeUrl, pruntimeUrl: server.url, operator: OPERATOR, batchSize, register: false });
    let report: RoundReport | undefined;
    return {
      run: async () => {
        do report = await pherry.round();
        while (report.status.dispatchedHeight < target);
      },
      verify: () => expectCaughtUp(report!.status, server.pruntime.info().stateRoot, chain),
      cleanup: server.close,
    };
  };
}

/**
 * Where catch-ups' time went, in wall-clock ms: pherry makes some calls concurrently, so the node
 * and pRuntime figures count the time at least one request to them was in flight.
 */
interface Split {
  node: number;
  /** Of `node`: `pha_getStorageChanges`, which carries the blocks. */
  changes: number;
  /** From each `pha_getStorageChanges` reply to `BlockSource.blocks` returning: JSON hex to bytes, RPC headers to SCALE. */
  decode: number;
  pruntime: number;
  requests: number;
}

/** Wraps `pherry`'s node RPC, pRuntime client and block reads to add their times to the returned split. */
function instrument(pherry: Pherry): Split {
  const split: Split = { node: 0, changes: 0, decode: 0, pruntime: 0, requests: 0 };
  const inFlight = { node: 0, pruntime: 0 };
  const since = { node: 0, pruntime: 0 };
  const timed =
    <A extends unknown[], R>(side: "node" | "pruntime", f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (inFlight[side]++ === 0) since[side] = performance.now();
      try {
        return await f(...args);
      } finally {
        if (--inFlight[side] === 0) split[side] += performance.now() - since[side];
        split.requests++;
      }
    };
  const { rpc, pruntime, source } = pherry;
  const call = timed("node", rpc.call.bind(rpc));
  let changesReplied = 0;
  rpc.call = (async (method: string, params?: readonly unknown[]) => {
    if (method !== "pha_getStorageChanges") return call(method, params);
    const t = performance.now();
    try {
      return await call(method, params);
    } finally {
      changesReplied = performance.now();
      split.changes += changesReplied - t;
    }
  }) as typeof rpc.call;
  pruntime.post = timed("pruntime", pruntime.post.bind(pruntime));
  pruntime.get = timed("pruntime", pruntime.get.bind(pruntime));
  pruntime.info = timed("pruntime", pruntime.info.bind(pruntime));
  const blocks = source.blocks.bind(source);
  source.blocks = async (from: number, to: number) => {
    const result = await blocks(from, to);
    split.decode += performance.now() - changesReplied;
    return result;
  };
  return split;
}

/**
 * `times` untimed catch-ups with pherry's node calls, block decoding and pRuntime requests timed
 * apart, then idle rounds (caught up, egress empty): what a round costs before any block.
 */
async function breakdown(
  nodeUrl: string,
  chain: GeneratedChain,
  batchSize: number,
  label: string,
  times = 3,
): Promise<string> {
  const sum: Split = { node: 0, changes: 0, decode: 0, pruntime: 0, requests: 0 };
  let total = 0;
  let rounds = 0;
  let idleMs = 0;
  let idleRequests = 0;
  for (let i = 0; i < times; i++) {
    const server = await freshPRuntimeServer(NO_CHECKPOINTS);
    try {
      const pherry = new Pherry({ nodeUrl, pruntimeUrl: server.url, operator: OPERATOR, batchSize, register: false });
      const split = instrument(pherry);
      const t = performance.now();
      let report: RoundReport;
      do {
        report = await pherry.round();
        rounds++;
      } while (report.status.dispatchedHeight < chain.blocks.length);
      total += performance.now() - t;
      for (const key of Object.keys(sum) as (keyof Split)[]) sum[key] += split[key];
      split.requests = 0;
      const idle = await measure(() => pherry.round(), { minRuns: 20, minMillis: 100 });
      idleMs += 1000 / idle.rate;
      idleRequests = split.requests / (idle.runs + 1);
    } finally {
      await server.close();
    }
  }
  const ms = (n: number) => `${(n / times).toFixed(0)} ms`;
  const { node, changes, decode, pruntime, requests } = sum;
  return (
    `  ${label}, batch ${batchSize}: ${rounds / times} rounds, ${requests / times} requests, ${ms(total)}: ` +
    `node RPC ${ms(node)} (pha_getStorageChanges ${ms(changes)}), decoding its replies ${ms(decode)}, ` +
    `pRuntime requests ${ms(pruntime)}, rest ${ms(total - node - decode - pruntime)}; ` +
    `an idle round (${idleRequests} requests) ${(idleMs / times).toFixed(1)} ms`
  );
}

export async function pherryRelayRows(quick: boolean): Promise<Row[]> {
  const emptyBlocks = quick ? 500 : 2000;
  const transferBlocks = quick ? 30 : 100;
  const runs = quick ? { minRuns: 3 } : { minRuns: 5, minMillis: 500 };

  const dir = mkdtempSync(join(tmpdir(), "phala-bench-pherry-"));
  const nodes: NodeProcess[] = [];
  try {
    let started = performance.now();
    const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
    const empty = await emptyChain(emptyBlocks, join(dir, "empty"));
    const transfers = await transferChain(transferBlocks, join(dir, "transfers"));
    // Both chains share the genesis (the dev spec with the bench accounts funded). The nodes only
    // serve: one authoring a block every 10 ms on top measured the same within noise, and a
    // fixed chain gives every run the same blocks and a state root to check.
    const specPath = join(dir, "spec.json");
    writeFileSync(specPath, JSON.stringify(specToJson(empty.spec)));
    const emptyNode = await startNode(specPath, join(dir, "empty"), { validator: false });
    nodes.push(emptyNode);
    const transferNode = await startNode(specPath, join(dir, "transfers"), { validator: false });
    nodes.push(transferNode);
    console.log(
      `pherry: generated ${emptyBlocks} empty blocks and ${transferBlocks} blocks of ${ACCOUNTS} Ed25519 transfers ` +
        `in ${seconds()} s, each served by a \`phala node\` process on its database (not authoring). ` +
        "A run is a fresh pRuntime (in-process, HTTP API on loopback) and pherry rounds (register off, egress empty) " +
        "from init to the last block; the baseline posts init and the same batches to a fresh pRuntime from memory.",
    );
    started = performance.now();

    const relay = (node: NodeProcess, chain: GeneratedChain, batch: number) =>
      measureCatchUp(chain.blocks.length, pherryTrial(node.url, chain, batch), runs);
    const direct = (chain: GeneratedChain, batch: number) =>
      measureCatchUp(chain.blocks.length, httpTrial(chain, { batch, timeInit: true }), runs);
    const empty256 = await relay(emptyNode, empty, 256);
    const empty256Baseline = await direct(empty, 256);
    const empty100 = await relay(emptyNode, empty, 100);
    const empty100Baseline = await direct(empty, 100);
    const transfer256 = await relay(transferNode, transfers, 256);
    const transfer256Baseline = await direct(transfers, 256);
    console.log(`pherry: measured in ${seconds()} s. Where pherry's time goes (mean of 3 untimed catch-ups each):`);
    console.log(await breakdown(emptyNode.url, empty, 256, `${emptyBlocks} empty blocks`));
    console.log(await breakdown(emptyNode.url, empty, 100, `${emptyBlocks} empty blocks`));
    console.log(`${await breakdown(transferNode.url, transfers, 256, `${transferBlocks} transfer blocks`)}\n`);

    const row = (figure: string, ours: number, baseline: number): Row => ({
      figure: `pherry relay, ${figure} (node RPC → pRuntime HTTP)`,
      unit: "blocks/s",
      ours,
      baselineName: BASELINE,
      baseline,
    });
    return [
      row("empty blocks, batch 256 (default)", empty256, empty256Baseline),
      row("empty blocks, batch 100", empty100, empty100Baseline),
      row(`blocks of ${ACCOUNTS} transfers, batch 256`, transfer256, transfer256Baseline),
    ];
  } finally {
    await Promise.all(nodes.map((node) => node.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
