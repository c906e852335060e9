import { fileURLToPath } from "node:url";
import { buildContract } from "@phala-ts/contracts/build";
import { devAccounts, type Keypair, keypairFromUri, toHex } from "@phala-ts/core";
import { addressOf, type MethodHandler, PHA, registerNodeRpc } from "@phala-ts/node";
import {
  CommandNetwork,
  type NodeParts,
  openNode,
  openPRuntime,
  type RecordedBlock,
  type Snapshot,
  toBlockChanges,
} from "./commandNetwork.js";
import { type CpuProfile, printProfile, profiled } from "./cpuProfile.js";
import type { Row } from "./harness.js";
import { pushCommandCall, runtime } from "./phatCalls.js";

/**
 * CPU per encrypted contract command on the two paths it takes, each replayed from a snapshot of
 * an in-process network (commandNetwork.ts) so that only that path runs:
 *
 * - worker: one cluster worker's pRuntime given the blocks as its pherry gives them (sync-header
 *   with the justification, dispatch-blocks, then the egress it owes), in process, no HTTP;
 * - node: every extrinsic that reached the node (commands, the workers' reply and state-root
 *   batches) submitted through its `author_submitExtrinsic`, its producer building, sealing,
 *   justifying and committing each block to LevelDB, and three pherries fetching each block
 *   (finalized head, hash, storage changes, finality proof); RPC methods called in process,
 *   results serialized, no transport.
 *
 * The baseline, recorded in the same network just before, is blocks of as many plain
 * `transferKeepAlive` from the same accounts: what a block costs a worker and the node without
 * the command. Both segments run until the network is settled (every reply on chain). CPU is the
 * process's (user + system, every thread), so LevelDB's and the GC's threads count.
 * BENCH_PROFILE=<dir> also profiles one more replay of each and prints the top functions.
 */

const TOKEN = fileURLToPath(new URL("../../examples/private-token/contract.ts", import.meta.url));
/** Commands (or transfers) per block: one from each account. */
const ACCOUNTS = 100;
const GAS = 1_000_000n;
const FUNDS = 1_000_000n;

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/** Runs `blocks` through one worker restored from the snapshot; CPU µs spent by phase. */
async function replayWorker(snapshotDir: string, network: CommandNetwork, blocks: readonly RecordedBlock[]) {
  const dir = network.copyOf(snapshotDir);
  const pruntime = await openPRuntime(dir);
  const phases = { sync: 0, dispatch: 0, egress: 0 };
  let egressed = 0;
  const run = async () => {
    for (const block of blocks) {
      let t = cpuMicros();
      pruntime.syncHeader({ headers: [block.header], justification: block.justification });
      phases.sync += cpuMicros() - t;
      t = cpuMicros();
      await pruntime.dispatchBlocks([toBlockChanges(block)]);
      phases.dispatch += cpuMicros() - t;
      t = cpuMicros();
      egressed += pruntime.egressMessages().length;
      phases.egress += cpuMicros() - t;
    }
  };
  return { pruntime, phases, run, egressed: () => egressed };
}

/** Pherries relaying each block, and a client or a pherry behind each submission. */
const PHERRIES = 3;

/** The node's RPC methods, called as its server calls them (results serialized; no transport). */
function rpcOf(node: NodeParts) {
  const handlers = new Map<string, MethodHandler>();
  registerNodeRpc(
    {
      methods: { register: (name, handler) => void handlers.set(name, handler), has: () => false, names: () => [] },
      subscriptions: { register: () => {}, has: () => false },
    },
    node.chain,
    node.pool,
  );
  const context = { connectionId: 1, transport: "ws" } as const;
  return async (method: string, params: unknown[]) => JSON.stringify(await handlers.get(method)!(params, context));
}

/**
 * Runs the recorded submissions and blocks through a node restored from the snapshot, with the
 * RPC a node serves for them: each submission as `author_submitExtrinsic`, and each block fetched
 * by three pherries as pherry fetches it. CPU µs by phase.
 */
async function replayNode(snapshotDir: string, network: CommandNetwork, blocks: readonly RecordedBlock[]) {
  const node = await openNode(network.spec, network.copyOf(snapshotDir));
  const call = rpcOf(node);
  // What clients send, hex-encoded before the clock starts.
  const submissions = blocks.map((block) => block.submitted.map(toHex));
  const phases = { submit: 0, produce: 0, relay: 0 };
  let refused = 0;
  const run = async () => {
    for (const [i, block] of blocks.entries()) {
      let t = cpuMicros();
      for (const hex of submissions[i]!) await call("author_submitExtrinsic", [hex]).catch(() => refused++);
      phases.submit += cpuMicros() - t;
      t = cpuMicros();
      const produced = await node.producer.produce();
      phases.produce += cpuMicros() - t;
      if (produced.extrinsics.length !== block.extrinsics) {
        throw new Error(
          `replayed block ${block.number} has ${produced.extrinsics.length} extrinsics, not ${block.extrinsics}`,
        );
      }
      t = cpuMicros();
      const hash = toHex(produced.block.hash);
      for (let p = 0; p < PHERRIES; p++) {
        await call("chain_getFinalizedHead", []);
        await call("chain_getBlockHash", [produced.block.number]);
        await call("pha_getStorageChanges", [hash, hash]);
        await call("grandpa_proveFinality", [produced.block.number]);
      }
      phases.relay += cpuMicros() - t;
    }
  };
  return { node, phases, run, refused: () => refused };
}

interface Measured<P> {
  /** CPU µs per operation, the median run. */
  readonly perOp: number;
  /** The median run's phases, µs per operation. */
  readonly phases: P;
}

async function measureReplays<P extends Record<string, number>>(
  runs: number,
  ops: number,
  replay: () => Promise<{ phases: P; run: () => Promise<void>; close: () => Promise<void> }>,
): Promise<Measured<P>> {
  const results: Measured<P>[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const trial = await replay();
    try {
      const started = cpuMicros();
      await trial.run();
      const perOp = (cpuMicros() - started) / ops;
      const phases = Object.fromEntries(Object.entries(trial.phases).map(([k, v]) => [k, v / ops])) as P;
      if (i > 0) results.push({ perOp, phases }); // the first run warms up
    } finally {
      await trial.close();
    }
  }
  results.sort((a, b) => a.perOp - b.perOp);
  return results[results.length >> 1]!;
}

const describe = (phases: Record<string, number>) =>
  Object.entries(phases)
    .map(([k, v]) => `${k} ${v.toFixed(0)}`)
    .join(", ");

export async function commandPathRows(quick: boolean): Promise<Row[]> {
  const blocksPerSegment = quick ? 3 : 10;
  const runs = quick ? 3 : 5;
  const ops = ACCOUNTS * blocksPerSegment;
  const keys: Keypair[] = Array.from({ length: ACCOUNTS }, (_, i) => keypairFromUri(`//bench//${i}`, "sr25519"));
  const alice = devAccounts("sr25519").Alice;
  const { code } = await buildContract(TOKEN);

  const setupStarted = performance.now();
  const network = await CommandNetwork.start(keys.map((k) => k.accountId));
  try {
    const token = await network.deploy(alice, code, { supply: (FUNDS * BigInt(ACCOUNTS) * 10n).toString() }, GAS);
    const pushCommand = (input: unknown) => pushCommandCall(token, input, GAS, GAS * 10n);
    // Every bench account gets tokens, so that every timed command is a transfer that succeeds.
    for (const key of keys) {
      await network.submit(alice, pushCommand({ transfer: { to: toHex(key.accountId), amount: FUNDS.toString() } }));
    }
    let executed = 1n + BigInt(ACCOUNTS);
    await network.stepUntil(
      () => network.executed("w1", token.id) >= executed && network.executed("w2", token.id) >= executed,
      "the funding commands",
    );
    await network.settle();

    /** `blocksPerSegment` blocks of one extrinsic per account, then blocks until the network settled. */
    const segment = async (name: string, call: (i: number, key: Keypair) => Uint8Array) => {
      const snapshot: Snapshot = await network.snapshot(name);
      const blocks: RecordedBlock[] = [];
      for (let b = 0; b < blocksPerSegment; b++) {
        for (const [i, key] of keys.entries()) await network.submit(key, call(i, key));
        blocks.push(await network.step());
      }
      while (network.pool.pending().length > 0 || network.enclaves.some((e) => e.pruntime.egressMessages().length > 0))
        blocks.push(await network.step());
      return { snapshot, blocks };
    };
    const transfer = runtime.encodeCall({
      type: "Balances",
      value: {
        type: "transferKeepAlive",
        value: { dest: addressOf(devAccounts("sr25519").Ferdie.accountId), value: PHA },
      },
    });
    const transfers = await segment("transfers", () => transfer);
    const commands = await segment("commands", (i) =>
      pushCommand({ transfer: { to: toHex(keys[(i + 1) % ACCOUNTS]!.accountId), amount: String(i + 1) } }),
    );
    executed += BigInt(ops);
    for (const name of ["w1", "w2"] as const) {
      if (network.executed(name, token.id) !== executed) throw new Error(`${name} did not run every command`);
    }
    console.log(
      `command-path: network set up and both segments recorded in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s: ` +
        `${transfers.blocks.length} blocks for ${ops} transfers, ${commands.blocks.length} for ${ops} commands ` +
        `(${ACCOUNTS} a block, then until every reply is on chain)`,
    );

    const worker = (recorded: { snapshot: Snapshot; blocks: RecordedBlock[] }) => async () => {
      const replay = await replayWorker(recorded.snapshot.enclaves["w1"]!, network, recorded.blocks);
      const before = replay.pruntime.info().contracts.find((c) => c.contract === toHex(token.id))?.executed;
      return {
        phases: replay.phases,
        run: replay.run,
        close: async () => {
          const after = replay.pruntime.info().contracts.find((c) => c.contract === toHex(token.id))?.executed;
          const ran = BigInt(after ?? 0) - BigInt(before ?? 0);
          if (recorded === commands && ran !== BigInt(ops)) throw new Error(`the replayed worker ran ${ran} commands`);
        },
      };
    };
    const node = (recorded: { snapshot: Snapshot; blocks: RecordedBlock[] }) => async () => {
      const replay = await replayNode(recorded.snapshot.node, network, recorded.blocks);
      return { phases: replay.phases, run: replay.run, close: () => replay.node.chain.close() };
    };
    const workerOurs = await measureReplays(runs, ops, worker(commands));
    const workerBase = await measureReplays(runs, ops, worker(transfers));
    const nodeOurs = await measureReplays(runs, ops, node(commands));
    const nodeBase = await measureReplays(runs, ops, node(transfers));
    console.log(
      `command-path (CPU µs per command / per transfer): worker ${workerOurs.perOp.toFixed(0)} (${describe(workerOurs.phases)}) ` +
        `vs ${workerBase.perOp.toFixed(0)} (${describe(workerBase.phases)}); node ${nodeOurs.perOp.toFixed(0)} ` +
        `(${describe(nodeOurs.phases)}) vs ${nodeBase.perOp.toFixed(0)} (${describe(nodeBase.phases)})\n`,
    );

    const profileDir = process.env["BENCH_PROFILE"];
    if (profileDir !== undefined) {
      const once = async (
        name: string,
        make: () => Promise<{ run: () => Promise<void>; close: () => Promise<void> }>,
      ) => {
        const trial = await make();
        let profile: CpuProfile | undefined;
        try {
          profile = (await profiled(profileDir, name, trial.run)).profile;
        } finally {
          await trial.close();
        }
        printProfile(`command-path profile: ${name}`, profile!, ops);
      };
      await once("worker-commands", worker(commands));
      await once("worker-transfers", worker(transfers));
      await once("node-commands", node(commands));
      await once("node-transfers", node(transfers));
      console.log();
    }

    const per = `${ACCOUNTS} a block, ${blocksPerSegment} blocks, until settled`;
    return [
      {
        figure: `command path: one worker's CPU per encrypted command (sync, dispatch, egress; ${per})`,
        unit: "µs",
        ours: workerOurs.perOp,
        baselineName: "same worker, per transferKeepAlive",
        baseline: workerBase.perOp,
      },
      {
        figure: `command path: node CPU per encrypted command and its reply (submit, produce, relay RPC; ${per})`,
        unit: "µs",
        ours: nodeOurs.perOp,
        baselineName: "same node, per transferKeepAlive",
        baseline: nodeBase.perOp,
      },
    ];
  } finally {
    await network.stop();
  }
}
