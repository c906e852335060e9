import { readdir } from "node:fs/promises";
import { assertUnlocked } from "./dataDirLock.js";
import { DevnetError } from "./devnetError.js";
import { type DevnetPaths, PRE_STATE_FILES, PRUNTIMES } from "./devnetLayout.js";
import { type DevnetPorts, type DevnetState, PORT_FLAGS, readState } from "./devnetState.js";
import { assertPortsFree, type WantedPort } from "./portCheck.js";

/** Block times a devnet accepts, in ms. */
export const BLOCK_TIME_RANGE = { min: 50, max: 60_000 } as const;
export const DEFAULT_BLOCK_TIME_MS = 500;

export function checkBlockTime(ms: number): number {
  if (!Number.isInteger(ms) || ms < BLOCK_TIME_RANGE.min || ms > BLOCK_TIME_RANGE.max) {
    throw new DevnetError(
      "DEVNET_BAD_OPTION",
      `--block-time must be a whole number of ms from ${BLOCK_TIME_RANGE.min} to ${BLOCK_TIME_RANGE.max}`,
      { blockTimeMs: ms },
    );
  }
  return ms;
}

/** The three pRuntime ports from `first` must fit below 65536. */
export function checkPRuntimePort(first: number | undefined): number | undefined {
  if (first !== undefined && (!Number.isInteger(first) || first < 0 || first + PRUNTIMES.length - 1 > 65535)) {
    throw new DevnetError(
      "DEVNET_BAD_OPTION",
      `--pruntime-port takes the first of ${PRUNTIMES.length} ports: 0 (the system picks), or 1 to ${65536 - PRUNTIMES.length}`,
      { pruntimePort: first },
    );
  }
  return first;
}

/**
 * Refuses a data directory that holds something other than a devnet: it must be absent, empty,
 * hold devnet.json, or hold only what a first start writes before it (the lock, the logs).
 */
export async function assertDevnetDir(paths: DevnetPaths): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(paths.root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return;
    if (code === "ENOTDIR")
      throw new DevnetError("DEVNET_NOT_A_DEVNET_DIR", `${paths.root} is a file, not a directory`, { dir: paths.root });
    throw error;
  }
  if (entries.includes("devnet.json")) return;
  const other = entries.filter((entry) => !PRE_STATE_FILES.includes(entry));
  if (other.length > 0) {
    throw new DevnetError(
      "DEVNET_NOT_A_DEVNET_DIR",
      `${paths.root} is not empty and holds no devnet.json (it has ${other.slice(0, 3).join(", ")}${other.length > 3 ? ", …" : ""}): choose another --data-dir`,
      { dir: paths.root, entries: other.slice(0, 10) },
    );
  }
}

const portOwners: Readonly<Record<keyof DevnetPorts, string>> = {
  node: "the node's RPC",
  gk: "the gatekeeper pRuntime's API",
  w1: "the w1 pRuntime's API",
  w2: "the w2 pRuntime's API",
};

export function wantedPorts(ports: DevnetPorts, recorded: boolean): WantedPort[] {
  return (["node", ...PRUNTIMES] as const).map((key) => ({
    port: ports[key],
    owner: recorded ? `${portOwners[key]}, recorded in devnet.json` : portOwners[key],
    flag: PORT_FLAGS[key],
  }));
}

/**
 * Everything checked before anything is written: no live devnet holds the directory, it is a
 * devnet's (or empty), its state reads, and the ports are free. Returns the previous state
 * (undefined on a first or --fresh start).
 */
export async function preflight(
  paths: DevnetPaths,
  options: {
    readonly fresh: boolean;
    readonly ports: (recorded: DevnetPorts | undefined) => DevnetPorts;
    readonly host: string;
  },
): Promise<{ readonly previous: DevnetState | undefined; readonly ports: DevnetPorts }> {
  await assertUnlocked(paths.lock, paths.root);
  await assertDevnetDir(paths);
  const previous = options.fresh ? undefined : await readState(paths.state);
  const ports = options.ports(previous?.ports);
  await assertPortsFree(wantedPorts(ports, previous !== undefined), options.host);
  return { previous, ports };
}
