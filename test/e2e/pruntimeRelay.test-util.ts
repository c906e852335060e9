import {
  type BlockChanges,
  decodeFinalityProof,
  decodeOperatorBody,
  dispatchBlocksRequestCodec,
  encodeHeader,
  fromHex,
  headerFromRpc,
  initRequestCodec,
  type RpcHeader,
  type SyncStatus,
  scheduledChangeOf,
  storageKey,
  syncHeaderRequestCodec,
  syncStatusCodec,
  toHex,
} from "@phala-ts/core";
import { Bytes, Tuple, u64, Vector } from "@polkadot-api/substrate-bindings";
import type { RpcClient } from "./rpcClient.test-util.js";

interface ChangesEntry {
  readonly blockHash: string;
  readonly header: RpcHeader;
  readonly changes: [string, string | null][];
}

/** An error reply of pRuntime's API: the typed error it answered with. */
export class PRuntimeReplyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** pRuntime's operator API over HTTP (pherry's job, reduced to what tests need). */
export class PRuntimeClient {
  constructor(readonly url: string) {}

  async post(path: string, body: Uint8Array): Promise<Uint8Array> {
    return this.#call("POST", path, body);
  }

  async get(path: string): Promise<Uint8Array> {
    return this.#call("GET", path);
  }

  async info(): Promise<Record<string, unknown> & { dispatchedHeight: number; stateRoot: string | null }> {
    const response = await fetch(`${this.url}/info`);
    return (await response.json()) as never;
  }

  async #call(method: string, path: string, body?: Uint8Array): Promise<Uint8Array> {
    const response = await fetch(`${this.url}/operator/${path}`, {
      method,
      ...(body ? { body, headers: { "content-type": "application/octet-stream" } } : {}),
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (!response.ok) {
      const error = JSON.parse(new TextDecoder().decode(bytes)) as { code: string; message: string };
      throw new PRuntimeReplyError(response.status, error.code, error.message);
    }
    return bytes;
  }
}

const authorityListCodec = Vector(Tuple(Bytes(32), u64));

/** Initializes pRuntime from the node's genesis: header, full storage, and the authority set in it. */
export async function initFromGenesis(rpc: RpcClient, pruntime: PRuntimeClient): Promise<void> {
  const genesisHash = await rpc.call<string>("chain_getBlockHash", [0]);
  const [genesis] = await rpc.call<ChangesEntry[]>("pha_getStorageChanges", [genesisHash, genesisHash]);
  const storage = genesis!.changes.map(([k, v]) => [fromHex(k), fromHex(v!)] as [Uint8Array, Uint8Array]);
  const lookup = (key: Uint8Array) => storage.find(([k]) => toHex(k) === toHex(key))?.[1];
  const authorities = authorityListCodec.dec(lookup(storageKey("Session", "Authorities"))!);
  const setIdRaw = lookup(storageKey("Session", "CurrentSetId"));
  await pruntime.post(
    "init",
    initRequestCodec.enc({
      genesisHeader: encodeHeader(headerFromRpc(genesis!.header)),
      genesisStorage: storage,
      authoritySet: { setId: setIdRaw ? u64.dec(setIdRaw) : 0n, authorities },
      operator: undefined,
    }),
  );
}

/** The blocks `from..to` as the node reports them: header bytes and storage changes. */
export async function fetchBlocks(rpc: RpcClient, from: number, to: number) {
  const [fromHash, toHash] = await Promise.all([
    rpc.call<string>("chain_getBlockHash", [from]),
    rpc.call<string>("chain_getBlockHash", [to]),
  ]);
  const entries = await rpc.call<ChangesEntry[]>("pha_getStorageChanges", [fromHash, toHash]);
  return entries.map((entry) => {
    const header = headerFromRpc(entry.header);
    const changes: BlockChanges["changes"] = entry.changes.map(([k, v]) => [
      fromHex(k),
      v === null ? undefined : fromHex(v),
    ]);
    return { number: header.number, header, bytes: encodeHeader(header), changes };
  });
}

export async function justificationOf(rpc: RpcClient, number: number): Promise<Uint8Array> {
  const proof = await rpc.call<string>("grandpa_proveFinality", [number]);
  return decodeFinalityProof(fromHex(proof)).justification;
}

/**
 * Relays finalized blocks `from..to` into pRuntime in batches that end at `batch` blocks or at
 * an authority-set change; `onBatch` sees pRuntime's status after each batch.
 */
export async function relay(
  rpc: RpcClient,
  pruntime: PRuntimeClient,
  from: number,
  to: number,
  options: { batch?: number; onBatch?: (status: SyncStatus, last: { number: number; stateRoot: string }) => void } = {},
): Promise<SyncStatus> {
  let status: SyncStatus = { syncedHeight: from - 1, dispatchedHeight: from - 1 };
  for (let start = from; start <= to; ) {
    const end = Math.min(to, start + (options.batch ?? 100) - 1);
    const blocks = await fetchBlocks(rpc, start, end);
    const cut = blocks.findIndex((b) => scheduledChangeOf(b.header) !== undefined);
    const batch = cut >= 0 ? blocks.slice(0, cut + 1) : blocks;
    const last = batch.at(-1)!;
    await pruntime.post(
      "sync-header",
      syncHeaderRequestCodec.enc({
        headers: batch.map((b) => b.bytes),
        justification: await justificationOf(rpc, last.number),
      }),
    );
    const reply = await pruntime.post(
      "dispatch-blocks",
      dispatchBlocksRequestCodec.enc({ blocks: batch.map(({ number, changes }) => ({ number, changes })) }),
    );
    status = decodeOperatorBody(syncStatusCodec, reply, "status");
    options.onBatch?.(status, { number: last.number, stateRoot: last.header.stateRoot });
    start = last.number + 1;
  }
  return status;
}
