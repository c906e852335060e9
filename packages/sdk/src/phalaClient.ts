import type { Keypair } from "@phala-ts/core";
import { type AddressLike, accountIdOf, toAddress } from "./accounts/address.js";
import {
  type BlockRef,
  bestBlock,
  blockHashAt,
  blockNumberOf,
  type ChainContext,
  eventsAt,
  finalizedBlock,
  type RuntimeVersion,
  readEntries,
  readStorage,
} from "./chain/chainContext.js";
import type { ChainEvent } from "./chain/chainEvents.js";
import { ChainMetadata } from "./chain/chainMetadata.js";
import { type FinalizedBlock, type FollowOptions, followFinalized, type Unsubscribe } from "./chain/finalizedBlocks.js";
import { type CommandOptions, sendCommand } from "./contracts/command.js";
import { ContractHandle } from "./contracts/contractHandle.js";
import type {
  AnyContract,
  ArgsOf,
  CommandOutcome,
  ContractDefinitionLike,
  QueryOutcome,
} from "./contracts/contractTypes.js";
import { type DeployedContract, type DeployOptions, deployContract } from "./contracts/deploy.js";
import { QueryClient, type QueryClientOptions } from "./contracts/queryClient.js";
import { normalizeHex32 } from "./network/ids.js";
import {
  type ClusterView,
  type ContractView,
  readClusters,
  readContract,
  readContracts,
} from "./network/phatContracts.js";
import {
  type GatekeeperSet,
  type ReadOptions,
  readGatekeepers,
  readWorker,
  readWorkers,
  type WorkerInfo,
} from "./network/registry.js";
import { RpcSocket, type RpcSocketOptions } from "./rpc/rpcSocket.js";
import { SdkError } from "./sdkError.js";
import { KeyedLock } from "./tx/accountLock.js";
import { type SubmitOptions, submitExtrinsic, type TxResult } from "./tx/submitExtrinsic.js";
import { checkSudid, encodeSudoCall } from "./tx/sudo.js";
import { type VerifiedWorker, verifyWorker } from "./worker/verifyWorker.js";

export interface ConnectOptions extends RpcSocketOptions, QueryClientOptions {}

/** An account's balance (`System.Account`'s data), in the chain's smallest unit (1 PHA = 10^12). */
export interface Balance {
  readonly free: bigint;
  readonly reserved: bigint;
  readonly frozen: bigint;
}

interface RawAccountInfo {
  readonly data: { readonly free: bigint; readonly reserved: bigint; readonly frozen: bigint };
}

/**
 * A connection to a Phala-TS node (JSON-RPC over WebSocket) and, through it, to the network: the
 * chain's genesis hash, runtime version and metadata are read once at `connect`; calls, storage
 * and events are located and decoded through that metadata. Talks to pRuntimes over their HTTP
 * API only. Close it with `close()`.
 */
export class PhalaClient implements ChainContext {
  readonly rpc: RpcSocket;
  readonly metadata: ChainMetadata;
  readonly genesisHash: string;
  readonly runtimeVersion: RuntimeVersion;
  /** `system_chain`: the chain spec's name. */
  readonly chainName: string;
  readonly #locks = new KeyedLock();
  readonly #queries: QueryClient;
  readonly #options: ConnectOptions;

  private constructor(
    rpc: RpcSocket,
    metadata: ChainMetadata,
    genesisHash: string,
    runtimeVersion: RuntimeVersion,
    chainName: string,
    options: ConnectOptions,
  ) {
    this.rpc = rpc;
    this.metadata = metadata;
    this.genesisHash = genesisHash;
    this.runtimeVersion = runtimeVersion;
    this.chainName = chainName;
    this.#options = options;
    this.#queries = new QueryClient(this, options);
  }

  /** Connects to the node at `url` (`ws://…`) and reads its genesis hash, runtime version and metadata. */
  static async connect(url: string, options: ConnectOptions = {}): Promise<PhalaClient> {
    const rpc = await RpcSocket.connect(url, options);
    try {
      const [genesisHash, version, metadata, chainName] = await Promise.all([
        rpc.request<string | null>("chain_getBlockHash", [0]),
        rpc.request<RuntimeVersion>("state_getRuntimeVersion", []),
        rpc.request<string>("state_getMetadata", []),
        rpc.request<string>("system_chain", []),
      ]);
      if (typeof genesisHash !== "string" || typeof version?.specVersion !== "number") {
        throw new SdkError("NODE_BAD_REPLY", "the node has no genesis block or runtime version", { url });
      }
      const runtimeVersion = {
        specName: String(version.specName),
        specVersion: version.specVersion,
        transactionVersion: version.transactionVersion,
      };
      return new PhalaClient(rpc, ChainMetadata.decode(metadata), genesisHash, runtimeVersion, chainName, options);
    } catch (error) {
      await rpc.close();
      throw error;
    }
  }

  get url(): string {
    return this.rpc.url;
  }

  /** The prefix of the chain's SS58 addresses (`System.SS58Prefix`: 30 on Phala). */
  get ss58Prefix(): number {
    return this.metadata.ss58Prefix;
  }

  /** Closes the connection; what is still waiting fails with `CLIENT_CLOSED`. */
  close(): Promise<void> {
    return this.rpc.close();
  }

  // ---- Chain ----------------------------------------------------------------------------------

  bestBlock(): Promise<BlockRef> {
    return bestBlock(this);
  }

  finalizedBlock(): Promise<BlockRef> {
    return finalizedBlock(this);
  }

  /** The hash of block `number` (the best block without one). */
  blockHash(number?: number): Promise<string> {
    return blockHashAt(this, number);
  }

  /** The number of the block with this hash (`NODE_BAD_REPLY` if the node does not have it). */
  blockNumber(hash: string): Promise<number> {
    return blockNumberOf(this, hash);
  }

  /** `pallet.item` at `keys`, decoded through metadata (see `ChainMetadata` for the value conventions). */
  storage(pallet: string, item: string, keys: readonly unknown[] = [], options: ReadOptions = {}): Promise<unknown> {
    return readStorage(this, pallet, item, keys, options.at);
  }

  /** Every entry of the map `pallet.item`: decoded keys and values. */
  async storageEntries(
    pallet: string,
    item: string,
    options: ReadOptions = {},
  ): Promise<{ readonly keys: unknown[]; readonly value: unknown }[]> {
    return readEntries(this, pallet, item, options.at ?? (await this.blockHash()));
  }

  /** The events of a block (the best one by default), decoded through metadata. */
  async events(blockHash?: string): Promise<ChainEvent[]> {
    return eventsAt(this, blockHash ?? (await this.blockHash()));
  }

  /**
   * Calls `callback` with the events of every finalized block, in order, from the finalized head
   * on. Resolves, once the node confirmed the subscription, with the function that stops it.
   */
  watchEvents(
    callback: (events: ChainEvent[], block: BlockRef) => void | Promise<void>,
    options: FollowOptions = {},
  ): Promise<Unsubscribe> {
    return followFinalized(this, (block: FinalizedBlock) => callback(block.events, block), options);
  }

  // ---- Accounts and transactions --------------------------------------------------------------

  /** An account's SS58 address in the chain's format. */
  address(who: AddressLike): string {
    return toAddress(who, this.ss58Prefix);
  }

  /** The account's next nonce, transactions waiting in the node's pool included. */
  async nextNonce(who: AddressLike): Promise<number> {
    return this.rpc.request<number>("system_accountNextIndex", [this.address(who)]);
  }

  async balance(who: AddressLike, options: ReadOptions = {}): Promise<Balance> {
    const info = (await this.storage("System", "Account", [accountIdOf(who)], options)) as RawAccountInfo;
    const { free, reserved, frozen } = info.data;
    return { free, reserved, frozen };
  }

  /** The SCALE bytes of a call, encoded through metadata (see `ChainMetadata.encodeCall`). */
  encodeCall(pallet: string, call: string, args: Readonly<Record<string, unknown>> = {}): Uint8Array {
    return this.metadata.encodeCall(pallet, call, args);
  }

  /**
   * Signs `pallet.call(args)` by `signer`, submits it and follows it to `options.waitFor`
   * (default finalized). Resolves with its block and events; rejects with `TX_INVALID` (the pool
   * refused it: `details.reason`), `TX_FAILED` (its call failed: `details.error` is
   * `Pallet.Error`), `TX_DROPPED` or `TX_TIMEOUT`.
   */
  submit(
    signer: Keypair,
    pallet: string,
    call: string,
    args: Readonly<Record<string, unknown>> = {},
    options: SubmitOptions = {},
  ): Promise<TxResult> {
    let encoded: Uint8Array;
    try {
      encoded = this.encodeCall(pallet, call, args);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.submitCall(signer, encoded, options);
  }

  /** As `submit`, for a call already encoded. */
  submitCall(signer: Keypair, call: Uint8Array, options: SubmitOptions = {}): Promise<TxResult> {
    return submitExtrinsic(this, this.#locks, signer, call, options);
  }

  /**
   * `Sudo.sudo(pallet.call(args))`, signed by the sudo key `signer` and followed as `submit`. The
   * call is named and encoded as `submit` does. Sudo.sudo itself succeeds when the call it wraps
   * fails, so its `Sudo.Sudid` event is read: the call's failure rejects with `TX_FAILED` too,
   * `details.error` the call's `Pallet.Error` (and `details.sudo` true); a signer that is not the
   * sudo key is `TX_FAILED` with `Sudo.RequireSudo`.
   */
  async sudo(
    signer: Keypair,
    pallet: string,
    call: string,
    args: Readonly<Record<string, unknown>> = {},
    options: SubmitOptions = {},
  ): Promise<TxResult> {
    const inner = this.metadata.call(pallet, call);
    const encoded = encodeSudoCall(this.metadata, this.encodeCall(pallet, call, args));
    return checkSudid(this.metadata, await this.submitCall(signer, encoded, options), `${pallet}.${inner.name}`);
  }

  /** `Balances.transfer_keep_alive(to, amount)`: the sender keeps at least the existential deposit. */
  transfer(from: Keypair, to: AddressLike, amount: bigint, options: SubmitOptions = {}): Promise<TxResult> {
    let dest: string;
    try {
      dest = this.address(to);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.submit(
      from,
      "Balances",
      "transfer_keep_alive",
      { dest: { type: "Id", value: dest }, value: amount },
      options,
    );
  }

  // ---- Network --------------------------------------------------------------------------------

  /** Every registered worker. */
  workers(options: ReadOptions = {}): Promise<WorkerInfo[]> {
    return readWorkers(this, options);
  }

  /** One worker's registration, by identity key; undefined when not registered. */
  worker(identity: string | Uint8Array, options: ReadOptions = {}): Promise<WorkerInfo | undefined> {
    return readWorker(this, identity, options);
  }

  gatekeepers(options: ReadOptions = {}): Promise<GatekeeperSet> {
    return readGatekeepers(this, options);
  }

  clusters(options: ReadOptions = {}): Promise<ClusterView[]> {
    return readClusters(this, options);
  }

  contracts(options: ReadOptions = {}): Promise<ContractView[]> {
    return readContracts(this, options);
  }

  contractInfo(contract: string | Uint8Array, options: ReadOptions = {}): Promise<ContractView | undefined> {
    return readContract(this, contract, options);
  }

  /** See `verifyWorker`: the worker at `endpoint` is registered and says what its registration says. */
  verifyWorker(endpoint: string): Promise<VerifiedWorker> {
    return verifyWorker(endpoint, this, this.#options);
  }

  // ---- Contracts ------------------------------------------------------------------------------

  /** See `deployContract`. */
  deploy<D extends ContractDefinitionLike = AnyContract>(
    signer: Keypair,
    options: DeployOptions<ArgsOf<D>>,
  ): Promise<DeployedContract> {
    return deployContract(this, signer, options);
  }

  /** See `sendCommand`. */
  command(
    signer: Keypair,
    contract: string | Uint8Array,
    input: unknown,
    options: CommandOptions,
  ): Promise<CommandOutcome> {
    return sendCommand(this, signer, contract, input, options);
  }

  /** See `QueryClient.query`. */
  query(workerUrl: string, signer: Keypair, contract: string | Uint8Array, request: unknown): Promise<QueryOutcome> {
    return this.#queries.query(workerUrl, signer, contract, request);
  }

  /** A handle on a contract, typed by its definition (see `ContractHandle`). */
  contract<D extends ContractDefinitionLike = AnyContract>(id: string | Uint8Array): ContractHandle<D> {
    return new ContractHandle<D>(this, normalizeHex32(id, "contract"));
  }
}

/** Connects to a node: `const client = await connect("ws://127.0.0.1:9944")`. */
export function connect(url: string, options: ConnectOptions = {}): Promise<PhalaClient> {
  return PhalaClient.connect(url, options);
}
