import type { RpcSocket } from "../rpc/rpcSocket.js";
import { SdkError } from "../sdkError.js";
import { type ChainEvent, decodeEvents } from "./chainEvents.js";
import type { ChainMetadata } from "./chainMetadata.js";

/** `state_getRuntimeVersion`, the fields a client needs. */
export interface RuntimeVersion {
  readonly specName: string;
  readonly specVersion: number;
  readonly transactionVersion: number;
}

/** What every part of the SDK reads the chain through: the connection and what it learned once at connect. */
export interface ChainContext {
  readonly rpc: RpcSocket;
  readonly metadata: ChainMetadata;
  /** 0x-hex. */
  readonly genesisHash: string;
  readonly runtimeVersion: RuntimeVersion;
}

/** A block by hash and number. */
export interface BlockRef {
  readonly hash: string;
  readonly number: number;
}

interface RpcHeaderJson {
  readonly number: string;
  readonly parentHash: string;
}

/** The block number of a JSON-RPC header (hex, as Substrate sends it). */
export function headerNumber(header: unknown): number {
  const raw = (header as Partial<RpcHeaderJson> | null)?.number;
  const number = typeof raw === "string" ? Number.parseInt(raw, raw.startsWith("0x") ? 16 : 10) : Number(raw);
  if (!Number.isSafeInteger(number) || number < 0) {
    throw new SdkError("NODE_BAD_REPLY", "a header without a block number", { number: String(raw) });
  }
  return number;
}

/** The hash of block `number` on the node's best chain (the best block itself without a number). */
export async function blockHashAt(ctx: ChainContext, number?: number): Promise<string> {
  const hash = await ctx.rpc.request<string | null>("chain_getBlockHash", number === undefined ? [] : [number]);
  if (typeof hash !== "string") {
    throw new SdkError("NODE_BAD_REPLY", `the node has no block ${number ?? "(best)"}`, { number });
  }
  return hash;
}

export async function blockNumberOf(ctx: ChainContext, hash: string): Promise<number> {
  const header = await ctx.rpc.request<unknown>("chain_getHeader", [hash]);
  if (header === null) throw new SdkError("NODE_BAD_REPLY", `the node has no block ${hash}`, { hash });
  return headerNumber(header);
}

/** The best block. */
export async function bestBlock(ctx: ChainContext): Promise<BlockRef> {
  const header = await ctx.rpc.request<unknown>("chain_getHeader", []);
  const number = headerNumber(header);
  return { number, hash: await blockHashAt(ctx, number) };
}

/** The newest finalized block. */
export async function finalizedBlock(ctx: ChainContext): Promise<BlockRef> {
  const hash = await ctx.rpc.request<string>("chain_getFinalizedHead", []);
  return { hash, number: await blockNumberOf(ctx, hash) };
}

/** A storage value's raw hex at a block (the best one by default); null when absent. */
export function readRaw(ctx: ChainContext, key: string, at?: string): Promise<string | null> {
  return ctx.rpc.request<string | null>("state_getStorage", at === undefined ? [key] : [key, at]);
}

/** `pallet.item` at `keys`, decoded; an absent entry is its default (`ValueQuery`) or undefined. */
export async function readStorage(
  ctx: ChainContext,
  pallet: string,
  item: string,
  keys: readonly unknown[] = [],
  at?: string,
): Promise<unknown> {
  const key = ctx.metadata.storageKey(pallet, item, ...keys);
  return ctx.metadata.decodeStorage(pallet, item, await readRaw(ctx, key, at));
}

/** `System.Events` of a block. */
export async function eventsAt(ctx: ChainContext, blockHash: string): Promise<ChainEvent[]> {
  return decodeEvents(ctx.metadata, await readRaw(ctx, ctx.metadata.storageKey("System", "Events"), blockHash));
}

const KEYS_PAGE = 1000;

/**
 * Every entry of a storage map at one block: its keys (decoded) and value. Keys are listed a page
 * at a time (`state_getKeysPaged`) and values read in batches (`state_queryStorageAt`).
 */
export async function readEntries(
  ctx: ChainContext,
  pallet: string,
  item: string,
  at: string,
): Promise<{ readonly keys: unknown[]; readonly value: unknown }[]> {
  const prefix = ctx.metadata.storageKey(pallet, item);
  const keys: string[] = [];
  for (let start: string | null = null; ; ) {
    const page: string[] = await ctx.rpc.request<string[]>("state_getKeysPaged", [prefix, KEYS_PAGE, start, at]);
    keys.push(...page);
    if (page.length < KEYS_PAGE) break;
    start = page[page.length - 1]!;
  }
  const entries: { keys: unknown[]; value: unknown }[] = [];
  for (let i = 0; i < keys.length; i += KEYS_PAGE) {
    const batch = keys.slice(i, i + KEYS_PAGE);
    const [changeSet] = await ctx.rpc.request<{ changes: [string, string | null][] }[]>("state_queryStorageAt", [
      batch,
      at,
    ]);
    for (const [key, raw] of changeSet?.changes ?? []) {
      if (raw === null) continue;
      entries.push({
        keys: ctx.metadata.decodeStorageKey(pallet, item, key),
        value: ctx.metadata.decodeStorage(pallet, item, raw),
      });
    }
  }
  return entries;
}
