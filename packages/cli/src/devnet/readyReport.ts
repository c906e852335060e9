import { relative, resolve } from "node:path";
import { toHex } from "@phala-ts/core";
import { devAccount } from "@phala-ts/sdk";
import { DEFAULT_DATA_DIR, LOG_NAMES, PRUNTIMES, type PRuntimeName, type ProcessName } from "./devnetLayout.js";
import { DEFAULT_PORTS } from "./devnetState.js";
import { EXAMPLES } from "./exampleContracts.js";

/** What a ready devnet offers, as the ready block and `--json` show it. */
export interface DevnetSummary {
  readonly dataDir: string;
  readonly logsDir: string;
  readonly node: { readonly ws: string; readonly http: string };
  readonly pruntimes: Readonly<Record<PRuntimeName, { readonly url: string; readonly identity: string }>>;
  /** Cluster 0's id (0x hex). */
  readonly cluster: string;
  /** Example name → contract id; empty with --no-deploy. */
  readonly contracts: Readonly<Record<string, string>>;
  /** Whether this run continued a network an earlier run created. */
  readonly resumed: boolean;
  /** From the start of this run to ready. */
  readonly elapsedMs: number;
}

const alice = devAccount("Alice");
const bob = devAccount("Bob");

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Contracts in the examples' order, then any others. */
function orderedContracts(contracts: Readonly<Record<string, string>>): [string, string][] {
  const order = EXAMPLES.map((example) => example.name);
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  return Object.entries(contracts).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * Commands to paste, spelled for where the devnet runs: `--node` and `--worker` when the ports are
 * not the defaults, `--book` and `--data-dir` when the data directory is not ./.devnet of `cwd`.
 */
export function tryCommands(summary: DevnetSummary, cwd = process.cwd()): string[] {
  const nodeFlag = new URL(summary.node.ws).port === String(DEFAULT_PORTS.node) ? "" : ` --node ${summary.node.ws}`;
  const atDefault = resolve(cwd, DEFAULT_DATA_DIR) === resolve(summary.dataDir);
  const shown = shellQuote(
    relative(cwd, summary.dataDir).startsWith("..") ? summary.dataDir : relative(cwd, summary.dataDir) || ".",
  );
  const bookFlag = atDefault ? "" : ` --book ${shown}/contracts.json`;
  const dirFlag = atDefault ? "" : ` --data-dir ${shown}`;
  const workerFlag =
    new URL(summary.pruntimes.w1.url).port === String(DEFAULT_PORTS.w1) ? "" : ` --worker ${summary.pruntimes.w1.url}`;
  const commands = [
    `npx phala chain status${nodeFlag}`,
    `npx phala balance //Alice${nodeFlag}`,
    `npx phala transfer //Alice //Bob 10${nodeFlag}`,
  ];
  if (summary.contracts["private-token"] !== undefined) {
    const transfer = JSON.stringify({ transfer: { to: toHex(bob.accountId), amount: "5" } });
    commands.push(
      `npx phala contract query private-token '{"balance":{}}' --as //Alice${workerFlag}${nodeFlag}${bookFlag}`,
      `npx phala contract command private-token '${transfer}' --from //Alice${nodeFlag}${bookFlag}`,
    );
  }
  commands.push(`npx phala worker verify ${summary.pruntimes.w1.url}${nodeFlag}`, `npx phala devnet logs w1${dirFlag}`);
  return commands;
}

/** The block printed once the devnet is ready (without the final "ready" line). */
export function readyLines(summary: DevnetSummary, cwd = process.cwd()): string[] {
  const column = (label: string, value: string, width = 12) => `  ${label.padEnd(width)}${value}`;
  const contracts = orderedContracts(summary.contracts);
  const width = Math.max(12, ...contracts.map(([name]) => name.length + 2));
  return [
    "",
    `Phala-TS devnet ${summary.resumed ? "resumed" : "started"} in ${(summary.elapsedMs / 1000).toFixed(1)} s`,
    "",
    "Endpoints",
    column("node", `${summary.node.ws} (WebSocket)  ${summary.node.http} (HTTP)`),
    column("gk", `${summary.pruntimes.gk.url} (gatekeeper)`),
    column("w1", `${summary.pruntimes.w1.url} (worker)`),
    column("w2", `${summary.pruntimes.w2.url} (worker)`),
    column("data", summary.dataDir),
    column("logs", `${summary.logsDir}  (phala devnet logs <${LOG_NAMES.join("|")}>)`),
    "",
    "Dev accounts (well-known keys, public to everyone: for this devnet only)",
    column("//Alice", `${alice.address}  sudo, deployed the examples`),
    column("//Bob", bob.address),
    "",
    ...(contracts.length === 0
      ? ["Contracts: none deployed (--no-deploy)"]
      : [`Contracts in cluster ${summary.cluster}`, ...contracts.map(([name, id]) => column(name, id, width))]),
    "",
    "Try",
    ...tryCommands(summary, cwd).map((command) => `  ${command}`),
    "",
    "Ctrl-C stops the network; the same command again resumes it (--fresh starts over).",
  ];
}

/** The one line `--json` prints once ready. */
export function readyJson(
  summary: DevnetSummary,
  pids: Readonly<Record<ProcessName, number | undefined>>,
): Record<string, unknown> {
  return {
    ready: true,
    resumed: summary.resumed,
    elapsedMs: Math.round(summary.elapsedMs),
    dataDir: summary.dataDir,
    logsDir: summary.logsDir,
    node: { ...summary.node, pid: pids.node ?? null },
    pruntimes: Object.fromEntries(
      PRUNTIMES.map((name) => [
        name,
        {
          ...summary.pruntimes[name],
          pid: pids[name] ?? null,
          pherryPid: pids[`${name}-pherry`] ?? null,
        },
      ]),
    ),
    cluster: summary.cluster,
    contracts: Object.fromEntries(orderedContracts(summary.contracts)),
    accounts: { Alice: alice.address, Bob: bob.address },
  };
}
