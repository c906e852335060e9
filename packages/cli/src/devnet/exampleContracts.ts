import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { contractId, fromHex, type PRuntimePublicInfo, toHex, utf8 } from "@phala-ts/core";
import type { ContractView } from "@phala-ts/sdk";
import { type ContractBook, type ContractBookEntry, readContractBook, recordContract } from "../contractBook.js";
import { type ChainStage, clusterWith, type StageContext } from "./bootstrapStages.js";
import { DevnetError } from "./devnetError.js";

/** The repository's examples, from src/devnet or dist/devnet alike. */
export const EXAMPLES_DIR = fileURLToPath(new URL("../../../../examples/", import.meta.url));

export interface ExampleContract {
  /** Its directory under examples/, and its name in the contract book. */
  readonly name: string;
  /** Its init arguments (see its README). */
  args(chain: { readonly bestBlock: number; readonly blockTimeMs: number }): unknown;
}

export const EXAMPLES: readonly ExampleContract[] = [
  { name: "private-token", args: () => ({ supply: "1000000" }) },
  { name: "web3-analytics", args: () => ({ k: 2 }) },
  {
    name: "sealed-bid-auction",
    // Open for bids for about an hour of blocks from the deployment.
    args: ({ bestBlock, blockTimeMs }) => ({
      item: "a painting",
      closesAtBlock: bestBlock + Math.ceil(3_600_000 / blockTimeMs),
      reserve: "50",
    }),
  },
];

/** Fixed, so that the same code deployed by the same account gets the same id on every fresh devnet. */
export const exampleSalt = (name: string): string => `phala-devnet/${name}`;
export const EXAMPLE_GAS_LIMIT = 10_000_000n;

/** The examples the book names with a contract the chain has, and those it does not. */
export function examplesOnChain(
  examples: readonly ExampleContract[],
  book: ContractBook,
  onChain: ReadonlySet<string>,
): { readonly known: Record<string, string>; readonly missing: ExampleContract[] } {
  const known: Record<string, string> = {};
  const missing: ExampleContract[] = [];
  for (const example of examples) {
    const entry = book.contracts[example.name];
    if (entry !== undefined && onChain.has(entry.id)) known[example.name] = entry.id;
    else missing.push(example);
  }
  return { known, missing };
}

/** Whether a worker runs `contract` and has run its init. */
export const runsContract = (info: PRuntimePublicInfo, contract: string): boolean =>
  info.contracts.some((c) => c.contract === contract && c.unavailable === null && BigInt(c.executed) >= 1n);

const bookEntry = (view: ContractView): ContractBookEntry => ({
  id: view.id,
  cluster: view.cluster,
  codeHash: view.codeHash,
  deployer: view.deployer,
  salt: view.salt,
});

/**
 * Deploys the examples the chain does not have yet (by the sudo account, with their fixed salts),
 * records each in the contract book at `bookPath`, and waits until w1 and w2 both run them.
 * `contracts` holds name → id once it ran.
 */
export function examplesDeployed(options: {
  readonly bookPath: string;
  readonly blockTimeMs: number;
  readonly examplesDir?: string;
}): ChainStage & { readonly contracts: Record<string, string> } {
  const contracts: Record<string, string> = {};
  const examplesDir = options.examplesDir ?? EXAMPLES_DIR;
  return {
    title: `example contracts (${EXAMPLES.map((example) => example.name).join(", ")})`,
    contracts,
    async run(ctx: StageContext) {
      const client = await ctx.client();
      const cluster = clusterWith(await client.clusters(), [ctx.identities.w1, ctx.identities.w2]);
      if (cluster === undefined) throw new DevnetError("DEVNET_STAGE_FAILED", "there is no cluster to deploy to");
      const views = new Map((await client.contracts()).map((view) => [view.id, view]));
      const { known, missing } = examplesOnChain(
        EXAMPLES,
        await readContractBook(options.bookPath),
        new Set(views.keys()),
      );
      Object.assign(contracts, known);
      if (missing.length > 0) await deployMissing(ctx, missing, cluster.id, views, contracts, options, examplesDir);
      await ctx.until("w1 and w2 to run the examples' init", async () => {
        const infos = await Promise.all([ctx.info("w1"), ctx.info("w2")]);
        return Object.values(contracts).every((id) => infos.every((info) => runsContract(info, id))) ? true : undefined;
      });
      return missing.length === 0 ? "already" : "done";
    },
  };
}

async function deployMissing(
  ctx: StageContext,
  missing: readonly ExampleContract[],
  cluster: string,
  views: ReadonlyMap<string, ContractView>,
  contracts: Record<string, string>,
  options: { readonly bookPath: string; readonly blockTimeMs: number },
  examplesDir: string,
): Promise<void> {
  const entries = missing.map((example) => ({ example, entry: join(examplesDir, example.name, "contract.ts") }));
  const absent = entries.find(({ entry }) => !existsSync(entry));
  if (absent !== undefined) {
    throw new DevnetError(
      "DEVNET_STAGE_FAILED",
      `the example ${absent.example.name} is not at ${absent.entry}: run from a checkout of the repository, or pass --no-deploy`,
      { entry: absent.entry },
    );
  }
  const { buildContract } = await import("@phala-ts/contracts/build");
  const client = await ctx.client();
  const bestBlock = (await client.bestBlock()).number;
  const deployed = await Promise.all(
    entries.map(async ({ example, entry }) => {
      const { code, codeHash } = await buildContract(entry);
      const salt = exampleSalt(example.name);
      const id = toHex(contractId(ctx.sudo.accountId, codeHash, fromHex(cluster), utf8(salt)));
      const view = views.get(id);
      if (view !== undefined) return { name: example.name, view };
      await client.deploy(ctx.sudo, {
        code,
        cluster,
        salt,
        args: example.args({ bestBlock, blockTimeMs: options.blockTimeMs }),
        gasLimit: EXAMPLE_GAS_LIMIT,
      });
      const created = await client.contractInfo(id);
      if (created === undefined)
        throw new DevnetError("DEVNET_STAGE_FAILED", `the chain has no ${example.name} after its deployment`, { id });
      return { name: example.name, view: created };
    }),
  );
  // One after the other: each rewrites the whole book.
  for (const { name, view } of deployed) {
    await recordContract(options.bookPath, name, bookEntry(view), { replace: true });
    contracts[name] = view.id;
  }
}
