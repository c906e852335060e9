import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BlockChanges,
  decodeHeader,
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
} from "@phala-ts/core";
import { addressOf, ChainService, type ChainSpec, createPhalaRuntime, devSpec, PHA } from "@phala-ts/node";
import { openSimPlatform, PRuntime, startApiServer } from "@phala-ts/pruntime";

/** Chains, pRuntimes and timed catch-ups shared by the pRuntime and pherry benchmarks. */

export const runtime: ReturnType<typeof createPhalaRuntime> = createPhalaRuntime();
export const ACCOUNTS = 100;
/** `checkpointEvery` for runs that should not seal checkpoints along the way. */
export const NO_CHECKPOINTS = 1e9;
const AUTHOR = keypairFromUri("//Alice", "ed25519");

/** One finalized block as the node stores it and pherry would relay it. */
export interface RelayedBlock {
  readonly number: number;
  /** The SCALE header, sealed. */
  readonly header: Uint8Array;
  /** The SCALE justification. */
  readonly justification: Uint8Array;
  /** Net storage changes in key order. */
  readonly changes: BlockChanges["changes"];
  readonly body: readonly Uint8Array[];
}

export interface GeneratedChain {
  /** The dev spec with the bench accounts funded: a node started on the same database needs it. */
  readonly spec: ChainSpec;
  readonly genesisHash: Uint8Array;
  readonly genesisState: Trie;
  readonly init: InitRequest;
  readonly chainContext: ChainService["chain"];
  readonly blocks: readonly RelayedBlock[];
}

/**
 * A dev chain authored and finalized by //Alice (Ed25519), produced in-process by the node's own
 * `ChainService.produceBlock` (build, seal, justify, commit): `count` blocks whose extrinsics
 * after the timestamp inherent are `extrinsicsOf(i)` for block `i` (1-based). The database goes
 * in a temp dir that is removed afterwards, or stays in `basePath` when given, for `phala node`.
 */
async function generateChain(
  funded: readonly Uint8Array[],
  count: number,
  extrinsicsOf: (i: number, genesisHash: Uint8Array) => Uint8Array[],
  basePath?: string,
): Promise<GeneratedChain> {
  const dev = devSpec();
  const spec: ChainSpec = {
    ...dev,
    genesis: {
      ...dev.genesis,
      balances: [...dev.genesis.balances, ...funded.map((a) => [a, 1_000_000n * PHA] as const)],
    },
  };
  const dbPath = basePath ?? mkdtempSync(join(tmpdir(), "phala-bench-chain-"));
  const chain = await ChainService.open({ runtime, spec, basePath: dbPath, stateCacheSize: 1 });
  try {
    const genesisState = chain.bestState;
    const genesisHash = chain.genesis.hash;
    const blocks: RelayedBlock[] = [];
    for (let i = 1; i <= count; i++) {
      const candidates = extrinsicsOf(i, genesisHash);
      const produced = await chain.produceBlock(AUTHOR, BigInt(i) * BigInt(spec.blockTimeMs), candidates);
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
    return { spec, genesisHash, genesisState, init, chainContext: chain.chain, blocks };
  } finally {
    await chain.close();
    if (basePath === undefined) rmSync(dbPath, { recursive: true, force: true });
  }
}

const benchKeys = () => Array.from({ length: ACCOUNTS }, (_, i) => keypairFromUri(`//bench//${i}`, "ed25519"));

/** 100 Ed25519 accounts, each sending one transfer per block to the next account, with increasing nonces. */
export function transferChain(blocks: number, basePath?: string): Promise<GeneratedChain> {
  const keys = benchKeys();
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
    basePath,
  );
}

/** Blocks with only the timestamp inherent, on the same genesis as `transferChain`. */
export function emptyChain(blocks: number, basePath?: string): Promise<GeneratedChain> {
  return generateChain(
    benchKeys().map((k) => k.accountId),
    blocks,
    () => [],
    basePath,
  );
}

export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const toDispatch = (block: RelayedBlock): BlockChanges => ({ number: block.number, changes: block.changes });

/** One catch-up, set up by an untimed `prepare`: `run` is timed; `verify` and `cleanup` are not. */
export interface Trial {
  run(): Promise<void>;
  /** Throws unless the catch-up ended at the last block's state root. */
  verify(): void;
  cleanup(): Promise<void>;
}

/**
 * Like `measure`, but every run gets a fresh, untimed `prepare` (a new pRuntime, or nothing):
 * one warm-up, then at least `minRuns` runs; the median rate in blocks per second.
 */
export async function measureCatchUp(
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

/** Throws unless pRuntime dispatched exactly the chain's blocks and holds its last state root. */
export function expectCaughtUp(status: SyncStatus, runtimeRoot: string | null, chain: GeneratedChain): void {
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
export async function freshPRuntime<T>(
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

/** A SCALE `POST /operator/<path>`; throws on a refusal. */
export async function postOperator(url: string, path: string, body: Uint8Array): Promise<Uint8Array> {
  const response = await fetch(`${url}/operator/${path}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/octet-stream" },
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (!response.ok) throw new Error(`${path}: ${response.status} ${new TextDecoder().decode(bytes)}`);
  return bytes;
}

/** A fresh pRuntime serving its HTTP API on a free loopback port; `close` stops it and removes its dir. */
export async function freshPRuntimeServer(
  checkpointEvery: number,
  setup: (url: string) => Promise<void> = async () => {},
): Promise<{ pruntime: PRuntime; url: string; close: () => Promise<void> }> {
  const {
    pruntime,
    value: server,
    removeDir,
  } = await freshPRuntime(checkpointEvery, async (p) => {
    const server = await startApiServer(p, { host: "127.0.0.1", port: 0 });
    try {
      await setup(server.url);
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  });
  return {
    pruntime,
    url: server.url,
    close: async () => {
      await server.close();
      removeDir();
    },
  };
}

/**
 * Catch-up over pRuntime's HTTP API on loopback from blocks in memory: per batch of `batch`
 * blocks, one `sync-header` (the last block's justification) and one `dispatch-blocks`. Encoding
 * the SCALE request bodies is part of the time, and so is `init` when `timeInit`.
 */
export function httpTrial(
  chain: GeneratedChain,
  {
    checkpointEvery = NO_CHECKPOINTS,
    batch,
    timeInit = false,
  }: { checkpointEvery?: number; batch: number; timeInit?: boolean },
) {
  const init = async (url: string) => {
    await postOperator(url, "init", initRequestCodec.enc(chain.init));
  };
  return async (): Promise<Trial> => {
    const server = await freshPRuntimeServer(checkpointEvery, timeInit ? undefined : init);
    let status: SyncStatus = { syncedHeight: 0, dispatchedHeight: 0 };
    return {
      run: async () => {
        if (timeInit) await init(server.url);
        for (const blocks of batches(chain.blocks, batch)) {
          const headers = blocks.map((b) => b.header);
          const justification = blocks.at(-1)!.justification;
          await postOperator(server.url, "sync-header", syncHeaderRequestCodec.enc({ headers, justification }));
          const body = dispatchBlocksRequestCodec.enc({ blocks: blocks.map(toDispatch) });
          const reply = await postOperator(server.url, "dispatch-blocks", body);
          status = decodeOperatorBody(syncStatusCodec, reply, "status");
        }
      },
      verify: () => expectCaughtUp(status, server.pruntime.info().stateRoot, chain),
      cleanup: server.close,
    };
  };
}
