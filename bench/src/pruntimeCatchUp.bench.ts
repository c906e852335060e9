import { decodeHeader, decodeJustification, toHex } from "@phala-ts/core";
import { importBlock } from "@phala-ts/node";
import type { Row } from "./harness.js";
import {
  ACCOUNTS,
  batches,
  emptyChain,
  expectCaughtUp,
  freshPRuntime,
  type GeneratedChain,
  httpTrial,
  measureCatchUp,
  NO_CHECKPOINTS,
  runtime,
  type Trial,
  toDispatch,
  transferChain,
} from "./relayChain.js";

/** Headers per `sync-header` call (the last one carries the justification) and blocks per `dispatch-blocks` call. */
const BATCH = 512;
const BASELINE = "node importBlock (full re-execution)";

/** Catch-up by calling the runtime directly, initialized from genesis beforehand. */
function inProcessTrial(chain: GeneratedChain, checkpointEvery: number) {
  return async (): Promise<Trial> => {
    const { pruntime, removeDir } = await freshPRuntime(checkpointEvery, (p) => p.init(chain.init));
    return {
      run: async () => {
        for (const batch of batches(chain.blocks, BATCH)) {
          pruntime.syncHeader({ headers: batch.map((b) => b.header), justification: batch.at(-1)!.justification });
          await pruntime.dispatchBlocks(batch.map(toDispatch));
        }
      },
      verify: () => expectCaughtUp(pruntime.status, pruntime.info().stateRoot, chain),
      cleanup: async () => removeDir(),
    };
  };
}

/** A full node catching up: each block decoded from its bytes and imported (re-executed, seal, roots, justification). */
function importTrial(chain: GeneratedChain) {
  return async (): Promise<Trial> => {
    let parent = { hash: chain.genesisHash, number: 0, state: chain.genesisState };
    return {
      run: async () => {
        for (const block of chain.blocks) {
          const header = decodeHeader(block.header);
          const justification = decodeJustification(block.justification);
          const imported = importBlock(runtime, chain.chainContext, parent, header, block.body, justification);
          parent = { hash: imported.hash, number: header.number, state: imported.state };
        }
      },
      verify: () => {
        const expected = decodeHeader(chain.blocks.at(-1)!.header).stateRoot;
        if (toHex(parent.state.root()) !== expected) throw new Error("importBlock ended at another state root");
      },
      cleanup: async () => {},
    };
  };
}

export async function pruntimeCatchUpRows(quick: boolean): Promise<Row[]> {
  const emptyBlocks = quick ? 1000 : 2000;
  const transferBlocks = quick ? 30 : 100;
  // pRuntime runs are short, so they get more of them; the baseline's take seconds each.
  const ours = quick ? { minRuns: 3, minMillis: 200 } : { minRuns: 5, minMillis: 500 };
  const baselineRuns = { minRuns: quick ? 1 : 3 };

  let started = performance.now();
  const empty = await emptyChain(emptyBlocks);
  const transfers = await transferChain(transferBlocks);
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `pruntime: generated ${emptyBlocks} empty blocks and ${transferBlocks} blocks of ${ACCOUNTS} Ed25519 transfers ` +
      `in ${seconds()} s. Each catch-up step syncs ${BATCH} headers (one justification) and dispatches them; ` +
      "the baseline imports each block from its bytes in memory, without writing a database.",
  );
  started = performance.now();

  const emptyBaseline = await measureCatchUp(emptyBlocks, importTrial(empty), baselineRuns);
  const emptyOurs = await measureCatchUp(emptyBlocks, inProcessTrial(empty, NO_CHECKPOINTS), ours);
  const emptyCheckpointed = await measureCatchUp(emptyBlocks, inProcessTrial(empty, 1000), ours);
  const emptyHttp = await measureCatchUp(emptyBlocks, httpTrial(empty, { batch: BATCH }), ours);
  const transferBaseline = await measureCatchUp(transferBlocks, importTrial(transfers), baselineRuns);
  const transferOurs = await measureCatchUp(transferBlocks, inProcessTrial(transfers, NO_CHECKPOINTS), ours);
  const transferHttp = await measureCatchUp(transferBlocks, httpTrial(transfers, { batch: BATCH }), ours);
  console.log(
    `pruntime: measured in ${seconds()} s. For scale, not measured here: Phala's own pRuntime is reported to ` +
      "need about 30 s for 300 blocks (about 10 blocks/s).\n",
  );

  const row = (figure: string, ours: number, baseline: number): Row => ({
    figure: `pRuntime catch-up, ${figure}`,
    unit: "blocks/s",
    ours,
    baselineName: BASELINE,
    baseline,
  });
  return [
    row("empty blocks (in-process)", emptyOurs, emptyBaseline),
    row("empty blocks (in-process, checkpoint every 1000)", emptyCheckpointed, emptyBaseline),
    row("empty blocks (HTTP API)", emptyHttp, emptyBaseline),
    row(`blocks of ${ACCOUNTS} transfers (in-process)`, transferOurs, transferBaseline),
    row(`blocks of ${ACCOUNTS} transfers (HTTP API)`, transferHttp, transferBaseline),
  ];
}
