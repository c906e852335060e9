import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { DevnetError } from "./devnetError.js";
import { PRUNTIMES, type PRuntimeName } from "./devnetLayout.js";
import { readTextIfExists } from "./readTextIfExists.js";

/** The ports of a devnet; 0 until the kernel chose one (then the chosen one is kept). */
export interface DevnetPorts {
  readonly node: number;
  readonly gk: number;
  readonly w1: number;
  readonly w2: number;
}

/**
 * `devnet.json`: what a resume needs to find the same network again. Whether a bootstrap stage is
 * done is always read from the chain, never from here; `bootstrapped` only records what was seen.
 */
export interface DevnetState {
  readonly version: 1;
  readonly createdAt: string;
  readonly blockTimeMs: number;
  readonly ports: DevnetPorts;
  /** Each pRuntime's identity key (0x hex), as its /info gave it. */
  readonly identities: Readonly<Partial<Record<PRuntimeName, string>>>;
  readonly bootstrapped: {
    readonly genesisHash?: string;
    readonly cluster?: string;
    /** When the network was last ready. */
    readonly readyAt?: string;
  };
}

export const DEFAULT_PORTS: DevnetPorts = { node: 9944, gk: 8000, w1: 8001, w2: 8002 };

const isPort = (value: unknown): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 65535;
const HEX32 = /^0x[0-9a-f]{64}$/;

/** Parses devnet.json; anything malformed is `DEVNET_BAD_STATE`. */
export function parseState(text: string, path: string): DevnetState {
  const bad = (what: string) =>
    new DevnetError("DEVNET_BAD_STATE", `${path} ${what}: fix it, or start over with --fresh`, { path });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw bad("is not JSON");
  }
  const root = json as Partial<Record<keyof DevnetState, unknown>> | null;
  if (typeof root !== "object" || root === null || root.version !== 1) throw bad("is not a version 1 devnet state");
  if (typeof root.createdAt !== "string") throw bad("has no createdAt");
  if (typeof root.blockTimeMs !== "number" || !Number.isInteger(root.blockTimeMs) || root.blockTimeMs <= 0)
    throw bad("has no valid blockTimeMs");
  const ports = root.ports as Partial<Record<keyof DevnetPorts, unknown>> | undefined;
  if (typeof ports !== "object" || ports === null) throw bad("has no ports");
  for (const key of ["node", ...PRUNTIMES] as const) {
    if (!isPort(ports[key])) throw bad(`has no valid ports.${key}`);
  }
  const identities = (root.identities ?? {}) as Record<string, unknown>;
  if (typeof identities !== "object" || identities === null) throw bad("has malformed identities");
  for (const [name, identity] of Object.entries(identities)) {
    if (!(PRUNTIMES as readonly string[]).includes(name) || typeof identity !== "string" || !HEX32.test(identity))
      throw bad(`has a malformed identity for ${name}`);
  }
  const bootstrapped = (root.bootstrapped ?? {}) as Record<string, unknown>;
  if (typeof bootstrapped !== "object" || bootstrapped === null) throw bad("has malformed bootstrapped");
  for (const key of ["genesisHash", "cluster", "readyAt"]) {
    if (bootstrapped[key] !== undefined && typeof bootstrapped[key] !== "string")
      throw bad(`has a malformed bootstrapped.${key}`);
  }
  return {
    version: 1,
    createdAt: root.createdAt,
    blockTimeMs: root.blockTimeMs,
    ports: ports as unknown as DevnetPorts,
    identities: identities as Partial<Record<PRuntimeName, string>>,
    bootstrapped: bootstrapped as DevnetState["bootstrapped"],
  };
}

/** devnet.json at `path`, or undefined when there is none. */
export async function readState(path: string): Promise<DevnetState | undefined> {
  const text = await readTextIfExists(path);
  return text === undefined ? undefined : parseState(text, path);
}

/** Writes the whole state to a temporary file, then renames it over `path`. */
export async function writeState(path: string, state: DevnetState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, path);
}

export function newState(ports: DevnetPorts, blockTimeMs: number, now = new Date()): DevnetState {
  return { version: 1, createdAt: now.toISOString(), blockTimeMs, ports, identities: {}, bootstrapped: {} };
}

/** The ports asked for on the command line; undefined where the flag was not given. */
export interface RequestedPorts {
  readonly rpcPort?: number | undefined;
  /** The gatekeeper's; the workers take the next two (0: the kernel chooses each). */
  readonly pruntimePort?: number | undefined;
}

/**
 * The ports to use: a port given as a number other than 0 wins; otherwise the one recorded by an
 * earlier start (so that a kernel-chosen port is kept across restarts and resumes; 0 if none was
 * chosen yet); otherwise the given 0 or the default.
 */
export function resolvePorts(requested: RequestedPorts, recorded: DevnetPorts | undefined): DevnetPorts {
  const pick = (asked: number | undefined, previous: number | undefined, fallback: number) =>
    asked ? asked : (previous ?? asked ?? fallback);
  const first = requested.pruntimePort;
  const offset = (i: number) => (first === undefined || first === 0 ? first : first + i);
  return {
    node: pick(requested.rpcPort, recorded?.node, DEFAULT_PORTS.node),
    gk: pick(offset(0), recorded?.gk, DEFAULT_PORTS.gk),
    w1: pick(offset(1), recorded?.w1, DEFAULT_PORTS.w1),
    w2: pick(offset(2), recorded?.w2, DEFAULT_PORTS.w2),
  };
}

/** The flag that sets each port, for messages. */
export const PORT_FLAGS: Readonly<Record<keyof DevnetPorts, string>> = {
  node: "--rpc-port",
  gk: "--pruntime-port",
  w1: "--pruntime-port",
  w2: "--pruntime-port",
};
