import { cpus } from "node:os";
import { encodeAttestation } from "@phala-ts/attestation";
import { ContractEngine } from "@phala-ts/contracts";
import {
  type BlockChanges,
  encodeRuntimeInfo,
  HEARTBEAT_CHALLENGE_TOPIC,
  type InitRequest,
  type Message,
  type PRuntimePublicInfo,
  RUNTIME_INFO_VERSION,
  type RuntimeInfo,
  type RuntimeInfoResponse,
  runtimeInfoReportData,
  type SignedMessage,
  type SyncHeaderRequest,
  type SyncStatus,
  toHex,
  topicToString,
  workerOrigin,
} from "@phala-ts/core";
import type { Logger } from "pino";
import {
  advanceMirror,
  type ChainMirror,
  initChainMirror,
  syncHeaderBatch,
  verifyBlocks,
} from "./chain/chainMirror.js";
import { outboundMessages, timestampNow } from "./chain/chainStorage.js";
import { appendMessage } from "./chain/messageLog.js";
import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint/checkpointCodec.js";
import { CheckpointError } from "./checkpoint/checkpointError.js";
import { CheckpointStore } from "./checkpoint/checkpointStore.js";
import { ContractRunner } from "./contracts/contractRunner.js";
import { QueryService } from "./contracts/queryService.js";
import { EgressQueue } from "./dispatch/egressQueue.js";
import { type BlockContext, type BlockEndObserver, MessageRouter } from "./dispatch/messageRouter.js";
import { KeyHierarchyHandler } from "./keyHierarchy/keyHierarchyHandler.js";
import { EnclaveKeys } from "./keys/enclaveKeys.js";
import { LightClientError } from "./lightClient/lightClientError.js";
import type { EnclavePlatform } from "./platform/enclavePlatform.js";
import { HeartbeatResponder } from "./system/heartbeatResponder.js";
import { PRUNTIME_VERSION } from "./version.js";

export interface PRuntimeOptions {
  readonly platform: EnclavePlatform;
  readonly logger?: Logger | undefined;
  /** Take a checkpoint whenever this many blocks were dispatched since the last one. */
  readonly checkpointEvery?: number | undefined;
  /** Checkpoints kept on disk, newest first. */
  readonly keepCheckpoints?: number | undefined;
  /** Registers the message handlers of this pRuntime's roles, before any checkpoint is loaded. */
  readonly setup?: ((router: MessageRouter, runtime: PRuntime) => void) | undefined;
  /** How long a contract query may run on the wall clock (default 10 s). */
  readonly queryTimeoutMs?: number | undefined;
  /** Contract queries a second per account (default 1,000). */
  readonly queryRatePerSecond?: number | undefined;
}

export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

interface Engines {
  readonly commands: ContractEngine;
  readonly queries: ContractEngine;
}

/** What `GET /info` says (core owns the shape, which pherry and clients read). */
export type PublicInfo = PRuntimePublicInfo;

const DEFAULT_CHECKPOINT_EVERY = 1000;
const PROGRESS_LOG_INTERVAL_MS = 5000;

/**
 * The enclave runtime. It trusts nothing it is handed: headers must be proven final by the
 * authority set it already trusts, storage changes must lead to the proven state roots, and
 * only then are the block's messages dispatched. Every operation either applies completely or
 * throws a typed error and changes nothing.
 */
export class PRuntime {
  readonly platform: EnclavePlatform;
  readonly keys: EnclaveKeys;
  readonly router = new MessageRouter();
  readonly egress = new EgressQueue();
  readonly keyHierarchy: KeyHierarchyHandler;
  readonly contracts: ContractRunner;
  readonly queries: QueryService;
  readonly #logger: Logger | undefined;
  readonly #checkpoints: CheckpointStore;
  readonly #checkpointEvery: number;
  #chain: ChainMirror | undefined;
  #checkpointedHeight = -1;
  #checkpointWrite: Promise<void> = Promise.resolve();
  #refusedMessages = 0;
  #lastProgressLog = 0;

  private constructor(options: PRuntimeOptions, keys: EnclaveKeys, engines: Engines) {
    this.platform = options.platform;
    this.keys = keys;
    this.#logger = options.logger;
    this.#checkpoints = new CheckpointStore(options.platform.sealed, options.keepCheckpoints);
    this.#checkpointEvery = options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    this.egress.addSender(workerOrigin(keys.identity.publicKey), keys.identity, 0n);
    this.router.on(topicToString(HEARTBEAT_CHALLENGE_TOPIC), new HeartbeatResponder(keys.identity.publicKey));
    this.keyHierarchy = new KeyHierarchyHandler(keys);
    this.keyHierarchy.register(this.router);
    this.egress.addSource(this.keyHierarchy);
    this.contracts = new ContractRunner(engines.commands, keys, this.keyHierarchy.clusters, options.logger);
    this.contracts.register(this.router);
    this.egress.addSource(this.contracts);
    this.queries = new QueryService(
      {
        identity: keys.identity,
        ecdh: keys.ecdh,
        runner: this.contracts,
        clusters: this.keyHierarchy.clusters,
        engine: engines.queries,
        head: () => {
          const chain = this.#chain;
          if (chain === undefined) return undefined;
          const state = chain.storage;
          return { number: chain.dispatched.number, timestamp: timestampNow(state), state };
        },
      },
      { ratePerSecond: options.queryRatePerSecond },
    );
  }

  /** Unseals the keys (creating them on first start) and resumes from the newest valid checkpoint. */
  static async open(options: PRuntimeOptions): Promise<PRuntime> {
    const { keys, created } = await EnclaveKeys.loadOrCreate(options.platform.sealed);
    // Commands run without a wall-clock limit (gas alone, so every worker agrees); queries with one.
    const engines = {
      commands: await ContractEngine.create(),
      queries: await ContractEngine.create({ timeLimitMs: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS }),
    };
    const runtime = new PRuntime(options, keys, engines);
    options.setup?.(runtime.router, runtime);
    runtime.#logger?.info(
      { identity: toHex(keys.identity.publicKey), platform: options.platform.kind, created },
      created ? "generated enclave keys" : "unsealed enclave keys",
    );
    await runtime.#resume();
    return runtime;
  }

  get chain(): ChainMirror | undefined {
    return this.#chain;
  }

  get status(): SyncStatus {
    return {
      syncedHeight: this.#chain?.light.finalized.number ?? 0,
      dispatchedHeight: this.#chain?.dispatched.number ?? 0,
    };
  }

  info(): PublicInfo {
    const chain = this.#chain;
    return {
      version: PRUNTIME_VERSION,
      role: this.keyHierarchy.gatekeeper.isGatekeeper(chain?.storage) ? "gatekeeper" : "worker",
      platform: this.platform.kind,
      measurement: toHex(this.platform.measurement),
      identityPublicKey: toHex(this.keys.identity.publicKey),
      ecdhPublicKey: toHex(this.keys.ecdh.publicKey),
      initialized: chain !== undefined,
      genesisHash: chain ? toHex(chain.light.genesisHash) : null,
      ...this.status,
      stateRoot: chain ? toHex(chain.dispatched.stateRoot) : null,
      authoritySetId: chain ? chain.light.authoritySet.setId.toString() : null,
      messages: {
        count: (chain?.messages.count ?? 0n).toString(),
        digest: toHex(chain?.messages.digest ?? new Uint8Array(32)),
      },
      egressPending: this.egress.pendingCount,
      gatekeeper: this.keyHierarchy.gatekeeper.status(),
      clusters: this.keyHierarchy.clusters.status(),
      contracts: this.contracts.status(),
    };
  }

  /** Trusts a genesis (checked against its own root) and answers with the attested registration info. */
  async init(request: InitRequest): Promise<RuntimeInfoResponse> {
    if (this.#chain !== undefined) {
      throw new LightClientError("LIGHT_CLIENT_ALREADY_INITIALIZED", "this pRuntime is already initialized", {
        genesisHash: toHex(this.#chain.light.genesisHash),
      });
    }
    const chain = initChainMirror(request);
    this.#chain = chain;
    this.egress.purge(chain.storage);
    this.#logger?.info({ genesisHash: toHex(chain.light.genesisHash) }, "initialized from genesis");
    await this.#checkpointOrLog();
    return this.runtimeInfo();
  }

  syncHeader(request: SyncHeaderRequest): SyncStatus {
    this.#chain = syncHeaderBatch(this.#initialized(), request);
    return this.status;
  }

  /** Verifies every block of the request, then dispatches their messages in order. */
  async dispatchBlocks(blocks: readonly BlockChanges[]): Promise<SyncStatus> {
    const chain = this.#initialized();
    const verified = verifyBlocks(chain, blocks);
    let messages = chain.messages;
    for (const { header, storage } of verified) {
      const queued = outboundMessages(storage);
      if (queued.length > 0) {
        const block: BlockContext = {
          number: header.number,
          hash: header.hash,
          timestamp: timestampNow(storage),
          state: storage,
          egress: this.egress,
        };
        for (const message of queued) {
          this.#deliver(message, block);
          messages = appendMessage(messages, message);
        }
        for (const observer of this.router.blockEndObservers) this.#endBlock(observer, block);
      }
      this.egress.purge(storage);
    }
    this.#chain = advanceMirror(chain, verified, messages);
    this.#logProgress();
    if (this.#chain.dispatched.number - this.#checkpointedHeight >= this.#checkpointEvery) {
      await this.#checkpointOrLog();
    }
    return this.status;
  }

  egressMessages(): SignedMessage[] {
    return this.egress.pending(this.#chain?.storage);
  }

  /** The registration info and evidence binding it to this enclave (`report_data` = its hash ++ zeros). */
  async runtimeInfo(): Promise<RuntimeInfoResponse> {
    const chain = this.#initialized();
    const info: RuntimeInfo = {
      version: RUNTIME_INFO_VERSION,
      machineId: this.keys.machineId,
      identityPublicKey: this.keys.identity.publicKey,
      ecdhPublicKey: this.keys.ecdh.publicKey,
      genesisHash: chain.light.genesisHash,
      features: [cpus().length, 0],
      operator: chain.operator,
    };
    const encoded = encodeRuntimeInfo(info);
    const attestation = await this.platform.quote(runtimeInfoReportData(encoded));
    return { info: encoded, attestation: encodeAttestation(attestation) };
  }

  /** Seals the whole state now; writes are queued so checkpoints land in order. */
  async checkpoint(): Promise<SyncStatus> {
    const chain = this.#chain;
    if (chain === undefined) {
      throw new CheckpointError("CHECKPOINT_NOT_INITIALIZED", "nothing to checkpoint before init");
    }
    const height = chain.dispatched.number;
    const bytes = encodeCheckpoint({
      keys: this.keys.encode(),
      chain,
      egress: this.egress.save(),
      handlers: this.router.statefulHandlers().map((h) => [h.stateName, h.saveState()] as const),
    });
    const write = this.#checkpointWrite.then(() => this.#checkpoints.write(height, bytes));
    this.#checkpointWrite = write.catch(() => {});
    await write;
    this.#checkpointedHeight = Math.max(this.#checkpointedHeight, height);
    this.#logger?.info({ height, bytes: bytes.length }, "checkpoint sealed");
    return this.status;
  }

  /** Seals a final checkpoint (when initialized) and waits for pending writes. */
  async close(): Promise<void> {
    if (this.#chain !== undefined && this.#chain.dispatched.number !== this.#checkpointedHeight)
      await this.checkpoint();
    await this.#checkpointWrite;
  }

  /** The operation that asked for it succeeded either way; a failed checkpoint is retried at the next block. */
  async #checkpointOrLog(): Promise<void> {
    await this.checkpoint().catch((error: unknown) => {
      this.#checkpointedHeight = Number.NEGATIVE_INFINITY;
      this.#logger?.error({ err: error }, "checkpoint failed; will retry at the next block");
    });
  }

  #logProgress(): void {
    const now = Date.now();
    if (now - this.#lastProgressLog < PROGRESS_LOG_INTERVAL_MS) return;
    this.#lastProgressLog = now;
    this.#logger?.info({ ...this.status, egressPending: this.egress.pendingCount }, "synced");
  }

  #initialized(): ChainMirror {
    if (this.#chain === undefined) {
      throw new LightClientError(
        "LIGHT_CLIENT_NOT_INITIALIZED",
        "this pRuntime has not been initialized; call init first",
      );
    }
    return this.#chain;
  }

  #deliver(message: Message, block: BlockContext): void {
    const handler = this.router.handlerFor(message);
    if (handler === undefined) return;
    try {
      handler.handle(message, block);
    } catch (error) {
      this.#refusedMessages++;
      this.#logger?.warn(
        { number: block.number, code: (error as { code?: string }).code, refused: this.#refusedMessages },
        "a handler refused a message",
      );
    }
  }

  #endBlock(observer: BlockEndObserver, block: BlockContext): void {
    try {
      observer.endBlock(block);
    } catch (error) {
      this.#logger?.error({ number: block.number, err: error }, "a block-end observer failed");
    }
  }

  async #resume(): Promise<void> {
    const handlers = new Map(this.router.statefulHandlers().map((h) => [h.stateName, h]));
    const restored = await this.#checkpoints.loadNewest(
      (bytes) => {
        const content = decodeCheckpoint(bytes);
        if (!EnclaveKeys.decode(content.keys).sameAs(this.keys)) {
          throw new CheckpointError("CHECKPOINT_FOREIGN_KEYS", "the checkpoint belongs to other enclave keys");
        }
        // Loaded here so that a checkpoint whose handler state does not load is passed over too.
        for (const [name, state] of content.handlers) handlers.get(name)?.loadState(state);
        this.egress.load(content.egress);
        return content;
      },
      (name, error) =>
        this.#logger?.warn(
          { name, code: (error as { code?: string }).code },
          "skipping a checkpoint that does not load",
        ),
    );
    if (restored === undefined) return;
    this.#chain = restored.chain;
    this.#checkpointedHeight = restored.chain.dispatched.number;
    this.#logger?.info(
      { dispatchedHeight: restored.chain.dispatched.number, syncedHeight: restored.chain.light.finalized.number },
      "resumed from checkpoint",
    );
  }
}
