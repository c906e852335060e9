import { existsSync, rmSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import type { PRuntimePublicInfo } from "@phala-ts/core";
import { connect, devAccount, type PhalaClient } from "@phala-ts/sdk";
import { type Logger, pino } from "pino";
import {
  CHAIN_STAGES,
  type ChainStage,
  clusterWith,
  isTransient,
  type StageContext,
  type StageOutcome,
  workersRegistered,
} from "./bootstrapStages.js";
import { type ChildExecArgv, checkExecArgv } from "./childExecArgv.js";
import { acquireLock, type DataDirLock } from "./dataDirLock.js";
import { DevnetError } from "./devnetError.js";
import {
  DEFAULT_DATA_DIR,
  type DevnetPaths,
  devnetPaths,
  OPERATORS,
  PRUNTIMES,
  type PRuntimeName,
  type ProcessName,
  pherryOf,
} from "./devnetLayout.js";
import { checkBlockTime, checkPRuntimePort, DEFAULT_BLOCK_TIME_MS, preflight } from "./devnetPreflight.js";
import { type DevnetState, newState, resolvePorts, writeState } from "./devnetState.js";
import { examplesDeployed } from "./exampleContracts.js";
import { type BalanceEntry, checkEndowments, type Endowment, withEndowments } from "./genesisEndowments.js";
import { runPhala } from "./phalaChild.js";
import { type ProgressReporter, silentProgress } from "./progressReporter.js";
import type { DevnetSummary } from "./readyReport.js";
import type { BackoffOptions } from "./restartBackoff.js";
import { type ChildEvent, SupervisedProcess } from "./supervisedProcess.js";

export interface DevnetOptions {
  /** Default ./.devnet. */
  readonly dataDir?: string;
  /** Delete the data directory first (only if it is a devnet's). */
  readonly fresh?: boolean;
  /** The node's RPC port (default 9944, or the recorded one; 0: the system picks, and it is kept). */
  readonly rpcPort?: number;
  /** The gatekeeper's API port; w1 and w2 take the next two (default 8000; 0 as above). */
  readonly pruntimePort?: number;
  /** Block time in ms, written into the spec on the first start only (default 500). */
  readonly blockTimeMs?: number;
  /** Deploy the example contracts (default true). */
  readonly deploy?: boolean;
  readonly progress?: ProgressReporter;
  /** Restarts, errors the children log, warnings. */
  readonly onEvent?: (event: DevnetEvent) => void;
  /** How long one bootstrap stage may take (default 180 s). */
  readonly stageTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  /** Genesis balances besides the dev accounts', written into the spec on the first start only. */
  readonly endowments?: readonly Endowment[];
  /** Node.js flags per child, each with its value after `=` (`{ node: ["--cpu-prof", "--cpu-prof-dir=/tmp/p"] }`). */
  readonly execArgv?: ChildExecArgv;
}

export type DevnetEvent =
  | ChildEvent
  | { readonly type: "warning"; readonly message: string }
  /** Something the supervisor did on its own after ready (a worker registered again). */
  | { readonly type: "notice"; readonly message: string };

const HOST = "127.0.0.1";
/** Sealed checkpoints this often, so that a pRuntime killed with -9 replays few blocks. */
const CHECKPOINT_EVERY = 100;
/**
 * A pRuntime runs queries on its event loop and their Ed25519 on libuv's thread pool. One pool
 * thread keeps up with the event loop (a query's signatures cost about half its event-loop time)
 * and leaves it a core, where the default four preempted it on two cores and cut the query rate by
 * a fifth (docs/OPERATIONS.md). The variable must be set when the process starts (Node's module
 * loader starts the pool); the operator's own setting wins.
 */
const PRUNTIME_ENV = { UV_THREADPOOL_SIZE: process.env["UV_THREADPOOL_SIZE"] ?? "1" };
const POLL_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The whole network on loopback, supervised: three pRuntimes (gatekeeper gk, workers w1 and w2),
 * a validator node and a pherry for each pRuntime, as `phala` child processes with their data in
 * one directory; then the chain bootstrapped (registrations, gatekeeper, master key, cluster,
 * cluster keys, examples) by stages that read what the chain already has. `start` resolves once
 * all of it is ready, and the children stay supervised (restarted when they exit) until `stop`.
 */
export class DevnetSupervisor {
  readonly paths: DevnetPaths;
  readonly #options: DevnetOptions;
  readonly #progress: ProgressReporter;
  readonly #processes = new Map<ProcessName, SupervisedProcess>();
  #state!: DevnetState;
  #stateWrites: Promise<void> = Promise.resolve();
  #lock: DataDirLock | undefined;
  #log: Logger | undefined;
  #client: Promise<PhalaClient> | undefined;
  #identities: Partial<Record<PRuntimeName, string>> = {};
  #stopping: Promise<void> | undefined;
  /** pRuntimes whose pherry runs with `--reregister-after 1` until their registration is current. */
  readonly #reregistering = new Set<PRuntimeName>();
  #ready = false;
  /** Checks after ready, one after the other. */
  #maintenance: Promise<void> = Promise.resolve();
  readonly #killAll = () => this.kill();
  readonly #endowments: ReadonlyMap<string, bigint>;

  constructor(options: DevnetOptions = {}) {
    this.#options = options;
    this.paths = devnetPaths(options.dataDir ?? DEFAULT_DATA_DIR);
    this.#progress = options.progress ?? silentProgress;
    if (options.blockTimeMs !== undefined) checkBlockTime(options.blockTimeMs);
    checkPRuntimePort(options.pruntimePort);
    this.#endowments = checkEndowments(options.endowments ?? []);
    if (options.execArgv !== undefined) checkExecArgv(options.execArgv);
  }

  /** Live pids by process (undefined while one is down). */
  pids(): Record<ProcessName, number | undefined> {
    return Object.fromEntries([...this.#processes].map(([name, child]) => [name, child.pid])) as Record<
      ProcessName,
      number | undefined
    >;
  }

  /** Checks, starts and bootstraps; resolves once ready. On failure, everything started is stopped. */
  async start(): Promise<DevnetSummary> {
    const startedAt = performance.now();
    const { previous, ports } = await preflight(this.paths, {
      fresh: this.#options.fresh === true,
      ports: (recorded) => resolvePorts(this.#options, recorded),
      host: HOST,
    });
    if (this.#options.fresh) await rm(this.paths.root, { recursive: true, force: true });
    await mkdir(this.paths.logs, { recursive: true });
    this.#lock = await acquireLock(this.paths.lock, this.paths.root);
    process.on("exit", this.#killAll);
    this.#log = pino({ level: "info" }, pino.destination({ dest: this.paths.log("devnet"), append: true, sync: true }));
    try {
      return await this.#start(previous, ports, startedAt);
    } catch (error) {
      this.#log.error({ err: error }, "the devnet did not start");
      await this.stop();
      throw error;
    }
  }

  async #start(
    previous: DevnetState | undefined,
    ports: DevnetState["ports"],
    startedAt: number,
  ): Promise<DevnetSummary> {
    const resumed = existsSync(this.paths.spec);
    const specBlockTime = resumed ? await this.#specBlockTime() : undefined;
    const blockTimeMs = specBlockTime ?? this.#options.blockTimeMs ?? DEFAULT_BLOCK_TIME_MS;
    if (
      specBlockTime !== undefined &&
      this.#options.blockTimeMs !== undefined &&
      this.#options.blockTimeMs !== specBlockTime
    ) {
      this.#warn(
        `the block time is fixed when the devnet is created: ${specBlockTime} ms (spec.json); --block-time ignored`,
      );
    }
    if (resumed && this.#endowments.size > 0)
      this.#warn("genesis balances are fixed when the devnet is created (spec.json): endowments ignored");
    this.#state = { ...(previous ?? newState(ports, blockTimeMs)), ports, blockTimeMs };
    this.#identities = { ...this.#state.identities };
    await this.#saveState();
    this.#log!.info({ dataDir: this.paths.root, ports, blockTimeMs, resumed }, resumed ? "resuming" : "creating");
    this.#createProcesses(blockTimeMs);

    // On a resume the spec exists: the node starts beside the pRuntimes.
    const nodeStarted = resumed ? this.#child("node").start() : undefined;
    nodeStarted?.catch(() => {});
    const template = resumed ? undefined : runPhala(["build-spec", "--chain", "dev"]);
    template?.catch(() => {});
    await this.#stage("pRuntimes gk, w1, w2", async () => {
      await Promise.all(PRUNTIMES.map((name) => this.#child(name).start()));
      const infos = await Promise.all(PRUNTIMES.map((name) => this.#info(name)));
      for (const [i, name] of PRUNTIMES.entries()) {
        const identity = infos[i]!.identityPublicKey;
        const recorded = this.#state.identities[name];
        if (recorded !== undefined && recorded !== identity)
          this.#warn(`${name}'s identity changed (${recorded} → ${identity}): its data directory was replaced`);
        this.#identities[name] = identity;
      }
      this.#state = { ...this.#state, identities: { ...this.#identities } };
      await this.#saveState();
      if (template !== undefined) await this.#writeSpec(await template, blockTimeMs, infos);
      return "done";
    });
    await this.#stage("node", async () => {
      await (nodeStarted ?? this.#child("node").start());
      return "done";
    });
    await this.#stage("pherries gk-pherry, w1-pherry, w2-pherry", async () => {
      await Promise.all(PRUNTIMES.map((name) => this.#child(pherryOf(name)).start()));
      return "done";
    });

    const examples = examplesDeployed({ bookPath: this.paths.contracts, blockTimeMs });
    const stages: ChainStage[] = [...CHAIN_STAGES, ...(this.#options.deploy === false ? [] : [examples])];
    for (const stage of stages) await this.#stage(stage.title, () => this.#runChainStage(stage));

    const { cluster, genesisHash } = await this.#retrying("ready", async (ctx) => {
      const client = await ctx.client();
      const found = clusterWith(await client.clusters(), [ctx.identities.w1, ctx.identities.w2]);
      return { cluster: found?.id ?? "", genesisHash: client.genesisHash };
    });
    this.#state = { ...this.#state, bootstrapped: { genesisHash, cluster, readyAt: new Date().toISOString() } };
    await this.#saveState();
    await this.#dropClient();
    const summary: DevnetSummary = {
      dataDir: this.paths.root,
      logsDir: this.paths.logs,
      node: { ws: `ws://${HOST}:${this.#state.ports.node}`, http: `http://${HOST}:${this.#state.ports.node}` },
      pruntimes: Object.fromEntries(
        PRUNTIMES.map((name) => [name, { url: this.#pruntimeUrl(name), identity: this.#identities[name]! }]),
      ) as DevnetSummary["pruntimes"],
      cluster,
      contracts: { ...examples.contracts },
      resumed,
      elapsedMs: performance.now() - startedAt,
    };
    this.#log!.info({ elapsedMs: Math.round(summary.elapsedMs), contracts: summary.contracts }, "ready");
    this.#ready = true;
    return summary;
  }

  /** Stops the pherries, then the pRuntimes, then the node (each SIGTERM, then SIGKILL after 10 s). */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#log?.info("stopping");
      await this.#dropClient();
      const group = (names: readonly ProcessName[]) =>
        Promise.all(names.map((name) => this.#processes.get(name)?.stop()));
      await this.#maintenance;
      await group(PRUNTIMES.map(pherryOf));
      await group(PRUNTIMES);
      await group(["node"]);
      await this.#stateWrites;
      this.#log?.info("stopped");
      this.#log?.flush();
      await this.#lock?.release();
      process.off("exit", this.#killAll);
    })();
    return this.#stopping;
  }

  /** SIGKILL to every child now (a second Ctrl-C, or the supervisor exiting). */
  kill(): void {
    for (const child of this.#processes.values()) child.kill();
    if (this.#lock !== undefined) rmSync(this.paths.lock, { force: true });
    process.off("exit", this.#killAll);
  }

  // ---- Processes ---------------------------------------------------------------------------------

  #createProcesses(blockTimeMs: number): void {
    const onEvent = (event: ChildEvent) => this.#childEvent(event);
    const common = { onEvent, ...(this.#options.backoff === undefined ? {} : { backoff: this.#options.backoff }) };
    for (const name of PRUNTIMES) {
      this.#add(
        new SupervisedProcess({
          ...common,
          name,
          logFile: this.paths.log(name),
          command: () => ({
            args: [
              "pruntime",
              "--data-dir",
              this.paths.pruntime(name),
              "--port",
              String(this.#state.ports[name]),
              "--checkpoint-every",
              String(CHECKPOINT_EVERY),
            ],
            env: PRUNTIME_ENV,
            execArgv: this.#execArgv(name),
          }),
        }),
      );
    }
    this.#add(
      new SupervisedProcess({
        ...common,
        name: "node",
        logFile: this.paths.log("node"),
        command: () => ({
          args: [
            "node",
            "--chain",
            this.paths.spec,
            "--base-path",
            this.paths.node,
            "--validator",
            "--key",
            "//Alice",
            "--rpc-port",
            String(this.#state.ports.node),
          ],
          execArgv: this.#execArgv("node"),
        }),
      }),
    );
    const pollMs = Math.min(500, Math.max(50, Math.round(blockTimeMs / 2)));
    for (const name of PRUNTIMES) {
      this.#add(
        new SupervisedProcess({
          ...common,
          name: pherryOf(name),
          logFile: this.paths.log(pherryOf(name)),
          before: () => this.#child(name).whenReady(),
          command: () => ({
            args: [
              "pherry",
              "--node",
              `ws://${HOST}:${this.#state.ports.node}`,
              "--pruntime",
              this.#pruntimeUrl(name),
              "--poll-interval",
              String(pollMs),
              ...(this.#reregistering.has(name) ? ["--reregister-after", "1"] : []),
            ],
            // The operator's secret stays out of the process list (dev keys, but still).
            env: { PHALA_PHERRY_OPERATOR: OPERATORS[name] },
            execArgv: this.#execArgv(pherryOf(name)),
          }),
        }),
      );
    }
  }

  #execArgv(name: ProcessName): readonly string[] {
    return this.#options.execArgv?.[name] ?? [];
  }

  #add(child: SupervisedProcess): void {
    this.#processes.set(child.name, child);
  }

  #child(name: ProcessName): SupervisedProcess {
    return this.#processes.get(name)!;
  }

  #childEvent(event: ChildEvent): void {
    if (event.type === "ready") {
      // A port the kernel chose is kept for every restart and resume.
      const key =
        event.name === "node" ? "node" : (PRUNTIMES as readonly string[]).includes(event.name) ? event.name : undefined;
      if (key !== undefined && event.url !== undefined) {
        const port = Number(new URL(event.url).port);
        if (this.#state.ports[key as keyof DevnetState["ports"]] !== port) {
          this.#state = { ...this.#state, ports: { ...this.#state.ports, [key]: port } };
          void this.#saveState();
        }
      }
      this.#log?.info(
        { process: event.name, childPid: event.pid, url: event.url, restart: event.restart, after: event.after },
        event.restart === 0 ? "started" : "restarted",
      );
      if (this.#ready && event.after !== undefined && (PRUNTIMES as readonly string[]).includes(event.name))
        this.#checkRegistrations(event.name as PRuntimeName);
    } else if (event.type === "exited") {
      this.#log?.warn(
        {
          process: event.name,
          childPid: event.pid,
          how: event.how,
          uptimeMs: event.uptimeMs,
          restartInMs: event.restartInMs,
          lastError: event.lastError,
        },
        `${event.name} exited (${event.how}); restarting in ${event.restartInMs} ms`,
      );
    } else {
      this.#log?.warn({ process: event.name, msg: event.msg }, `${event.name} logged an error`);
    }
    this.#options.onEvent?.(event);
  }

  /**
   * After a pRuntime restarted, its build may be another one (the code was rebuilt meanwhile):
   * its registration is brought up to date as at start.
   */
  #checkRegistrations(name: PRuntimeName): void {
    this.#maintenance = this.#maintenance.then(async () => {
      try {
        const outcome = await this.#runChainStage(workersRegistered);
        if (outcome === "done") {
          const message = `${name} runs another pRuntime build since its restart: allowed it and registered it again`;
          this.#log?.info(message);
          this.#options.onEvent?.({ type: "notice", message });
        }
      } catch (error) {
        if (this.#stopping !== undefined) return;
        this.#warn(`could not check ${name}'s registration after its restart: ${(error as Error).message}`);
      } finally {
        await this.#dropClient();
      }
    });
  }

  #pruntimeUrl(name: PRuntimeName): string {
    return `http://${HOST}:${this.#state.ports[name]}`;
  }

  async #info(name: PRuntimeName): Promise<PRuntimePublicInfo> {
    const response = await fetch(`${this.#pruntimeUrl(name)}/info`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new DevnetError("DEVNET_STAGE_FAILED", `${name} answered /info with ${response.status}`);
    return (await response.json()) as PRuntimePublicInfo;
  }

  // ---- Spec and state ----------------------------------------------------------------------------

  async #specBlockTime(): Promise<number> {
    try {
      const ms = (JSON.parse(await readFile(this.paths.spec, "utf8")) as { blockTimeMs?: unknown }).blockTimeMs;
      if (typeof ms === "number") return ms;
    } catch {}
    throw new DevnetError("DEVNET_BAD_STATE", `${this.paths.spec} cannot be read: start over with --fresh`, {
      path: this.paths.spec,
    });
  }

  /**
   * The dev chain spec (`phala build-spec --chain dev`) with this devnet's block time, the running
   * pRuntime build admitted (the sim platform's measurement, as /info shows it) and the endowments.
   */
  async #writeSpec(template: string, blockTimeMs: number, infos: readonly PRuntimePublicInfo[]): Promise<void> {
    const spec = JSON.parse(template) as {
      blockTimeMs: number;
      properties: { ss58Format: number };
      attestation: Record<string, unknown>;
      genesis: { balances: BalanceEntry[] };
    };
    spec.blockTimeMs = blockTimeMs;
    spec.genesis.balances = withEndowments(spec.genesis.balances, this.#endowments, spec.properties.ss58Format);
    spec.attestation["allowSimulated"] = true;
    spec.attestation["pruntimeAllowList"] = [...new Set(infos.map((info) => info.measurement))];
    await writeFile(this.paths.spec, `${JSON.stringify(spec, null, 2)}\n`);
  }

  /** Writes devnet.json, one write after the other. */
  #saveState(): Promise<void> {
    const state = this.#state;
    this.#stateWrites = this.#stateWrites.then(() => writeState(this.paths.state, state));
    return this.#stateWrites;
  }

  #warn(message: string): void {
    this.#log?.warn(message);
    this.#options.onEvent?.({ type: "warning", message });
  }

  // ---- Stages ------------------------------------------------------------------------------------

  async #stage(title: string, run: () => Promise<StageOutcome>): Promise<void> {
    this.#throwIfStopping();
    this.#progress.begin(title);
    const since = performance.now();
    let outcome: StageOutcome;
    try {
      outcome = await run();
    } catch (error) {
      const stopped = this.#stopping !== undefined;
      this.#progress.fail(stopped ? "stopped" : error instanceof Error ? error.message : String(error));
      if (stopped) throw new DevnetError("DEVNET_STOPPED", "stopped before the devnet was ready");
      throw error;
    }
    this.#log?.info({ stage: title, outcome, ms: Math.round(performance.now() - since) }, "stage done");
    this.#progress.end(outcome === "already" ? "already done" : undefined);
  }

  #throwIfStopping(): void {
    if (this.#stopping !== undefined) throw new DevnetError("DEVNET_STOPPED", "stopped before the devnet was ready");
  }

  /** Runs a chain stage until it completes, again after the node or a pRuntime restarted under it. */
  #runChainStage(stage: ChainStage): Promise<StageOutcome> {
    return this.#retrying(stage.title, (ctx) => stage.run(ctx));
  }

  /** Runs `step` until it completes, again after a transient failure (the node or a pRuntime restarting). */
  async #retrying<T>(title: string, step: (ctx: StageContext) => Promise<T>): Promise<T> {
    const deadline = Date.now() + (this.#options.stageTimeoutMs ?? 180_000);
    const ctx: StageContext = {
      client: () => this.#connected(),
      info: (name) => this.#info(name),
      identities: this.#identities as Record<PRuntimeName, string>,
      reregister: async (name, on) => {
        if (on === this.#reregistering.has(name) || this.#stopping !== undefined) return;
        if (on) this.#reregistering.add(name);
        else this.#reregistering.delete(name);
        this.#log?.info({ process: pherryOf(name), reregister: on }, "restarting the pherry");
        await this.#child(pherryOf(name)).restart();
      },
      sudo: devAccount("Alice"),
      until: async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
        for (;;) {
          this.#throwIfStopping();
          try {
            const value = await probe();
            if (value !== undefined) return value;
          } catch (error) {
            if (!isTransient(error)) throw error;
            await this.#dropClient();
          }
          if (Date.now() > deadline) throw this.#timedOut(title, what);
          await sleep(POLL_MS);
        }
      },
    };
    for (;;) {
      this.#throwIfStopping();
      try {
        return await step(ctx);
      } catch (error) {
        if (this.#stopping !== undefined || !isTransient(error)) throw error;
        if (Date.now() > deadline) throw this.#timedOut(title, "the node and pRuntimes to answer");
        this.#log?.warn({ stage: title, err: error }, "stage interrupted; trying again");
        await this.#dropClient();
        await sleep(500);
      }
    }
  }

  #timedOut(stage: string, what: string): DevnetError {
    return new DevnetError(
      "DEVNET_STAGE_FAILED",
      `timed out waiting for ${what}; the logs are in ${this.paths.logs} (phala devnet logs <process>)`,
      { stage, logs: this.paths.logs },
    );
  }

  #connected(): Promise<PhalaClient> {
    if (this.#client === undefined) {
      const client = connect(`ws://${HOST}:${this.#state.ports.node}`, { requestTimeoutMs: 30_000 });
      client.catch(() => {
        if (this.#client === client) this.#client = undefined;
      });
      this.#client = client;
    }
    return this.#client;
  }

  async #dropClient(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.then((c) => c.close()).catch(() => {});
  }
}
