import { fromHex, type HexString, PhalaError, toHex } from "@phala-ts/core";
import { NodeRpc } from "@phala-ts/pherry";
import { CommandFailure } from "./commandFailure.js";
import type { StorageReader } from "./keyHierarchyView.js";

/** Keys asked for per `state_getKeysPaged` call: the node's (and Substrate's) limit. */
export const KEYS_PAGE = 1000;
/** Requests in flight at once, so that a large map does not open a connection per entry. */
const MAX_IN_FLIGHT = 16;

/** Runs at most `max` tasks at once; the rest wait their turn. */
function limiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active < max) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next === undefined) active--;
      else next();
    }
  };
}

/** The state of block `at`, read over a node's JSON-RPC. */
export function rpcStorageReader(rpc: NodeRpc, at: HexString, pageSize = KEYS_PAGE): StorageReader {
  const run = limiter(MAX_IN_FLIGHT);
  return {
    async get(key) {
      const value = await run(() => rpc.call<string | null>("state_getStorage", [toHex(key), at]));
      return value === null ? undefined : fromHex(value);
    },
    async keys(prefix) {
      const all: Uint8Array[] = [];
      let start: string | null = null;
      for (;;) {
        const page = await run(() => rpc.call<string[]>("state_getKeysPaged", [toHex(prefix), pageSize, start, at]));
        all.push(...page.map(fromHex));
        if (page.length < pageSize) return all;
        start = page[page.length - 1] as string;
      }
    },
  };
}

export interface FinalizedBlock {
  readonly hash: HexString;
  readonly number: number;
}

export interface Snapshot<T> {
  readonly at: FinalizedBlock;
  readonly value: T;
}

/** The innermost cause's message: for an unreachable node, the refusal rather than "fetch failed". */
function rootCause(error: unknown): string {
  let cause = error;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Reads everything `build` needs at the node's finalized head, so the view is one consistent
 * block. A node that does not answer, or answers what cannot be read, prints why and exits 1.
 */
export async function readAtFinalized<T>(
  nodeUrl: string,
  build: (reader: StorageReader) => Promise<T>,
): Promise<Snapshot<T>> {
  const rpc = new NodeRpc(nodeUrl);
  try {
    const hash = await rpc.call<HexString>("chain_getFinalizedHead");
    const header = await rpc.call<{ number: HexString } | null>("chain_getHeader", [hash]);
    if (header === null) throw new Error(`the node has no header for its finalized head ${hash}`);
    return { at: { hash, number: Number(header.number) }, value: await build(rpcStorageReader(rpc, hash)) };
  } catch (error) {
    const unreachable = error instanceof PhalaError && error.code === "PHERRY_NODE_UNREACHABLE";
    process.stderr.write(
      unreachable
        ? `error: no node answers at ${rpc.url} (${rootCause(error)}); is \`phala node\` running there?\n`
        : `error: cannot read the chain at ${rpc.url}: ${error instanceof Error ? error.message : String(error)}${
            error instanceof PhalaError ? ` (${error.code})` : ""
          }\n`,
    );
    throw new CommandFailure(1);
  }
}
