import {
  type CommandReply,
  type ContractCommand,
  commandReplyCodec,
  contractCommandCodec,
  contractOrigin,
  packCommandReplies,
  Trie,
  type TrieChange,
} from "@phala-ts/core";
import { Bytes, type Codec, Option, Struct, str, Tuple, u32, u64, Vector } from "@polkadot-api/substrate-bindings";
import { DeterministicOutbox, type OutboxState, outboxStateCodec } from "../keyHierarchy/deterministicOutbox.js";
import { ContractStorage } from "./contractStorage.js";

const STORAGE_TAG = 1;
const INBOX_TAG = 2;

const encoder = new TextEncoder();

/** `key`'s UTF-8 bytes behind the one-byte `tag`, in one copy. */
function taggedKey(tag: number, key: string): Uint8Array {
  const bytes = encoder.encode(key);
  const out = new Uint8Array(1 + bytes.length);
  out[0] = tag;
  out.set(bytes, 1);
  return out;
}

/** Trie entries for a storage's entries (or changes): the key behind its one-byte tag, UTF-8 keys and values. */
const tagged = (tag: number, entries: readonly (readonly [string, string | null])[]): TrieChange[] =>
  entries.map(([key, value]) => [taggedKey(tag, key), value === null ? null : encoder.encode(value)]);

/** The block a command was queued in, as its call sees it. */
export interface CommandBlock {
  readonly number: number;
  readonly hash: Uint8Array;
  readonly timestamp: bigint;
}

/** A command verified against the chain's pending commands, waiting to run or running. */
export interface QueuedCommand {
  readonly command: ContractCommand;
  readonly caller: Uint8Array;
  readonly block: CommandBlock;
}

/** Replies to the commands the chain queued in one block, run so far. */
interface BlockReplies {
  readonly block: number;
  readonly replies: CommandReply[];
}

/**
 * A contract this worker runs: its committed storage, the next command index it expects, the
 * replies it owes the chain (CommandReplies payloads under the Contract origin, one per block of
 * commands, see `replied`), and the commands waiting for the cluster key.
 */
export class ContractInstance {
  readonly contract: Uint8Array;
  readonly cluster: Uint8Array;
  readonly codeHash: Uint8Array;
  readonly storage: ContractStorage;
  /** Events for their recipients (see eventInbox.ts); host state, never the contract's to read. */
  readonly inboxes: ContractStorage;
  readonly outbox: DeterministicOutbox<Uint8Array>;
  nextIndex: bigint;
  backlog: QueuedCommand[];
  /** Commands run here, init included. */
  executed: bigint;
  /** Why this worker cannot run the contract, once it cannot; it then answers nothing for it. */
  unavailable: string | undefined;
  /** The code, decoded once from chain state. */
  code: string | undefined;
  /** The trie of `stateRoot`, once computed. */
  #trie: Trie | undefined;
  #blockReplies: BlockReplies | undefined;

  constructor(fields: {
    contract: Uint8Array;
    cluster: Uint8Array;
    codeHash: Uint8Array;
    storage?: ContractStorage;
    inboxes?: ContractStorage;
    nextIndex?: bigint;
    executed?: bigint;
    backlog?: QueuedCommand[];
    blockReplies?: BlockReplies | undefined;
    unavailable?: string | undefined;
  }) {
    this.contract = fields.contract;
    this.cluster = fields.cluster;
    this.codeHash = fields.codeHash;
    this.storage = fields.storage ?? new ContractStorage();
    this.inboxes = fields.inboxes ?? new ContractStorage();
    this.outbox = new DeterministicOutbox(contractOrigin(fields.contract));
    this.nextIndex = fields.nextIndex ?? 0n;
    this.executed = fields.executed ?? 0n;
    this.backlog = fields.backlog ?? [];
    this.#blockReplies = fields.blockReplies;
    this.unavailable = fields.unavailable;
  }

  /**
   * A command queued in `block` ran. Its reply joins those of the same block's other commands,
   * which go to the outbox together (`closeReplies`): what every worker of the cluster owes is cut
   * by the blocks that queued the commands, not by when each worker ran them.
   */
  replied(block: number, reply: CommandReply): void {
    if (this.#blockReplies !== undefined && this.#blockReplies.block !== block) this.#recordReplies();
    this.#blockReplies ??= { block, replies: [] };
    this.#blockReplies.replies.push(reply);
    this.executed += 1n;
  }

  /** At a block's end: the replies held go to the outbox, unless commands of their block still wait. */
  closeReplies(): void {
    const held = this.#blockReplies;
    if (held === undefined || this.backlog[0]?.block.number === held.block) return;
    this.#recordReplies();
  }

  /**
   * Forgets the replies held (the contract is given up here): part of a block's replies would be
   * another message than the whole that the cluster's other workers owe under the same sequence.
   */
  dropReplies(): void {
    this.#blockReplies = undefined;
  }

  #recordReplies(): void {
    const { block, replies } = this.#blockReplies!;
    for (const payload of packCommandReplies(this.contract, replies)) this.outbox.record(block, payload);
    this.#blockReplies = undefined;
  }

  /**
   * The V1 trie root over the contract's storage (keys prefixed with 0x01) and the event inboxes
   * (keys prefixed with 0x02), UTF-8 keys and values: what every worker of the cluster reports.
   */
  stateRoot(): Uint8Array {
    // The trie is built once, then updated with the keys written since: a block's root hashes
    // only the paths its commands changed, however large the contract's state.
    const changed = [
      ...tagged(STORAGE_TAG, this.storage.takeChanged()),
      ...tagged(INBOX_TAG, this.inboxes.takeChanged()),
    ];
    if (this.#trie === undefined) {
      const all = [...tagged(STORAGE_TAG, this.storage.all()), ...tagged(INBOX_TAG, this.inboxes.all())];
      this.#trie = Trie.empty("V1").update(all);
    } else if (changed.length > 0) {
      this.#trie = this.#trie.update(changed);
    }
    return this.#trie.root();
  }

  save(): SavedInstance {
    return {
      contract: this.contract,
      cluster: this.cluster,
      codeHash: this.codeHash,
      nextIndex: this.nextIndex,
      executed: this.executed,
      storage: this.storage.all(),
      inboxes: this.inboxes.all(),
      outbox: this.outbox.save(),
      backlog: this.backlog,
      blockReplies: this.#blockReplies,
      unavailable: this.unavailable,
    };
  }

  static load(saved: SavedInstance): ContractInstance {
    const instance = new ContractInstance({
      ...saved,
      storage: new ContractStorage(saved.storage),
      inboxes: new ContractStorage(saved.inboxes),
    });
    instance.outbox.load(saved.outbox);
    return instance;
  }
}

interface SavedInstance {
  readonly contract: Uint8Array;
  readonly cluster: Uint8Array;
  readonly codeHash: Uint8Array;
  readonly nextIndex: bigint;
  readonly executed: bigint;
  readonly storage: [string, string][];
  readonly inboxes: [string, string][];
  readonly outbox: OutboxState<Uint8Array>;
  readonly backlog: QueuedCommand[];
  readonly blockReplies: BlockReplies | undefined;
  readonly unavailable: string | undefined;
}

const key32 = Bytes(32);

export const savedInstancesCodec: Codec<SavedInstance[]> = Vector(
  Struct({
    contract: key32,
    cluster: key32,
    codeHash: key32,
    nextIndex: u64,
    executed: u64,
    storage: Vector(Tuple(str, str)),
    inboxes: Vector(Tuple(str, str)),
    outbox: outboxStateCodec(Bytes()),
    backlog: Vector(
      Struct({
        command: contractCommandCodec,
        caller: key32,
        block: Struct({ number: u32, hash: key32, timestamp: u64 }),
      }),
    ),
    blockReplies: Option(Struct({ block: u32, replies: Vector(commandReplyCodec) })),
    unavailable: Option(str),
  }),
) as unknown as Codec<SavedInstance[]>;
