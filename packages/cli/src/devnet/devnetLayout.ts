import { join, resolve } from "node:path";

/** The three pRuntimes: a gatekeeper and the two workers of cluster 0. */
export const PRUNTIMES = ["gk", "w1", "w2"] as const;
export type PRuntimeName = (typeof PRUNTIMES)[number];

export const pherryOf = (pruntime: PRuntimeName) => `${pruntime}-pherry` as const;

/** Every child process, in start order. */
export const PROCESS_NAMES = ["gk", "w1", "w2", "node", "gk-pherry", "w1-pherry", "w2-pherry"] as const;
export type ProcessName = (typeof PROCESS_NAMES)[number];

/** What `phala devnet logs` shows: each child's log, and the supervisor's own. */
export const LOG_NAMES = ["node", "gk", "w1", "w2", "gk-pherry", "w1-pherry", "w2-pherry", "devnet"] as const;
export type LogName = (typeof LOG_NAMES)[number];

export const isLogName = (name: string): name is LogName => (LOG_NAMES as readonly string[]).includes(name);

/** The account each pRuntime's pherry signs and pays with (public dev keys). */
export const OPERATORS: Readonly<Record<PRuntimeName, string>> = { gk: "//Bob", w1: "//Charlie", w2: "//Dave" };

export const DEFAULT_DATA_DIR = ".devnet";

/** Where everything of one devnet lives. */
export interface DevnetPaths {
  readonly root: string;
  /** The chain spec, written on first start. */
  readonly spec: string;
  /** Ports, identities and what was bootstrapped (`devnetState.ts`). */
  readonly state: string;
  /** The pid of the supervisor that runs it. */
  readonly lock: string;
  /** The contract address book (`contractBook.ts`). */
  readonly contracts: string;
  readonly logs: string;
  readonly node: string;
  log(name: LogName): string;
  pruntime(name: PRuntimeName): string;
}

export function devnetPaths(dataDir: string): DevnetPaths {
  const root = resolve(dataDir);
  const logs = join(root, "logs");
  return {
    root,
    spec: join(root, "spec.json"),
    state: join(root, "devnet.json"),
    lock: join(root, "devnet.lock"),
    contracts: join(root, "contracts.json"),
    logs,
    node: join(root, "node"),
    log: (name) => join(logs, `${name}.log`),
    pruntime: (name) => join(root, name),
  };
}

/** Files a data directory may hold before the devnet wrote its state (a first start that stopped early). */
export const PRE_STATE_FILES: readonly string[] = ["devnet.lock", "contracts.json", "logs"];
