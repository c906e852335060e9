import type { BlockRef, PhalaClient, RuntimeVersion } from "@phala-ts/sdk";
import type { Command } from "commander";
import { field } from "./chainQuery.js";
import {
  type ClientFlags,
  clientAction,
  helpText,
  jsonOption,
  NODE_FAILURE,
  nodeOption,
  printResult,
  withClient,
} from "./clientCommand.js";

export interface ChainStatusView {
  readonly node: string;
  /** `system_name` and `system_version`. */
  readonly nodeVersion: string | undefined;
  readonly chain: string;
  readonly genesisHash: string;
  readonly runtime: RuntimeVersion;
  readonly ss58Prefix: number;
  readonly best: BlockRef;
  readonly finalized: BlockRef;
  /** `system_health`; undefined when the node does not say. */
  readonly peers: number | undefined;
  readonly syncing: boolean | undefined;
  /** Counted at the finalized block. */
  readonly counts: {
    readonly workers: number;
    readonly gatekeepers: number;
    readonly clusters: number;
    readonly contracts: number;
  };
  readonly masterPubkey: string | undefined;
}

/** Read without failing on nodes that do not serve them. */
async function optional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

export async function readChainStatus(client: PhalaClient): Promise<ChainStatusView> {
  const [best, finalized, name, version, health] = await Promise.all([
    client.bestBlock(),
    client.finalizedBlock(),
    optional(() => client.rpc.request<string>("system_name")),
    optional(() => client.rpc.request<string>("system_version")),
    optional(() => client.rpc.request<{ peers?: unknown; isSyncing?: unknown }>("system_health")),
  ]);
  const at = { at: finalized.hash };
  const [workers, gatekeepers, clusters, contracts] = await Promise.all([
    client.workers(at),
    client.gatekeepers(at),
    client.clusters(at),
    client.contracts(at),
  ]);
  return {
    node: client.url,
    nodeVersion: name === undefined ? undefined : `${name} ${version ?? ""}`.trim(),
    chain: client.chainName,
    genesisHash: client.genesisHash,
    runtime: client.runtimeVersion,
    ss58Prefix: client.ss58Prefix,
    best,
    finalized,
    peers: typeof health?.peers === "number" ? health.peers : undefined,
    syncing: typeof health?.isSyncing === "boolean" ? health.isSyncing : undefined,
    counts: {
      workers: workers.length,
      gatekeepers: gatekeepers.gatekeepers.length,
      clusters: clusters.length,
      contracts: contracts.length,
    },
    masterPubkey: gatekeepers.masterPubkey,
  };
}

export function chainStatusJson(view: ChainStatusView): Record<string, unknown> {
  return {
    ...view,
    nodeVersion: view.nodeVersion ?? null,
    peers: view.peers ?? null,
    syncing: view.syncing ?? null,
    masterPubkey: view.masterPubkey ?? null,
  };
}

const block = ({ number, hash }: BlockRef) => `#${number} ${hash}`;

export function chainStatusLines(view: ChainStatusView): string[] {
  const { runtime, counts } = view;
  return [
    field(0, "chain", view.chain),
    field(0, "node", view.nodeVersion === undefined ? view.node : `${view.node} (${view.nodeVersion})`),
    field(0, "genesis", view.genesisHash),
    field(
      0,
      "runtime",
      `${runtime.specName} spec ${runtime.specVersion}, transaction version ${runtime.transactionVersion}`,
    ),
    field(0, "ss58 prefix", String(view.ss58Prefix)),
    field(0, "best block", block(view.best)),
    field(0, "finalized block", block(view.finalized)),
    field(
      0,
      "peers",
      view.peers === undefined ? "not reported" : `${view.peers}${view.syncing === true ? " (syncing)" : ""}`,
    ),
    field(0, "workers", String(counts.workers)),
    field(
      0,
      "gatekeepers",
      `${counts.gatekeepers} (master key ${view.masterPubkey === undefined ? "not launched" : view.masterPubkey})`,
    ),
    field(0, "clusters", String(counts.clusters)),
    field(0, "contracts", String(counts.contracts)),
  ];
}

export function addChainCommand(program: Command): void {
  const chain = program.command("chain").description("the chain a node follows");
  chain
    .command("status")
    .description(
      "show the chain, its runtime, best and finalized blocks, and how many workers, clusters and contracts it has",
    )
    .addOption(nodeOption())
    .addOption(jsonOption())
    .addHelpText(
      "after",
      helpText({
        about:
          "Workers, gatekeepers, clusters and contracts are counted at the finalized block; `worker list`,\n`gatekeeper list`, `cluster list` and `contract list` show them.",
        failure: NODE_FAILURE,
        examples: ["phala chain status", "phala chain status --node ws://10.0.0.5:9944 --json"],
      }),
    )
    .action(
      clientAction(async (flags: ClientFlags) => {
        const view = await withClient(flags.node, readChainStatus);
        printResult(
          flags.json,
          () => chainStatusJson(view),
          () => chainStatusLines(view),
        );
      }),
    );
}
