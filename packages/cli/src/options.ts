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

/** Where commands find a node unless told: the RPC port of `phala node --dev`. */
export const DEFAULT_NODE_URL = "ws://127.0.0.1:9944";

/** A node's RPC address: http(s):// or ws(s):// (the node serves both on one port). */
export const nodeUrl = (value: string): string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError("must be a URL such as ws://127.0.0.1:9944 or http://127.0.0.1:9944");
  }
  if (!["http:", "https:", "ws:", "wss:"].includes(url.protocol)) {
    throw new InvalidArgumentError("must be an http://, https://, ws:// or wss:// URL");
  }
  return value;
};
