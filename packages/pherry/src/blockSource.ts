import {
  type BlockChanges,
  decodeFinalityProof,
  encodeHeader,
  fromHex,
  type Header,
  headerFromRpc,
  type InitRequest,
  type RpcHeader,
  storageKey,
  toHex,
} from "@phala-ts/core";
import { Bytes, Tuple, u64, Vector } from "@polkadot-api/substrate-bindings";
import type { NodeRpc } from "./nodeRpc.js";
import { PherryError } from "./pherryError.js";

/** Most blocks one `pha_getStorageChanges` call may cover (the node's limit). */
export const MAX_CHANGES_RANGE = 256;

interface ChangesEntry {
  readonly blockHash: string;
  readonly header: RpcHeader;
  readonly changes: [string, string | null][];
}

export interface SourceBlock {
  readonly number: number;
  readonly header: Header;
  /** The SCALE header, as pRuntime's light client takes it. */
  readonly bytes: Uint8Array;
  readonly changes: BlockChanges["changes"];
}

const authorityListCodec = Vector(Tuple(Bytes(32), u64));

function badReply(message: string, details: Record<string, unknown> = {}): PherryError {
  return new PherryError("PHERRY_BAD_NODE_REPLY", message, details);
}

/** What pherry reads from a node. pRuntime verifies all of it; nothing here is trusted. */
export class BlockSource {
  constructor(readonly rpc: NodeRpc) {}

  async genesisHash(): Promise<string> {
    return this.rpc.call<string>("chain_getBlockHash", [0]);
  }

  async finalizedNumber(): Promise<number> {
    return (await this.finalizedHead()).number;
  }

  /** The hash of the node's finalized head, one call. */
  finalizedHash(): Promise<string> {
    return this.rpc.call<string>("chain_getFinalizedHead");
  }

  async finalizedHead(): Promise<{ hash: string; number: number }> {
    const hash = await this.finalizedHash();
    const header = await this.rpc.call<RpcHeader | null>("chain_getHeader", [hash]);
    if (header === null) throw badReply("the node does not know its own finalized head", { hash });
    return { hash, number: Number(header.number) };
  }

  /** The genesis header, its full storage, and the authority set in it: pRuntime's `init`. */
  async initRequest(operator: Uint8Array | undefined): Promise<InitRequest> {
    const genesisHash = await this.genesisHash();
    const [genesis] = await this.rpc.call<ChangesEntry[]>("pha_getStorageChanges", [genesisHash, genesisHash]);
    if (genesis === undefined) throw badReply("the node gave no genesis storage");
    const storage = genesis.changes.flatMap(([k, v]) => (v === null ? [] : [[fromHex(k), fromHex(v)] as const]));
    const lookup = (key: Uint8Array) => {
      const hex = toHex(key);
      return storage.find(([k]) => toHex(k) === hex)?.[1];
    };
    const authorities = lookup(storageKey("Session", "Authorities"));
    if (authorities === undefined) throw badReply("genesis storage has no Session.Authorities");
    const setId = lookup(storageKey("Session", "CurrentSetId"));
    return {
      genesisHeader: encodeHeader(headerFromRpc(genesis.header)),
      genesisStorage: storage.map(([k, v]) => [k, v]),
      authoritySet: {
        setId: setId === undefined ? 0n : u64.dec(setId),
        authorities: authorityListCodec.dec(authorities),
      },
      operator,
    };
  }

  /** Blocks `from..to` (at most MAX_CHANGES_RANGE) with their storage changes. */
  async blocks(from: number, to: number): Promise<SourceBlock[]> {
    const hashOf = (number: number) => this.rpc.call<string | null>("chain_getBlockHash", [number]);
    // A caught-up pherry relays one block at a time: one lookup then.
    const [fromHash, toHash] = await (from === to
      ? hashOf(from).then((hash) => [hash, hash])
      : Promise.all([hashOf(from), hashOf(to)]));
    if (fromHash === null || toHash === null)
      throw badReply("the node does not have the blocks asked for", { from, to });
    const entries = await this.rpc.call<ChangesEntry[]>("pha_getStorageChanges", [fromHash, toHash]);
    if (entries.length !== to - from + 1) throw badReply("the node gave another number of blocks", { from, to });
    return entries.map((entry) => {
      const header = headerFromRpc(entry.header);
      return {
        number: header.number,
        header,
        bytes: encodeHeader(header),
        changes: entry.changes.map(([k, v]) => [fromHex(k), v === null ? undefined : fromHex(v)]),
      };
    });
  }

  /** The justification that proves block `number` final. */
  async justification(number: number): Promise<Uint8Array> {
    const proof = await this.rpc.call<string | null>("grandpa_proveFinality", [number]);
    if (proof === null) throw badReply("the node has no justification for a finalized block", { number });
    return decodeFinalityProof(fromHex(proof)).justification;
  }
}
