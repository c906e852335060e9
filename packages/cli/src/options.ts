import { InvalidArgumentError } from "commander";

/** Commander parsers for numeric flags, with messages that say what is expected. */
export const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("must be a port number (0-65535)");
  return n;
};

export const positiveInteger = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError("must be a positive integer");
  return n;
};

export const nonNegativeInteger = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError("must be a whole number (0 or more)");
  return n;
};

/** The RPC port of `phala node --dev` (and of the devnet's node). */
export const LOCAL_NODE_URL = "ws://127.0.0.1:9944";
/** Names the node every command talks to unless `--node` says otherwise. */
export const NODE_ENV = "PHALA_NODE";

/** $PHALA_NODE if set (and not empty), else the local node. */
export function defaultNodeUrl(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[NODE_ENV]?.trim();
  return fromEnv === undefined || fromEnv === "" ? LOCAL_NODE_URL : fromEnv;
}

/** Where commands find a node unless told: $PHALA_NODE, else the RPC port of `phala node --dev`. */
export const DEFAULT_NODE_URL = defaultNodeUrl();

/** The worker `phala contract query` asks unless `--worker` or $PHALA_WORKER says otherwise: the devnet's first. */
export const LOCAL_WORKER_URL = "http://127.0.0.1:8001";
export const WORKER_ENV = "PHALA_WORKER";

/** A commander parser for URLs of these protocols. */
function urlParser(protocols: readonly string[], example: string, expected: string): (value: string) => string {
  return (value) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new InvalidArgumentError(`must be a URL such as ${example}`);
    }
    if (!protocols.includes(url.protocol)) throw new InvalidArgumentError(`must be ${expected}`);
    return value;
  };
}

/** A node's RPC address: http(s):// or ws(s):// (the node serves both on one port). */
export const nodeUrl = urlParser(
  ["http:", "https:", "ws:", "wss:"],
  "ws://127.0.0.1:9944 or http://127.0.0.1:9944",
  "an http://, https://, ws:// or wss:// URL",
);

/** A worker's (pRuntime's) API address: http(s)://. */
export const workerUrl = urlParser(["http:", "https:"], "http://127.0.0.1:8001", "an http:// or https:// URL");
