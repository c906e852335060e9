import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BlockChanges,
  decodeHeader,
  decodeJustification,
  decodeOperatorBody,
  dispatchBlocksRequestCodec,
  encodeHeader,
  encodeJustification,
  IMMORTAL_ERA,
  type InitRequest,
  initRequestCodec,
  keypairFromUri,
  type SyncStatus,
  signExtrinsic,
  syncHeaderRequestCodec,
  syncStatusCodec,
  type Trie,
  toHex,
} from "@phala-ts/core";
import { addressOf, ChainService, createPhalaRuntime, devSpec, importBlock, PHA } from "@phala-ts/node";
import { openSimPlatform, PRuntime, startApiServer } from "@phala-ts/pruntime";
import type { Row } from "./harness.js";

const runtime = createPhalaRuntime();
const ACCOUNTS = 100;
/** Headers per `sync-header` call (the last one carries the justification) and blocks per `dispatch-blocks` call. */
const BATCH = 512;
const BASELINE = "node importBlock (full re-execution)";
/** `checkpointEvery` for runs that should not seal checkpoints along the way. */
const NO_CHECKPOINTS = 1e9;

/** One finalized block as the node stores it and pherry would relay it. */
interface RelayedBlock {
  readonly number: number;
  /** The SCALE header, sealed. */
  readonly header: Uint8Array;
  /** The SCALE justification. */
  readonly justification: Uint8Array;
  /** Net storage changes in key order. */
  readonly changes: BlockChanges["changes"];
  readonly body: readonly Uint8Array[];
}

interface GeneratedChain {
  readonly genesisHash: Uint8Array;
  readonly genesisState: Trie;
  readonly init: InitRequest;
  readonly chainContext: ChainService["chain"];
  readonly blocks: readonly RelayedBlock[];
}

/**
 * A dev chain authored and finalized by //Alice (Ed25519), produced in-process by the node's own
 * `ChainService.produceBlock` (build, seal, justify, commit): `count` blocks whose extrinsics
 * after the timestamp inherent are `extrinsicsOf(i)` for block `i` (1-based).
 */
async function generateChain(
  funded: readonly Uint8Array[],
  count: number,
  extrinsicsOf: (i: number, genesisHash: Uint8Array) => Uint8Array[],
): Promise<GeneratedChain> {
  const spec = devSpec();
  const withAccounts = {
    ...spec,
    genesis: {
      ...spec.genesis,
      balances: [...spec.genesis.balances, ...funded.map((a) => [a, 1_000_000n * PHA] as const)],
    },
  };
  const author = keypairFromUri("//Alice", "ed25519");
  const basePath = mkdtempSync(join(tmpdir(), "phala-bench-chain-"));
  const chain = await ChainService.open({ runtime, spec: withAccounts, basePath, stateCacheSize: 1 });
  try {
    const genesisState = chain.bestState;
    const genesisHash = chain.genesis.hash;
    const blocks: RelayedBlock[] = [];
    for (let i = 1; i <= count; i++) {
      const candidates = extrinsicsOf(i, genesisHash);
      const produced = await chain.produceBlock(author, BigInt(i) * BigInt(spec.blockTimeMs), candidates);
      if (produced.rejected.length > 0) throw new Error(`block ${i} refused ${produced.rejected.length} extrinsics`);
      const { hash, number, header } = produced.block;
      const changes = (await chain.changesOf(hash))!;
      blocks.push({
        number,
        header: encodeHeader(header),
        justification: encodeJustification((await chain.justificationOf(hash))!),
        changes: changes.map((c) => [c.key, c.value]),
        body: produced.extrinsics,
      });
    }
    const init: InitRequest = {
      genesisHeader: encodeHeader(chain.genesis.header),
      genesisStorage: [...genesisState.entries()].map(([k, v]) => [k, v]),
      // Session.Authorities and Session.CurrentSetId of the dev spec's genesis.
      authoritySet: { setId: 0n, authorities: spec.genesis.authorities.map(([id, weight]) => [id, weight]) },
      operator: undefined,
    };
    return { genesisHash, genesisState, init, chainContext: chain.chain, blocks };
  } finally {
    await chain.close();
    rmSync(basePath, { recursive: true, force: true });
  }
}

/** 100 Ed25519 accounts, each sending one transfer per block to the next account, with increasing nonces. */
function transferChain(blocks: number): Promise<GeneratedChain> {
  const keys = Array.from({ length: ACCOUNTS }, (_, i) => keypairFromUri(`//bench//${i}`, "ed25519"));
  const call = (to: number) =>
    runtime.encodeCall({
      type: "Balances",
      value: { type: "transferKeepAlive", value: { dest: addressOf(keys[to]!.accountId), value: PHA } },
    });
  const calls = keys.map((_, i) => call((i + 1) % ACCOUNTS));
  return generateChain(
    keys.map((k) => k.accountId),
    blocks,
    (i, genesisHash) => {
      const { specVersion, transactionVersion } = runtime.version;
      const additional = { specVersion, transactionVersion, genesisHash, birthHash: genesisHash };
      return keys.map((key, a) =>
        signExtrinsic(key, calls[a]!, { era: IMMORTAL_ERA, nonce: i - 1, tip: 0n }, additional),
      );
    },
  );
}

function emptyChain(blocks: number): Promise<GeneratedChain> {
  const funded = Array.from({ length: ACCOUNTS }, (_, i) => keypairFromUri(`//bench//${i}`, "ed25519").accountId);
  return generateChain(funded, blocks, () => []);
}

function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const toDispatch = (block: RelayedBlock): BlockChanges => ({ number: block.number, changes: block.changes });

/** One catch-up, set up by an untimed `prepare`: `run` is timed; `verify` and `cleanup` are not. */
interface Trial {
  run(): Promise<void>;
  /** Throws unless the catch-up ended at the last block's state root. */
  verify(): void;
  cleanup(): Promise<void>;
}

/**
 * Like `measure`, but every run gets a fresh, untimed `prepare` (a new pRuntime, or nothing):
 * one warm-up, then at least `minRuns` runs; the median rate in blocks per second.
 */
async function measureCatchUp(
  blocks: number,
  prepare: () => Promise<Trial>,
  { minRuns = 3, minMillis = 0 } = {},
): Promise<number> {
  const once = async () => {
    const trial = await prepare();
    try {
      const t = performance.now();
      await trial.run();
      const rate = (blocks * 1000) / (performance.now() - t);
      trial.verify();
      return rate;
    } finally {
      await trial.cleanup();
    }
  };
  await once();
  const rates: number[] = [];
  const start = performance.now();
  while (rates.length < minRuns || performance.now() - start < minMillis) rates.push(await once());
  rates.sort((a, b) => a - b);
  return rates[rates.length >> 1]!;
}

function expectCaughtUp(status: SyncStatus, runtimeRoot: string | null, chain: GeneratedChain): void {
  const last = chain.blocks.at(-1)!;
  const expectedRoot = decodeHeader(last.header).stateRoot;
  if (status.dispatchedHeight !== last.number || runtimeRoot !== expectedRoot) {
    throw new Error(`pRuntime stopped at ${status.dispatchedHeight} with root ${runtimeRoot}`);
  }
}

/**
 * A fresh pRuntime on the simulated platform (fixed measurement, so no bundle hashing) in its own
 * temp dir, set up by `setup`; the caller removes the dir with `removeDir`, or it goes at once if setting up fails.
 */
async function freshPRuntime<T>(
  checkpointEvery: number,
  setup: (pruntime: PRuntime) => Promise<T>,
): Promise<{ pruntime: PRuntime; value: T; removeDir: () => void }> {
  const dataDir = mkdtempSync(join(tmpdir(), "phala-bench-pruntime-"));
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  try {
    const platform = await openSimPlatform({ dataDir, measurement: new Uint8Array(32) });
    const pruntime = await PRuntime.open({ platform, checkpointEvery });
    return { pruntime, value: await setup(pruntime), removeDir };
  } catch (error) {
    removeDir();
    throw error;
  }
}

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

/** The same over pRuntime's HTTP API on loopback; encoding the SCALE request bodies is part of the time. */
function httpTrial(chain: GeneratedChain, checkpointEvery: number) {
  const post = async (url: string, path: string, body: Uint8Array) => {
    const response = await fetch(`${url}/operator/${path}`, {
      method: "POST",
      body,
      headers: { "content-type": "application/octet-stream" },
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (!response.ok) throw new Error(`${path}: ${response.status} ${new TextDecoder().decode(bytes)}`);
    return bytes;
  };
  return async (): Promise<Trial> => {
    const {
      pruntime,
      value: server,
      removeDir,
    } = await freshPRuntime(checkpointEvery, async (p) => {
      const server = await startApiServer(p, { host: "127.0.0.1", port: 0 });
      try {
        await post(server.url, "init", initRequestCodec.enc(chain.init));
      } catch (error) {
        await server.close();
        throw error;
      }
      return server;
    });
    let status: SyncStatus = { syncedHeight: 0, dispatchedHeight: 0 };
    return {
      run: async () => {
        for (const batch of batches(chain.blocks, BATCH)) {
          const headers = batch.map((b) => b.header);
          const justification = batch.at(-1)!.justification;
          await post(server.url, "sync-header", syncHeaderRequestCodec.enc({ headers, justification }));
          const body = dispatchBlocksRequestCodec.enc({ blocks: batch.map(toDispatch) });
          status = decodeOperatorBody(syncStatusCodec, await post(server.url, "dispatch-blocks", body), "status");
        }
      },
      verify: () => expectCaughtUp(status, pruntime.info().stateRoot, chain),
      cleanup: async () => {
        await server.close();
        removeDir();
      },
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
  const emptyHttp = await measureCatchUp(emptyBlocks, httpTrial(empty, NO_CHECKPOINTS), ours);
  const transferBaseline = await measureCatchUp(transferBlocks, importTrial(transfers), baselineRuns);
  const transferOurs = await measureCatchUp(transferBlocks, inProcessTrial(transfers, NO_CHECKPOINTS), ours);
  const transferHttp = await measureCatchUp(transferBlocks, httpTrial(transfers, NO_CHECKPOINTS), ours);
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
