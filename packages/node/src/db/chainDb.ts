import { concatBytes, decodeExact, PhalaError, Trie, utf8 } from "@phala-ts/core";
import { ClassicLevel } from "classic-level";
import { bodyCodec, changesCodec, headPointerCodec, type StoredChange } from "./codecs.js";

export class ChainDbError extends PhalaError<"DB_CORRUPT" | "DB_MISSING"> {
  override readonly name = "ChainDbError";
}

type Bytes = Uint8Array;

// One LevelDB, keys under short prefixes. `state/` holds the flat latest state (key → value),
// every block keeps its changes with the values they replaced: the latest trie is rebuilt from
// the flat state on start, and older states by undoing change sets from the head back.
const PREFIX = {
  meta: utf8("meta/"),
  header: utf8("hdr/"),
  body: utf8("body/"),
  justification: utf8("just/"),
  changes: utf8("chg/"),
  number: utf8("num/"),
  state: utf8("state/"),
} as const;
const META_BEST = concatBytes(PREFIX.meta, utf8("best"));
const META_FINALIZED = concatBytes(PREFIX.meta, utf8("finalized"));
const META_GENESIS = concatBytes(PREFIX.meta, utf8("genesis"));

const numberKey = (n: number) => {
  const key = new Uint8Array(PREFIX.number.length + 4);
  key.set(PREFIX.number);
  new DataView(key.buffer).setUint32(PREFIX.number.length, n, false);
  return key;
};

export interface HeadPointer {
  readonly hash: Bytes;
  readonly number: number;
}

export interface BlockRecord {
  readonly hash: Bytes;
  readonly number: number;
  readonly header: Bytes;
  readonly body: readonly Bytes[];
  readonly justification: Bytes | undefined;
  readonly changes: readonly StoredChange[];
}

/**
 * The node's database. Every block is committed in one atomic LevelDB batch (header, body,
 * justification, change set, flat-state updates and head pointers), so a crash at any moment
 * leaves either the whole block or none of it.
 */
export class ChainDb {
  private constructor(readonly db: ClassicLevel<Bytes, Bytes>) {}

  static async open(path: string): Promise<ChainDb> {
    const db = new ClassicLevel<Bytes, Bytes>(path, { keyEncoding: "view", valueEncoding: "view" });
    await db.open();
    return new ChainDb(db);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async #get(key: Bytes): Promise<Bytes | undefined> {
    const value = await this.db.get(key);
    return value === undefined ? undefined : new Uint8Array(value);
  }

  async #pointer(key: Bytes): Promise<HeadPointer | undefined> {
    const raw = await this.#get(key);
    if (raw === undefined) return undefined;
    const [hash, number] = decodeExact(headPointerCodec.dec, raw, "head pointer");
    return { hash, number };
  }

  best(): Promise<HeadPointer | undefined> {
    return this.#pointer(META_BEST);
  }

  finalized(): Promise<HeadPointer | undefined> {
    return this.#pointer(META_FINALIZED);
  }

  genesisHash(): Promise<Bytes | undefined> {
    return this.#get(META_GENESIS);
  }

  header(hash: Bytes): Promise<Bytes | undefined> {
    return this.#get(concatBytes(PREFIX.header, hash));
  }

  async body(hash: Bytes): Promise<Bytes[] | undefined> {
    const raw = await this.#get(concatBytes(PREFIX.body, hash));
    return raw === undefined ? undefined : decodeExact(bodyCodec.dec, raw, "block body");
  }

  justification(hash: Bytes): Promise<Bytes | undefined> {
    return this.#get(concatBytes(PREFIX.justification, hash));
  }

  async changes(hash: Bytes): Promise<StoredChange[] | undefined> {
    const raw = await this.#get(concatBytes(PREFIX.changes, hash));
    return raw === undefined ? undefined : decodeExact(changesCodec.dec, raw, "change set");
  }

  hashAt(number: number): Promise<Bytes | undefined> {
    return this.#get(numberKey(number));
  }

  /** The flat latest state as a trie; its root must equal the best header's state root (checked by the caller). */
  async loadState(): Promise<Trie> {
    const entries: [Bytes, Bytes][] = [];
    const lt = concatBytes(PREFIX.state.subarray(0, -1), Uint8Array.of(PREFIX.state.at(-1)! + 1));
    for await (const [key, value] of this.db.iterator({ gte: PREFIX.state, lt })) {
      entries.push([new Uint8Array(key.subarray(PREFIX.state.length)), new Uint8Array(value)]);
    }
    return Trie.fromEntries(entries, "V1");
  }

  /**
   * Commits one block atomically. `finalized` moves the finalized pointer to it too. `prune`
   * drops the change set of a block that fell out of the retention window.
   */
  async commitBlock(
    block: BlockRecord,
    options: { finalized: boolean; genesis?: boolean; prune?: Bytes },
  ): Promise<void> {
    const batch = this.db.batch();
    batch.put(concatBytes(PREFIX.header, block.hash), block.header);
    batch.put(concatBytes(PREFIX.body, block.hash), bodyCodec.enc(block.body as Bytes[]));
    if (block.justification !== undefined)
      batch.put(concatBytes(PREFIX.justification, block.hash), block.justification);
    batch.put(
      concatBytes(PREFIX.changes, block.hash),
      changesCodec.enc(block.changes.map((c) => ({ key: c.key, value: c.value, previous: c.previous }))),
    );
    for (const change of block.changes) {
      const key = concatBytes(PREFIX.state, change.key);
      if (change.value === undefined) batch.del(key);
      else batch.put(key, change.value);
    }
    batch.put(numberKey(block.number), block.hash);
    const pointer = headPointerCodec.enc([block.hash, block.number]);
    batch.put(META_BEST, pointer);
    if (options.finalized) batch.put(META_FINALIZED, pointer);
    if (options.genesis) batch.put(META_GENESIS, block.hash);
    if (options.prune !== undefined) batch.del(concatBytes(PREFIX.changes, options.prune));
    await batch.write({ sync: true });
  }

  /** Adds a justification to an already stored block and marks it finalized. */
  async finalize(hash: Bytes, number: number, justification: Bytes): Promise<void> {
    const batch = this.db.batch();
    batch.put(concatBytes(PREFIX.justification, hash), justification);
    batch.put(META_FINALIZED, headPointerCodec.enc([hash, number]));
    await batch.write({ sync: true });
  }
}

/** The change set of one block, with the values it replaced, from the parent trie. */
export function storedChanges(parent: Trie, changes: readonly (readonly [Bytes, Bytes | null])[]): StoredChange[] {
  return changes.map(([key, value]) => ({ key, value: value ?? undefined, previous: parent.get(key) }));
}

/** The parent's trie, rebuilt by undoing a block's change set. */
export function undoChanges(child: Trie, changes: readonly StoredChange[]): Trie {
  return child.update(changes.map((c) => [c.key, c.previous ?? null] as const));
}
