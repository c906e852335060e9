import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fromHex } from "@phala-ts/core";
import { devAccount, type PhalaClient } from "@phala-ts/sdk";
import { until } from "./chainHelpers.test-util.js";
import { type NodeProcess, spawnDevValidator, tempBasePath } from "./nodeProcess.test-util.js";
import { WorkerProcesses } from "./workerProcess.test-util.js";

/**
 * A small network on loopback for client tests (SDK, CLI): a dev validator node and real pRuntimes,
 * each with its operator account and, if `relayed`, its real pherry (which registers it).
 */
export interface LoopbackNetwork<Name extends string> {
  readonly base: { readonly path: string; remove(): void };
  readonly node: NodeProcess;
  readonly enclaves: Readonly<Record<Name, WorkerProcesses>>;
  /** Each pRuntime's identity key (0x-hex), known before it registers. */
  readonly identity: Readonly<Record<Name, string>>;
  stop(): Promise<void>;
}

/**
 * Starts a pRuntime per entry of `operators` (name → the operator's secret URI), then the node
 * (admitting their simulated measurement), then the pherries of `relayed` only: the others are
 * never registered.
 */
export async function startLoopbackNetwork<Name extends string>(
  operators: Readonly<Record<Name, string>>,
  relayed: readonly NoInfer<Name>[],
): Promise<LoopbackNetwork<Name>> {
  const base = tempBasePath();
  let node: NodeProcess | undefined;
  const names = Object.keys(operators) as Name[];
  const enclaves = {} as Record<Name, WorkerProcesses>;
  const identity = {} as Record<Name, string>;
  const stop = async () => {
    await Promise.all(names.map((name) => enclaves[name]?.stop()));
    await node?.stop();
    base.remove();
  };
  try {
    for (const name of names)
      enclaves[name] = new WorkerProcesses(join(base.path, name), () => node!.wsUrl, operators[name]);
    await Promise.all(names.map((name) => enclaves[name].startPRuntime()));
    for (const name of names) identity[name] = (await enclaves[name].info()).identityPublicKey;
    node = await spawnDevValidator(base.path, fromHex((await enclaves[names[0]!].info()).measurement));
    await Promise.all(relayed.map((name) => enclaves[name].startPherry()));
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, node, enclaves, identity, stop };
}

/**
 * Makes `gatekeeper` the gatekeeper once its worker is registered (sudo, as Alice), waits for the
 * master key, creates cluster 0 of `workers` (public), and waits until the cluster's keys are on
 * chain and every worker holds them.
 */
export async function createCluster<Name extends string>(
  client: PhalaClient,
  network: LoopbackNetwork<Name>,
  gatekeeper: Name,
  workers: readonly Name[],
): Promise<void> {
  const alice = devAccount("Alice");
  const { identity, enclaves } = network;
  await until(
    async () => ((await client.worker(identity[gatekeeper])) ? true : undefined),
    60_000,
    "the gatekeeper's worker",
  );
  await client.submit(alice, "Sudo", "sudo", {
    call: {
      type: "PhalaRegistry",
      value: { type: "register_gatekeeper", value: { gatekeeper: identity[gatekeeper] } },
    },
  });
  await until(async () => (await client.gatekeepers()).masterPubkey, 60_000, "the master key");
  await until(
    async () =>
      (await Promise.all(workers.map((name) => client.worker(identity[name])))).every(Boolean) ? true : undefined,
    60_000,
    "the cluster's workers to register",
  );
  await client.submit(alice, "Sudo", "sudo", {
    call: {
      type: "PhalaPhatContracts",
      value: { type: "add_cluster", value: { workers: workers.map((name) => identity[name]), permission: "Public" } },
    },
  });
  await until(async () => (await client.clusters())[0]?.keys, 60_000, "the cluster's keys");
  for (const name of workers)
    await until(
      async () => ((await enclaves[name].info()).clusters.length === 1 ? true : undefined),
      60_000,
      `${name} to hold the cluster key`,
    );
}

/** A proxy in front of a worker's API that hands `/info` through `rewrite` (body and signature header). */
export async function infoProxy(
  target: () => string,
  rewrite: (body: string, signature: string | null) => { body: string; signature: string | null },
): Promise<{ url: string; server: Server }> {
  const server = createServer(async (request, response) => {
    const upstream = await fetch(`${target()}${request.url}`);
    const { body, signature } = rewrite(await upstream.text(), upstream.headers.get("x-phala-signature"));
    response.writeHead(upstream.status, {
      "content-type": "application/json",
      ...(signature === null ? {} : { "x-phala-signature": signature }),
    });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
