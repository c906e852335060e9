import { EventEmitter } from "node:events";
import {
  byteKey,
  createJustification,
  decodeHeader,
  decodeJustification,
  type Ed25519Keypair,
  encodeExtrinsic,
  encodeHeader,
  encodeJustification,
  equalBytes,
  type Header,
  type Justification,
  Trie,
  toHex,
  verifyJustification,
} from "@phala-ts/core";
import type { ApplyOutcome } from "../chain/applyExtrinsic.js";
import { BlockExecution } from "../chain/blockExecution.js";
import { type ChainSpec, genesisConfig } from "../chain/chainSpec.js";
import type { ChainContext } from "../chain/checkExtrinsic.js";
import { DecodedExtrinsics } from "../chain/decodedExtrinsics.js";
import { buildGenesisState } from "../chain/genesisState.js";
import { TransactionInvalidError } from "../chain/transactionValidity.js";
import { VerifiedMessages } from "../chain/verifiedMessages.js";
import { VerifiedSignatures } from "../chain/verifiedSignatures.js";
import { activeAuthorities } from "../consensus/activeAuthorities.js";
import { authorDigest, sealHeader } from "../consensus/seal.js";
import { ChainDb, ChainDbError, storedChanges, undoChanges } from "../db/chainDb.js";
import type { StoredChange } from "../db/codecs.js";
import type { Runtime } from "../runtime/runtime.js";
import { genesisHeader, type StoredBlock, storedBlock } from "./chainState.js";

/** How many of the newest blocks `headerOf`, `hashAt`, `justificationOf` and `changesOf` answer from memory. */
const RECENT_BLOCKS = 64;

interface RecentBlock {
  readonly block: StoredBlock;
  readonly justification: Justification;
  readonly changes: readonly StoredChange[];
}

export interface ChainServiceOptions {
  readonly runtime: Runtime;
  readonly spec: ChainSpec;
  readonly basePath: string;
  /** Keep change sets of this many recent blocks; undefined keeps all (archive). */
  readonly pruning?: number | undefined;
  readonly maxExtrinsicSize?: number;
  /** How many recent block states stay in memory for queries without touching the database. */
  readonly stateCacheSize?: number;
}

export interface ProducedBlock {
  readonly block: StoredBlock;
  readonly extrinsics: readonly Uint8Array[];
  /** Hashes of the extrinsics that were refused, with the error, for the pool. */
  readonly rejected: readonly { readonly bytes: Uint8Array; readonly error: unknown }[];
}

interface Events {
  newHead: [StoredBlock];
  finalized: [StoredBlock];
}

/**
 * The chain as this node sees it: the database, the best and finalized heads, recent states in
 * memory, and block production as the single authority (sealed, then justified by the
 * authority set, which for now is this one key).
 */
export class ChainService extends EventEmitter<Events> {
  readonly runtime: Runtime;
  readonly spec: ChainSpec;
  readonly chain: ChainContext;
  readonly #db: ChainDb;
  readonly #pruning: number | undefined;
  readonly #states = new Map<string, Trie>();
  readonly #stateOrder: string[] = [];
  readonly #stateCacheSize: number;
  /**
   * The newest blocks as committed (header, justification, change set), by hash, and their hashes
   * by number: every pherry asks for each new block, which the database would otherwise read and
   * decode once per pherry. Shared: read only.
   */
  readonly #recent = new Map<string, RecentBlock>();
  readonly #recentHashes = new Map<number, Uint8Array>();
  #best: StoredBlock;
  #bestState: Trie;
  #finalized: StoredBlock;
  readonly genesis: StoredBlock;

  private constructor(
    options: ChainServiceOptions,
    db: ChainDb,
    genesis: StoredBlock,
    best: StoredBlock,
    bestState: Trie,
    finalized: StoredBlock,
  ) {
    super();
    this.runtime = options.runtime;
    this.spec = options.spec;
    this.#db = db;
    this.#pruning = options.pruning;
    this.#stateCacheSize = options.stateCacheSize ?? 64;
    this.genesis = genesis;
    this.#best = best;
    this.#bestState = bestState;
    this.#finalized = finalized;
    this.chain = {
      genesisHash: genesis.hash,
      maxExtrinsicSize: options.maxExtrinsicSize ?? 5 * 1024 * 1024,
      verifiedSignatures: new VerifiedSignatures(),
      verifiedMessages: new VerifiedMessages(),
      decodedExtrinsics: new DecodedExtrinsics(),
    };
    this.#remember(best.hash, bestState);
  }

  /** Opens the database under `basePath`, writing genesis on first start, and checks the stored state's root. */
  static async open(options: ChainServiceOptions): Promise<ChainService> {
    const db = await ChainDb.open(options.basePath);
    try {
      const best = await db.best();
      if (best === undefined) {
        const state = buildGenesisState(options.runtime, genesisConfig(options.spec));
        const header = genesisHeader(state);
        const genesis = storedBlock(header);
        await db.commitBlock(
          {
            hash: genesis.hash,
            number: 0,
            header: encodeHeader(header),
            body: [],
            justification: undefined,
            changes: storedChanges(Trie.empty("V1"), [...state.entries()]),
          },
          { finalized: true, genesis: true },
        );
        return new ChainService(options, db, genesis, genesis, state, genesis);
      }
      const genesisHash = await db.genesisHash();
      const finalizedPointer = await db.finalized();
      if (genesisHash === undefined || finalizedPointer === undefined) {
        throw new ChainDbError("DB_CORRUPT", "the database has a best block but no genesis or finalized pointer");
      }
      const load = async (hash: Uint8Array) => {
        const raw = await db.header(hash);
        if (raw === undefined)
          throw new ChainDbError("DB_MISSING", "a referenced header is missing", { hash: toHex(hash) });
        return storedBlock(decodeHeader(raw));
      };
      const bestBlock = await load(best.hash);
      const state = await db.loadState();
      if (toHex(state.root()) !== bestBlock.header.stateRoot) {
        throw new ChainDbError("DB_CORRUPT", "the stored state does not match the best block's state root", {
          best: best.number,
        });
      }
      const genesis = await load(genesisHash);
      const expected = storedBlock(genesisHeader(buildGenesisState(options.runtime, genesisConfig(options.spec))));
      if (!equalBytes(expected.hash, genesis.hash)) {
        throw new ChainDbError("DB_CORRUPT", "the database belongs to another chain spec", {
          genesis: toHex(genesis.hash),
        });
      }
      return new ChainService(options, db, genesis, bestBlock, state, await load(finalizedPointer.hash));
    } catch (error) {
      await db.close();
      throw error;
    }
  }

  close(): Promise<void> {
    return this.#db.close();
  }

  get best(): StoredBlock {
    return this.#best;
  }

  get bestState(): Trie {
    return this.#bestState;
  }

  get finalized(): StoredBlock {
    return this.#finalized;
  }

  /** The timestamp inherent for a block produced at `nowMs`, never earlier than the parent's minimum. */
  timestampInherent(nowMs: bigint): Uint8Array {
    return encodeExtrinsic({
      call: this.runtime.encodeCall({ type: "Timestamp", value: { type: "set", value: { now: nowMs } } }),
    });
  }

  /**
   * Builds, seals, justifies and commits the next block as `author`, with as many of
   * `candidates` as apply (each is checked; refused ones are reported, not included).
   */
  async produceBlock(author: Ed25519Keypair, nowMs: bigint, candidates: Iterable<Uint8Array>): Promise<ProducedBlock> {
    const parent = { hash: this.#best.hash, number: this.#best.number, state: this.#bestState };
    const { authorities, setId } = activeAuthorities(parent.state);
    const index = authorities.findIndex(([id]) => equalBytes(id, author.publicKey));
    if (index < 0) throw new Error("this node's key is not in the authority set");
    const execution = new BlockExecution(this.runtime, this.chain, parent, [authorDigest(index)]);
    execution.apply(execution.check(this.timestampInherent(nowMs)));
    const rejected: { bytes: Uint8Array; error: unknown }[] = [];
    for (const bytes of candidates) {
      try {
        execution.apply(execution.check(bytes));
      } catch (error) {
        rejected.push({ bytes, error });
      }
    }
    const built = execution.finalize();
    const header = sealHeader(built.header, { index, publicKey: author.publicKey, sign: (m) => author.sign(m) });
    const block = storedBlock(header);
    const justification = createJustification({ targetHash: block.hash, targetNumber: block.number }, 0n, setId, [
      author,
    ]);
    verifyJustification(justification, block.hash, block.number, { setId, authorities });
    await this.#commit(block, header, built.extrinsics, parent.state, built.state, built.changes, justification);
    return { block, extrinsics: built.extrinsics, rejected };
  }

  /**
   * What `bytes` would do if it were the next block's first extrinsic (`system_dryRun`):
   * applied, failed with a dispatch error (fee charged), or invalid. No timestamp inherent runs,
   * so `Timestamp.Now` is the best block's. Nothing is committed.
   */
  dryRun(bytes: Uint8Array): ApplyOutcome | TransactionInvalidError {
    const parent = { hash: this.#best.hash, number: this.#best.number, state: this.#bestState };
    const execution = new BlockExecution(this.runtime, this.chain, parent, []);
    try {
      return execution.apply(execution.check(bytes));
    } catch (error) {
      if (error instanceof TransactionInvalidError) return error;
      throw error;
    }
  }

  async #commit(
    block: StoredBlock,
    header: Header,
    extrinsics: readonly Uint8Array[],
    parentState: Trie,
    state: Trie,
    changes: readonly (readonly [Uint8Array, Uint8Array | null])[],
    justification: Justification,
  ): Promise<void> {
    const prune =
      this.#pruning !== undefined && block.number > this.#pruning
        ? await this.#db.hashAt(block.number - this.#pruning)
        : undefined;
    const stored = storedChanges(parentState, changes);
    await this.#db.commitBlock(
      {
        hash: block.hash,
        number: block.number,
        header: encodeHeader(header),
        body: extrinsics,
        justification: encodeJustification(justification),
        changes: stored,
      },
      { finalized: true, ...(prune === undefined ? {} : { prune }) },
    );
    this.#recent.set(byteKey(block.hash), { block, justification, changes: stored });
    this.#recentHashes.set(block.number, block.hash);
    // A pruned change set is gone from the database: the block is then answered from there.
    if (prune !== undefined) this.#forget(prune);
    while (this.#recent.size > RECENT_BLOCKS) this.#forget(this.#recent.values().next().value!.block.hash);
    this.#best = block;
    this.#bestState = state;
    this.#finalized = block;
    this.#remember(block.hash, state);
    this.emit("newHead", block);
    this.emit("finalized", block);
  }

  #remember(hash: Uint8Array, state: Trie): void {
    const key = byteKey(hash);
    this.#states.set(key, state);
    this.#stateOrder.push(key);
    while (this.#stateOrder.length > this.#stateCacheSize) this.#states.delete(this.#stateOrder.shift()!);
  }

  #forget(hash: Uint8Array): void {
    const recent = this.#recent.get(byteKey(hash));
    if (recent === undefined) return;
    this.#recent.delete(byteKey(hash));
    this.#recentHashes.delete(recent.block.number);
  }

  async headerOf(hash: Uint8Array): Promise<Header | undefined> {
    const recent = this.#recent.get(byteKey(hash));
    if (recent !== undefined) return recent.block.header;
    const raw = await this.#db.header(hash);
    return raw === undefined ? undefined : decodeHeader(raw);
  }

  async hashAt(number: number): Promise<Uint8Array | undefined> {
    return this.#recentHashes.get(number) ?? (await this.#db.hashAt(number));
  }

  body(hash: Uint8Array): Promise<Uint8Array[] | undefined> {
    return this.#db.body(hash);
  }

  async justificationOf(hash: Uint8Array): Promise<Justification | undefined> {
    const recent = this.#recent.get(byteKey(hash));
    if (recent !== undefined) return recent.justification;
    const raw = await this.#db.justification(hash);
    return raw === undefined ? undefined : decodeJustification(raw);
  }

  /** A block's change set with the values it replaced (undefined once pruned). */
  async changesOf(hash: Uint8Array): Promise<readonly StoredChange[] | undefined> {
    return this.#recent.get(byteKey(hash))?.changes ?? (await this.#db.changes(hash));
  }

  /** The state after block `hash`: from memory, or rebuilt from the best state by undoing change sets. */
  async stateAt(hash: Uint8Array): Promise<Trie | undefined> {
    const cached = this.#states.get(byteKey(hash));
    if (cached !== undefined) return cached;
    const target = await this.headerOf(hash);
    if (target === undefined || target.number > this.#best.number) return undefined;
    if (!equalBytes((await this.#db.hashAt(target.number)) ?? new Uint8Array(), hash)) return undefined;
    let state = this.#bestState;
    for (let n = this.#best.number; n > target.number; n--) {
      const blockHash = await this.#db.hashAt(n);
      const changes = blockHash === undefined ? undefined : await this.#db.changes(blockHash);
      if (changes === undefined) return undefined; // pruned
      state = undoChanges(state, changes);
    }
    this.#remember(hash, state);
    return state;
  }
}
