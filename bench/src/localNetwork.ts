import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Devnet, type PRuntimeName, type ProcessName, startDevnet } from "@phala-ts/cli/devnet";
import {
  blake2_256,
  clusterKeysKey,
  contractId,
  contractKeysKey,
  fromHex,
  IMMORTAL_ERA,
  type Keypair,
  type PRuntimePublicInfo,
  type PublicKeys,
  publicKeysCodec,
  sealContractCommand,
  signExtrinsic,
  toHex,
  utf8,
} from "@phala-ts/core";
import { PHA } from "@phala-ts/node";
import { phatCall, runtime } from "./phatCalls.js";
import { Rpc } from "./rpc.js";

/**
 * The network `npm run devnet` runs (see `@phala-ts/cli/devnet`), on loopback for benchmarks: a
 * validator node with the devnet's 500 ms blocks (BENCH_BLOCK_MS=<ms> sets another), a gatekeeper
 * and two cluster workers, each a `phala pruntime` with its own `phala pherry`, cluster 0 and its keys; no example contracts (each bench deploys
 * its own), a fresh temp data dir, ports the system picks.
 * BENCH_NODE_PROFILE=<dir> profiles the node, BENCH_WORKER_PROFILE=<dir> the pRuntimes and pherries
 * (BENCH_NODE_FLAGS and BENCH_WORKER_FLAGS add Node.js flags);
 * BENCH_NETWORK_LOGS=<dir> keeps every process's log there.
 */

export interface Worker {
  readonly name: PRuntimeName;
  /** The pRuntime's HTTP API. */
  readonly url: string;
  readonly identity: Uint8Array;
  readonly ecdh: Uint8Array;
}

export const infoOf = async (url: string): Promise<PRuntimePublicInfo> =>
  (await fetch(`${url}/info`)).json() as Promise<PRuntimePublicInfo>;

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A process's or thread's name and CPU seconds so far, from its stat(5) file. */
function readStat(path: string): { name: string; user: number; system: number } {
  const stat = readFileSync(path, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
  return {
    name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
    user: Number(fields[11]) / 100,
    system: Number(fields[12]) / 100,
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is none. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const { user, system } = readStat(`/proc/${pid}/stat`);
    return user + system;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds per thread of a process, summed by thread name (`main` for the main thread; Node.js
 * leaves most others named after the program), user and system apart.
 */
export function threadSeconds(pid: number | undefined): Map<string, { user: number; system: number }> {
  const byName = new Map<string, { user: number; system: number }>();
  if (pid === undefined) return byName;
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const task of tasks) {
    try {
      const thread = readStat(`/proc/${pid}/task/${task}/stat`);
      // Node.js names few of its threads: the main thread is the process's own id.
      const name = task === String(pid) ? "main" : thread.name;
      const sum = byName.get(name) ?? { user: 0, system: 0 };
      sum.user += thread.user;
      sum.system += thread.system;
      byName.set(name, sum);
    } catch {
      // the thread ended meanwhile
    }
  }
  return byName;
}

/** `--cpu-prof` into `dir`, or nothing. */
const profileFlags = (dir: string | undefined): string[] =>
  dir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${dir}`];

/** Extra Node.js flags, space-separated in an environment variable (`--perf-basic-prof`, `--trace-gc`). */
const extraFlags = (value: string | undefined): string[] => value?.split(" ").filter((flag) => flag !== "") ?? [];

/**
 * Node.js flags for each child, from BENCH_NODE_PROFILE and BENCH_WORKER_PROFILE, and
 * BENCH_NODE_FLAGS and BENCH_WORKER_FLAGS.
 */
function execArgv(): Partial<Record<ProcessName, string[]>> {
  const node = [...profileFlags(process.env["BENCH_NODE_PROFILE"]), ...extraFlags(process.env["BENCH_NODE_FLAGS"])];
  const worker = [
    ...profileFlags(process.env["BENCH_WORKER_PROFILE"]),
    ...extraFlags(process.env["BENCH_WORKER_FLAGS"]),
  ];
  return { node, gk: worker, w1: worker, w2: worker, "gk-pherry": worker, "w1-pherry": worker, "w2-pherry": worker };
}

/** BENCH_BLOCK_MS, or undefined for the devnet's own default. */
function blockTimeMs(): number | undefined {
  const value = process.env["BENCH_BLOCK_MS"];
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isSafeInteger(ms) || ms < 50)
    throw new Error(`BENCH_BLOCK_MS must be a whole number of ms, at least 50: ${value}`);
  return ms;
}

/** Exit at once on Ctrl-C: the `exit` handlers stop the children and remove the temp dir. */
const onSignal = () => process.exit(130);

export interface DeployedContract {
  readonly id: Uint8Array;
  readonly keys: PublicKeys;
}

/** The running network; `stop` ends every process and removes the temp dir, whatever state it is in. */
export class LocalNetwork {
  readonly workers: Worker[];
  readonly rpc: Rpc;
  readonly genesisHash: Uint8Array;
  readonly cluster: Uint8Array;
  readonly clusterKeys: PublicKeys;

  private constructor(
    readonly dir: string,
    readonly devnet: Devnet,
    parts: Pick<LocalNetwork, "workers" | "rpc" | "genesisHash" | "clusterKeys">,
    readonly onExit: () => void,
  ) {
    this.workers = parts.workers;
    this.rpc = parts.rpc;
    this.genesisHash = parts.genesisHash;
    this.cluster = fromHex(devnet.cluster);
    this.clusterKeys = parts.clusterKeys;
  }

  /** The node's RPC address (`ws://`; the same port answers HTTP). */
  get nodeUrl(): string {
    return this.devnet.node.ws;
  }

  /** The gatekeeper and the two cluster workers, in that order. */
  get gk(): Worker {
    return this.workers[0]!;
  }
  get w1(): Worker {
    return this.workers[1]!;
  }
  get w2(): Worker {
    return this.workers[2]!;
  }

  /** Starts everything up to a cluster with its keys on both workers; `funded` get 1,000,000 PHA in genesis. */
  static async start(funded: readonly Uint8Array[]): Promise<LocalNetwork> {
    const dir = mkdtempSync(join(tmpdir(), "phala-bench-network-"));
    const onExit = () => rmSync(dir, { recursive: true, force: true });
    process.on("exit", onExit);
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    let devnet: Devnet | undefined;
    let rpc: Rpc | undefined;
    try {
      devnet = await startDevnet({
        dataDir: dir,
        fresh: true,
        rpcPort: 0,
        pruntimePort: 0,
        blockTimeMs: blockTimeMs(),
        deploy: false,
        endowments: funded.map((account) => ({ account, free: 1_000_000n * PHA })),
        execArgv: execArgv(),
        // A child that exits during a bench is restarted; its figures are then suspect: say so.
        onEvent: (event) => {
          if (event.type === "exited") console.log(`  (devnet: ${event.name} exited, ${event.how}; restarting)`);
          if (event.type === "warning") console.log(`  (devnet: ${event.message})`);
        },
      });
      const names = ["gk", "w1", "w2"] as const;
      const workers = await Promise.all(
        names.map(async (name): Promise<Worker> => {
          const { url } = devnet!.pruntimes[name];
          const info = await infoOf(url);
          return { name, url, identity: fromHex(info.identityPublicKey), ecdh: fromHex(info.ecdhPublicKey) };
        }),
      );
      rpc = await Rpc.open(devnet.node.ws);
      const genesisHash = fromHex(await rpc.call<string>("chain_getBlockHash", [0]));
      const keys = await rpc.call<string | null>("state_getStorage", [toHex(clusterKeysKey(fromHex(devnet.cluster)))]);
      if (keys === null) throw new Error(`the devnet is ready but cluster ${devnet.cluster} has no keys`);
      const clusterKeys = publicKeysCodec.dec(fromHex(keys));
      return new LocalNetwork(dir, devnet, { workers, rpc, genesisHash, clusterKeys }, onExit);
    } catch (error) {
      rpc?.close();
      await devnet?.stop();
      LocalNetwork.#release(dir, onExit);
      throw error;
    }
  }

  static #release(dir: string, onExit: () => void): void {
    const logDir = process.env["BENCH_NETWORK_LOGS"];
    if (logDir !== undefined) cpSync(join(dir, "logs"), logDir, { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    process.off("exit", onExit);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }

  async read<T>(key: Uint8Array, dec: (bytes: Uint8Array) => T): Promise<T | undefined> {
    const raw = await this.rpc.call<string | null>("state_getStorage", [toHex(key)]);
    return raw === null ? undefined : dec(fromHex(raw));
  }

  /** `call` signed by `from` at `nonce`, immortal, no tip. */
  sign(from: Keypair, call: Uint8Array, nonce: number): Uint8Array {
    const { specVersion, transactionVersion } = runtime.version;
    const additional = { specVersion, transactionVersion, genesisHash: this.genesisHash, birthHash: this.genesisHash };
    return signExtrinsic(from, call, { era: IMMORTAL_ERA, nonce, tip: 0n }, additional);
  }

  nextNonce(who: Uint8Array): Promise<number> {
    return this.rpc.call<number>("system_accountNextIndex", [toHex(who)]);
  }

  /** `executed` of `contract` on a worker's /info (commands run there, init included). */
  async executed(worker: Worker, contract: Uint8Array): Promise<bigint> {
    const hex = toHex(contract);
    const status = (await infoOf(worker.url)).contracts.find((c) => c.contract === hex);
    if (status?.unavailable) throw new Error(`${worker.name} cannot run ${hex}: ${status.unavailable}`);
    return BigInt(status?.executed ?? 0);
  }

  /** Uploads `code` and instantiates it with sealed `args`, by `deployer`; resolves once both workers ran init. */
  async deploy(
    deployer: Keypair,
    code: string,
    args: unknown,
    salt: string,
    gasLimit: bigint,
  ): Promise<DeployedContract> {
    const bytes = utf8(code);
    const codeHash = blake2_256(bytes);
    const nonce = await this.nextNonce(deployer.accountId);
    const sealed = sealContractCommand("init", this.clusterKeys.ecdhPubkey, args);
    const calls = [
      phatCall("uploadCode", { code: bytes }),
      phatCall("instantiate", {
        codeHash,
        cluster: this.cluster,
        args: sealed.envelope,
        salt: utf8(salt),
        gasLimit,
        deposit: gasLimit * 10n,
      }),
    ];
    for (const [i, call] of calls.entries()) {
      await this.rpc.call("author_submitExtrinsic", [toHex(this.sign(deployer, runtime.encodeCall(call), nonce + i))]);
    }
    const id = contractId(deployer.accountId, codeHash, this.cluster, utf8(salt));
    const keys = await until(() => this.read(contractKeysKey(id), publicKeysCodec.dec), 60_000, "the contract's keys");
    await this.waitExecuted(id, 1n, 60_000);
    return { id, keys };
  }

  /**
   * Polls both cluster workers until each ran `target` commands of `contract`; the time in ms
   * from `since` (a `performance.now()`) at which each got there.
   */
  async waitExecuted(contract: Uint8Array, target: bigint, timeoutMs: number, since = performance.now()) {
    const reached = await Promise.all(
      [this.w1, this.w2].map(async (worker) => {
        await until(
          async () => ((await this.executed(worker, contract)) >= target ? true : undefined),
          timeoutMs,
          `${worker.name} to run ${target} commands`,
        );
        return performance.now() - since;
      }),
    );
    return { w1: reached[0]!, w2: reached[1]! };
  }

  /** Waits (at most `timeoutMs`) until no pRuntime holds egress the chain has not taken. */
  async drainEgress(timeoutMs: number): Promise<boolean> {
    try {
      await until(
        async () => {
          const infos = await Promise.all(this.workers.map((w) => infoOf(w.url)));
          return infos.every((info) => info.egressPending === 0) ? true : undefined;
        },
        timeoutMs,
        "the egress to drain",
      );
      return true;
    } catch {
      return false;
    }
  }

  /** Process ids of every child, by role. */
  pids(): Record<string, number | undefined> {
    const live = this.devnet.pids();
    const pids: Record<string, number | undefined> = { node: live.node };
    for (const worker of this.workers) {
      pids[`${worker.name} pRuntime`] = live[worker.name];
      pids[`${worker.name} pherry`] = live[`${worker.name}-pherry`];
    }
    return pids;
  }

  async stop(): Promise<void> {
    this.rpc.close();
    await this.devnet.stop();
    LocalNetwork.#release(this.dir, this.onExit);
  }
}
