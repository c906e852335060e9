import {
  type BlockChanges,
  createJustification,
  type DigestItem,
  devAccounts,
  encodeHeader,
  encodeJustification,
  type Header,
  headerHash,
  type InitRequest,
  type Message,
  messageCodec,
  type PrecommitSigner,
  type SyncHeaderRequest,
  scheduledChangeDigest,
  storageKey,
  Trie,
  type TrieChange,
  toHex,
} from "@phala-ts/core";
import { Bytes, Tuple, u64, Vector } from "@polkadot-api/substrate-bindings";

const authorityListCodec = Vector(Tuple(Bytes(32), u64));
const messagesCodec = Vector(messageCodec);

export const KEYS = {
  authorities: storageKey("Session", "Authorities"),
  setId: storageKey("Session", "CurrentSetId"),
  outbound: storageKey("PhalaMq", "OutboundMessages"),
  now: storageKey("Timestamp", "Now"),
  number: storageKey("System", "Number"),
};

const ed = devAccounts("ed25519");
export const GENESIS_AUTHORITIES: PrecommitSigner[] = [ed.Alice, ed.Bob, ed.Charlie, ed.Dave];

export interface TestBlock {
  readonly bytes: Uint8Array;
  readonly header: Header;
  readonly hash: Uint8Array;
  readonly state: Trie;
  readonly changes: BlockChanges["changes"];
}

/**
 * A chain built in memory with the node's storage layout for what pRuntime reads, finalized by
 * four Ed25519 authorities: enough to feed the light client without a node.
 */
export class TestChain {
  readonly blocks: TestBlock[] = [];
  authorities: PrecommitSigner[] = GENESIS_AUTHORITIES;
  setId = 0n;
  /** The set that finalizes each block, by number. */
  readonly finalizers = new Map<number, { setId: bigint; signers: PrecommitSigner[] }>();

  constructor(extraGenesis: readonly (readonly [Uint8Array, Uint8Array])[] = []) {
    const state = Trie.fromEntries(
      [
        [KEYS.authorities, authorityListCodec.enc(this.#list(this.authorities))],
        [KEYS.number, new Uint8Array(4)],
        ...extraGenesis,
      ],
      "V1",
    );
    this.#push(state, [], [], new Uint8Array(32), 0);
  }

  get genesis(): TestBlock {
    return this.blocks[0]!;
  }

  get head(): TestBlock {
    return this.blocks.at(-1)!;
  }

  initRequest(overrides: Partial<InitRequest> = {}): InitRequest {
    return {
      genesisHeader: this.genesis.bytes,
      genesisStorage: [...this.genesis.state.entries()],
      authoritySet: { setId: 0n, authorities: this.#list(GENESIS_AUTHORITIES) },
      operator: undefined,
      ...overrides,
    };
  }

  /** Appends a block whose state adds `changes`, the messages queued in it, and a timestamp. */
  produce(options: { changes?: TrieChange[]; messages?: Message[]; nextAuthorities?: PrecommitSigner[] } = {}) {
    const number = this.head.header.number + 1;
    const changes = new Map<string, TrieChange>();
    const put = (change: TrieChange) => changes.set(toHex(change[0]), change);
    put([KEYS.number, u64.enc(BigInt(number)).slice(0, 4)]);
    put([KEYS.now, u64.enc(BigInt(number) * 6000n)]);
    const previousOutbound = this.head.state.get(KEYS.outbound);
    if (options.messages?.length) put([KEYS.outbound, messagesCodec.enc(options.messages)]);
    else if (previousOutbound !== undefined) put([KEYS.outbound, null]);
    for (const change of options.changes ?? []) put(change);
    const digests: DigestItem[] = [];
    if (options.nextAuthorities) {
      put([KEYS.authorities, authorityListCodec.enc(this.#list(options.nextAuthorities))]);
      digests.push(scheduledChangeDigest(this.#list(options.nextAuthorities)));
    }
    const sorted = [...changes.values()].sort(([a], [b]) => Buffer.compare(a, b));
    const state = this.head.state.update(sorted);
    this.finalizers.set(number, { setId: this.setId, signers: this.authorities });
    this.#push(state, sorted, digests, this.head.hash, number);
    if (options.nextAuthorities) {
      this.authorities = options.nextAuthorities;
      this.setId += 1n;
    }
    return this.head;
  }

  /** A justification of block `number` by `signers` (default: all of the set that finalizes it). */
  justify(number: number, options: { signers?: PrecommitSigner[]; setId?: bigint; round?: bigint } = {}): Uint8Array {
    const block = this.blocks[number]!;
    const finalizer = this.finalizers.get(number)!;
    return encodeJustification(
      createJustification(
        { targetHash: block.hash, targetNumber: number },
        options.round ?? 1n,
        options.setId ?? finalizer.setId,
        options.signers ?? finalizer.signers,
      ),
    );
  }

  syncRequest(from: number, to: number, justification: Uint8Array | undefined = this.justify(to)): SyncHeaderRequest {
    return { headers: this.blocks.slice(from, to + 1).map((b) => b.bytes), justification };
  }

  dispatchRequest(from: number, to: number): BlockChanges[] {
    return this.blocks.slice(from, to + 1).map((b) => ({ number: b.header.number, changes: b.changes }));
  }

  #list(keys: readonly PrecommitSigner[]): [Uint8Array, bigint][] {
    return keys.map((k) => [k.publicKey, 1n]);
  }

  #push(state: Trie, changes: readonly TrieChange[], digests: DigestItem[], parent: Uint8Array, number: number) {
    const header: Header = {
      parentHash: toHex(parent) as Header["parentHash"],
      number,
      stateRoot: toHex(state.root()) as Header["stateRoot"],
      extrinsicRoot: toHex(new Uint8Array(32)) as Header["extrinsicRoot"],
      digests,
    };
    const bytes = encodeHeader(header);
    this.blocks.push({
      bytes,
      header,
      hash: headerHash(bytes),
      state,
      changes: changes.map(([k, v]) => [k, v ?? undefined]),
    });
  }
}
