import type { PRuntimePublicInfo } from "@phala-ts/core";
import type { Account, ClusterView, GatekeeperSet, PhalaClient, WorkerInfo } from "@phala-ts/sdk";
import type { PRuntimeName } from "./devnetLayout.js";

/** What the chain stages work with. */
export interface StageContext {
  /** A connected client; a new one after the node restarted. */
  client(): Promise<PhalaClient>;
  /** A pRuntime's GET /info. */
  info(name: PRuntimeName): Promise<PRuntimePublicInfo>;
  /** Each pRuntime's identity key, 0x hex. */
  readonly identities: Readonly<Record<PRuntimeName, string>>;
  /** The sudo account of the dev chain (Alice). */
  readonly sudo: Account;
  /**
   * Restarts a pRuntime's pherry so that it registers its worker again at once (`on`), or as
   * usual: after a pRuntime build changed, its registration still names the old measurement.
   */
  reregister(name: PRuntimeName, on: boolean): Promise<void>;
  /** Polls `probe` until it returns a value (or the stage's time is up: `waiting for <what>`). */
  until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T>;
}

/** "already" when the chain had it before this run; "done" when this run did it. */
export type StageOutcome = "already" | "done";

/**
 * One step of bootstrapping, decided from chain state only: it reads what the chain has, does
 * what is missing and waits until the chain shows it. Running it again after it completed (or
 * after a crash in its middle) does nothing more than what is still missing.
 */
export interface ChainStage {
  readonly title: string;
  run(ctx: StageContext): Promise<StageOutcome>;
}

// ---- Decisions (pure) ----------------------------------------------------------------------------

/** The measurements among `running` that the chain's allow list lacks. */
export function measurementsToAllow(allowList: readonly string[], running: readonly string[]): string[] {
  const allowed = new Set(allowList.map((m) => m.toLowerCase()));
  return [...new Set(running.map((m) => m.toLowerCase()))].filter((m) => !allowed.has(m));
}

/**
 * How each pRuntime's registration compares with what it runs: `missing` has none, `stale` has one
 * that names another measurement or ECDH key (a pRuntime rebuilt since it registered).
 */
export function registrationGaps(
  infos: Readonly<Record<PRuntimeName, Pick<PRuntimePublicInfo, "measurement" | "ecdhPublicKey">>>,
  records: Readonly<Partial<Record<PRuntimeName, Pick<WorkerInfo, "measurement" | "ecdhPubkey">>>>,
): { readonly missing: PRuntimeName[]; readonly stale: PRuntimeName[] } {
  const names = Object.keys(infos) as PRuntimeName[];
  const missing = names.filter((name) => records[name] === undefined);
  const stale = names.filter((name) => {
    const record = records[name];
    const info = infos[name];
    return (
      record !== undefined &&
      (record.measurement.toLowerCase() !== info.measurement.toLowerCase() ||
        record.ecdhPubkey.toLowerCase() !== info.ecdhPublicKey.toLowerCase())
    );
  });
  return { missing, stale };
}

export const isGatekeeper = (set: GatekeeperSet, identity: string): boolean =>
  set.gatekeepers.some((gatekeeper) => gatekeeper.identity === identity);

/** The first cluster that has every one of `workers`; undefined when none has them all. */
export function clusterWith(clusters: readonly ClusterView[], workers: readonly string[]): ClusterView | undefined {
  return clusters.find((cluster) => workers.every((worker) => cluster.workers.includes(worker)));
}

/** Whether the cluster's keys are on chain and every one of `infos` holds them. */
export function clusterKeysHeld(cluster: ClusterView, infos: readonly PRuntimePublicInfo[]): boolean {
  return (
    cluster.keys !== undefined &&
    infos.every((info) =>
      info.clusters.some((held) => held.cluster === cluster.id && held.pubkey === cluster.keys!.pubkey),
    )
  );
}

// ---- Stages --------------------------------------------------------------------------------------

/** `Sudo.sudo(pallet.call(args))` by the sudo account, in a block; the call's failure rejects (`TX_FAILED`). */
async function sudo(ctx: StageContext, pallet: string, call: string, args: Record<string, unknown>): Promise<void> {
  await (await ctx.client()).sudo(ctx.sudo, pallet, call, args, { waitFor: "inBlock" });
}

async function registrations(ctx: StageContext): Promise<ReturnType<typeof registrationGaps>> {
  const client = await ctx.client();
  const names = Object.keys(ctx.identities) as PRuntimeName[];
  const [infos, records] = await Promise.all([
    Promise.all(names.map((name) => ctx.info(name))),
    Promise.all(names.map((name) => client.worker(ctx.identities[name]))),
  ]);
  return registrationGaps(
    Object.fromEntries(names.map((name, i) => [name, infos[i]!])) as Record<PRuntimeName, PRuntimePublicInfo>,
    Object.fromEntries(names.map((name, i) => [name, records[i]])),
  );
}

/**
 * The pherries register their pRuntimes. A pRuntime built since (a new measurement) has its build
 * allowed and its pherry told to register it again.
 */
export const workersRegistered: ChainStage = {
  title: "workers registered (gk, w1, w2)",
  async run(ctx) {
    const client = await ctx.client();
    const allowList = ((await client.storage("PhalaRegistry", "PRuntimeAllowList")) ?? []) as string[];
    const infos = await Promise.all((Object.keys(ctx.identities) as PRuntimeName[]).map((name) => ctx.info(name)));
    const toAllow = measurementsToAllow(
      allowList,
      infos.map((info) => info.measurement),
    );
    for (const measurement of toAllow) await sudo(ctx, "PhalaRegistry", "add_pruntime", { measurement });
    const { missing, stale } = await registrations(ctx);
    if (toAllow.length === 0 && missing.length === 0 && stale.length === 0) return "already";
    for (const name of stale) await ctx.reregister(name, true);
    try {
      await ctx.until("the pherries to register gk, w1 and w2 with what they run", async () => {
        const gaps = await registrations(ctx);
        return gaps.missing.length === 0 && gaps.stale.length === 0 ? true : undefined;
      });
    } finally {
      for (const name of stale) await ctx.reregister(name, false);
    }
    return "done";
  },
};

export const gatekeeperRegistered: ChainStage = {
  title: "gatekeeper registered (gk)",
  async run(ctx) {
    const gk = ctx.identities.gk;
    if (isGatekeeper(await (await ctx.client()).gatekeepers(), gk)) return "already";
    await sudo(ctx, "PhalaRegistry", "register_gatekeeper", { gatekeeper: gk });
    await ctx.until("the chain to list gk as a gatekeeper", async () =>
      isGatekeeper(await (await ctx.client()).gatekeepers(), gk) ? true : undefined,
    );
    return "done";
  },
};

export const masterKey: ChainStage = {
  title: "master key launched",
  async run(ctx) {
    if ((await (await ctx.client()).gatekeepers()).masterPubkey !== undefined) return "already";
    await ctx.until("the gatekeeper to publish the master key", async () =>
      (await (await ctx.client()).gatekeepers()).masterPubkey !== undefined ? true : undefined,
    );
    return "done";
  },
};

const clusterOfWorkers = async (ctx: StageContext): Promise<ClusterView | undefined> =>
  clusterWith(await (await ctx.client()).clusters(), [ctx.identities.w1, ctx.identities.w2]);

export const clusterCreated: ChainStage = {
  title: "cluster with w1, w2",
  async run(ctx) {
    if ((await clusterOfWorkers(ctx)) !== undefined) return "already";
    await sudo(ctx, "PhalaPhatContracts", "add_cluster", {
      workers: [ctx.identities.w1, ctx.identities.w2],
      permission: "Public",
    });
    await ctx.until("the chain to list the cluster", () => clusterOfWorkers(ctx));
    return "done";
  },
};

export const clusterKeys: ChainStage = {
  title: "cluster keys on w1, w2",
  async run(ctx) {
    const held = async () => {
      const cluster = await clusterOfWorkers(ctx);
      if (cluster === undefined) return undefined;
      return clusterKeysHeld(cluster, await Promise.all([ctx.info("w1"), ctx.info("w2")])) ? true : undefined;
    };
    if (await held()) return "already";
    await ctx.until("the cluster's keys on chain and on w1 and w2", held);
    return "done";
  },
};

/** The stages after the processes are up, in order (the examples come after). */
export const CHAIN_STAGES: readonly ChainStage[] = [
  workersRegistered,
  gatekeeperRegistered,
  masterKey,
  clusterCreated,
  clusterKeys,
];

/** Errors after which a stage is simply tried again: the node or a pRuntime restarting. */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") {
    return (
      code.startsWith("NODE_") ||
      code === "CLIENT_CLOSED" ||
      code === "TX_DROPPED" ||
      code === "TX_TIMEOUT" ||
      code === "WORKER_UNREACHABLE" ||
      code === "ECONNREFUSED" ||
      code === "ECONNRESET"
    );
  }
  // fetch() to a pRuntime that is down: TypeError("fetch failed") with the socket error as cause.
  return error instanceof TypeError && error.message === "fetch failed";
}
