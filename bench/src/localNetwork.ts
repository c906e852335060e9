import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  blake2_256,
  clusterIdFromIndex,
  clusterKeysKey,
  contractId,
  contractKeysKey,
  decodeWorkerRecord,
  devAccounts,
  fromHex,
  IMMORTAL_ERA,
  KEY_HIERARCHY_STORAGE,
  type Keypair,
  masterPubkeyCodec,
  type PRuntimePublicInfo,
  type PublicKeys,
  publicKeysCodec,
  sealContractCommand,
  signExtrinsic,
  toHex,
  utf8,
  workerRecordKey,
} from "@phala-ts/core";
import { createPhalaRuntime, devSpec, PHA, specToJson } from "@phala-ts/node";
import { type NodeProcess, startNode } from "./nodeProcess.js";
import { Rpc } from "./rpc.js";

/**
 * A whole network on loopback for benchmarks, the way the contracts e2e test builds it: one
 * validator node (100 ms blocks, the pRuntime measurement allow-listed), a gatekeeper and two
 * cluster workers, each a `phala pruntime` with its own `phala pherry` and operator account.
 * BENCH_NODE_PROFILE=<dir> profiles the node, BENCH_WORKER_PROFILE=<dir> the pRuntimes and pherries.
 */

const PHALA = fileURLToPath(new URL("../../packages/cli/bin/phala.js", import.meta.url));
export const runtime: ReturnType<typeof createPhalaRuntime> = createPhalaRuntime();
type RuntimeCall = Parameters<typeof runtime.encodeCall>[0];
const sr = devAccounts("sr25519");

/** A `phala` child process that logged "ready". */
export interface PhalaProcess {
  readonly child: ChildProcess;
  /** The URL of its "listening" line, if any. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Every child still running, so that an exit or a signal never leaves one behind. */
const live = new Set<ChildProcess>();
function track(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
}
const killLive = () => {
  for (const child of live) child.kill("SIGKILL");
};
const onSignal = () => {
  killLive();
  process.exit(130);
};

/**
 * Starts `phala <args> --log-format json`; resolves once it logs "ready". Keeps only its last log
 * lines, unless BENCH_NETWORK_LOGS=<dir> asks for every line in `<dir>/<name>.log`.
 */
async function spawnPhala(name: string, args: readonly string[]): Promise<PhalaProcess> {
  const logDir = process.env["BENCH_NETWORK_LOGS"];
  const log = logDir === undefined ? undefined : createWriteStream(join(logDir, `${name}.log`));
  const profile = process.env["BENCH_WORKER_PROFILE"];
  const nodeFlags = profile === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profile}`];
  const child = spawn(process.execPath, [...nodeFlags, PHALA, ...args, "--log-format", "json"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  track(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => log?.end());
  const recent: string[] = [];
  let url = "";
  await new Promise<void>((resolve, reject) => {
    let buffer = "";
    // Read stderr to the end, so that a chatty process never blocks on a full pipe.
    child.stderr!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) {
        log?.write(`${line}\n`);
        recent.push(line);
        if (recent.length > 10) recent.shift();
        let record: { msg?: unknown; url?: unknown };
        try {
          record = JSON.parse(line);
        } catch {
          continue;
        }
        if (typeof record.msg === "string" && record.msg.includes("listening")) url = String(record.url);
        if (record.msg === "ready") resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`phala ${args[0]} exited with ${code}:\n${recent.join("\n")}`)));
  });
  return {
    child,
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

export interface Worker {
  readonly name: string;
  readonly pruntime: PhalaProcess;
  pherry?: PhalaProcess;
  /** The pRuntime's HTTP API. */
  readonly url: string;
  readonly identity: Uint8Array;
  readonly ecdh: Uint8Array;
}

export const infoOf = async (url: string): Promise<PRuntimePublicInfo> =>
  (await fetch(`${url}/info`)).json() as Promise<PRuntimePublicInfo>;

export async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is none. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

export const phatCall = (type: string, value: unknown): RuntimeCall =>
  ({ type: "PhalaPhatContracts", value: { type, value } }) as RuntimeCall;

export interface DeployedContract {
  readonly id: Uint8Array;
  readonly keys: PublicKeys;
}

/** The running network; `stop` ends every process and removes the temp dir, whatever state it is in. */
export class LocalNetwork {
  readonly cluster = clusterIdFromIndex(0n);
  readonly workers: Worker[] = [];
  node!: NodeProcess;
  rpc!: Rpc;
  genesisHash!: Uint8Array;
  clusterKeys!: PublicKeys;

  #onExit: (() => void) | undefined;

  private constructor(readonly dir: string) {}

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
    const network = new LocalNetwork(mkdtempSync(join(tmpdir(), "phala-bench-network-")));
    network.#onExit = () => {
      killLive();
      rmSync(network.dir, { recursive: true, force: true });
    };
    process.on("exit", network.#onExit);
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      await network.#start(funded);
      return network;
    } catch (error) {
      await network.stop();
      throw error;
    }
  }

  async #start(funded: readonly Uint8Array[]): Promise<void> {
    const names = ["gk", "w1", "w2"] as const;
    const pruntimes = await Promise.allSettled(
      names.map((name) =>
        spawnPhala(`${name}-pruntime`, ["pruntime", "--port", "0", "--data-dir", join(this.dir, name)]),
      ),
    );
    for (const [i, started] of pruntimes.entries()) {
      if (started.status === "rejected") continue;
      const info = await infoOf(started.value.url);
      this.workers.push({
        name: names[i]!,
        pruntime: started.value,
        url: started.value.url,
        identity: fromHex(info.identityPublicKey),
        ecdh: fromHex(info.ecdhPublicKey),
      });
    }
    const failed = pruntimes.find((p) => p.status === "rejected");
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;

    const dev = devSpec();
    const measurement = fromHex((await infoOf(this.gk.url)).measurement);
    const spec = {
      ...dev,
      blockTimeMs: 100,
      attestation: { ...dev.attestation, allowSimulated: true, pruntimeAllowList: [measurement] },
      genesis: {
        ...dev.genesis,
        balances: [...dev.genesis.balances, ...funded.map((a) => [a, 1_000_000n * PHA] as const)],
      },
    };
    const specPath = join(this.dir, "spec.json");
    writeFileSync(specPath, JSON.stringify(specToJson(spec)));
    this.node = await startNode(specPath, join(this.dir, "node"));
    track(this.node.child);
    this.rpc = await Rpc.open(this.node.url);
    this.genesisHash = fromHex(await this.rpc.call<string>("chain_getBlockHash", [0]));

    const operators = ["//Bob", "//Charlie", "//Dave"];
    const pherries = await Promise.allSettled(
      this.workers.map(async (worker, i) => {
        worker.pherry = await spawnPhala(`${worker.name}-pherry`, [
          "pherry",
          "--node",
          this.node.url,
          "--pruntime",
          worker.url,
          "--operator",
          operators[i]!,
          "--poll-interval",
          "50",
        ]);
      }),
    );
    const pherryFailed = pherries.find((p) => p.status === "rejected");
    if (pherryFailed !== undefined) throw (pherryFailed as PromiseRejectedResult).reason;
    for (const worker of this.workers) {
      await until(() => this.read(workerRecordKey(worker.identity), decodeWorkerRecord), 60_000, "registration");
    }
    await this.sudo({
      type: "PhalaRegistry",
      value: { type: "registerGatekeeper", value: { gatekeeper: this.gk.identity } },
    } as RuntimeCall);
    await until(() => this.read(KEY_HIERARCHY_STORAGE.masterPubkey, masterPubkeyCodec.dec), 60_000, "the master key");
    await this.sudo(
      phatCall("addCluster", {
        workers: [this.w1.identity, this.w2.identity],
        permission: { type: "Public", value: undefined },
      }),
    );
    this.clusterKeys = await until(
      () => this.read(clusterKeysKey(this.cluster), publicKeysCodec.dec),
      60_000,
      "the cluster's keys",
    );
    for (const worker of [this.w1, this.w2]) {
      await until(
        async () => ((await infoOf(worker.url)).clusters.length === 1 ? true : undefined),
        60_000,
        `${worker.name} to hold the cluster key`,
      );
    }
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

  async submit(from: Keypair, call: RuntimeCall): Promise<void> {
    const xt = this.sign(from, runtime.encodeCall(call), await this.nextNonce(from.accountId));
    await this.rpc.call("author_submitExtrinsic", [toHex(xt)]);
  }

  sudo(call: RuntimeCall): Promise<void> {
    return this.submit(sr.Alice, { type: "Sudo", value: { type: "sudo", value: { call } } } as RuntimeCall);
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
    const pids: Record<string, number | undefined> = { node: this.node?.child.pid };
    for (const worker of this.workers) {
      pids[`${worker.name} pRuntime`] = worker.pruntime.child.pid;
      pids[`${worker.name} pherry`] = worker.pherry?.child.pid;
    }
    return pids;
  }

  async stop(): Promise<void> {
    this.rpc?.close();
    await Promise.allSettled(this.workers.map((w) => w.pherry?.stop()));
    await Promise.allSettled([...this.workers.map((w) => w.pruntime.stop()), this.node?.stop()]);
    rmSync(this.dir, { recursive: true, force: true });
    if (this.#onExit !== undefined) process.off("exit", this.#onExit);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
