import {
  decodeOperatorBody,
  dispatchBlocksRequestCodec,
  fromHex,
  initRequestCodec,
  type Keypair,
  type SyncStatus,
  scheduledChangeOf,
  syncHeaderRequestCodec,
  syncStatusCodec,
} from "@phala-ts/core";
import type { Logger } from "pino";
import { awaitNewHead } from "./awaitNewHead.js";
import { BlockFetcher } from "./blockFetcher.js";
import { BlockSource, MAX_CHANGES_RANGE, type SourceBlock } from "./blockSource.js";
import { relayEgress } from "./egressRelay.js";
import { ExtrinsicSubmitter } from "./extrinsicSubmitter.js";
import { NodeRpc } from "./nodeRpc.js";
import { isTransient, PherryError } from "./pherryError.js";
import { PRuntimeClient, type PRuntimeInfo } from "./pruntimeClient.js";
import { sleep } from "./sleep.js";
import { ensureRegistered } from "./workerRegistration.js";

export interface PherryOptions {
  /** The node's RPC address (`ws://` or `http://`). */
  readonly nodeUrl: string;
  /** The pRuntime's API address. */
  readonly pruntimeUrl: string;
  /** The pRuntime's operator token, when it requires one. */
  readonly operatorToken?: string | undefined;
  /** Signs pherry's extrinsics and pays their fees; also the worker's operator at init. */
  readonly operator: Keypair;
  /** Most blocks per sync-header/dispatch-blocks request. */
  readonly batchSize?: number;
  /**
   * When caught up, how often to ask the node for its finalized head (one call), in ms: a round
   * starts when it moves, or after `idleRoundMs` without a round.
   */
  readonly pollIntervalMs?: number;
  /** The longest a caught-up pherry goes without a round, in ms (default 2,000). */
  readonly idleRoundMs?: number;
  /** Register the worker and refresh its registration (default true). */
  readonly register?: boolean;
  /** Re-register once the chain's record is older than this, in ms (default 6 h). */
  readonly reregisterAfterMs?: number;
  readonly logger?: Logger | undefined;
  /** The clock, for registration age; tests move it. */
  readonly now?: () => number;
}

export interface RoundReport {
  readonly finalized: number;
  /** The finalized head's hash when the round began. */
  readonly finalizedHash: string;
  readonly status: SyncStatus;
  readonly blocksRelayed: number;
  readonly egressPending: number;
  readonly egressSubmitted: number;
}

const DEFAULT_BATCH = MAX_CHANGES_RANGE;
const DEFAULT_POLL_MS = 500;
const DEFAULT_IDLE_ROUND_MS = 2_000;
const DEFAULT_REREGISTER_MS = 6 * 3600 * 1000;
const REGISTRATION_RECHECK_MS = 5_000;
const REGISTRATION_RETRY_MAX_MS = 10 * 60_000;
const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 30_000;
const PROGRESS_LOG_MS = 5_000;

/**
 * The relayer between one node and one pRuntime, trusted by neither: pRuntime verifies every
 * header, justification and storage change it is handed, and the chain verifies every message and
 * attestation. pherry only has to be live, and to hand each egress message to the chain once.
 */
export class Pherry {
  readonly rpc: NodeRpc;
  readonly pruntime: PRuntimeClient;
  readonly source: BlockSource;
  readonly #options: PherryOptions;
  readonly #logger: Logger | undefined;
  #submitter: ExtrinsicSubmitter | undefined;
  /** The node's genesis hash, read again after any failure (the node may have been replaced). */
  #genesisHash: string | undefined;
  #nextRegistrationCheck = 0;
  #registrationRetryMs = REGISTRATION_RECHECK_MS;
  #awaitingRegistration = false;
  #lastProgressLog = 0;
  readonly #fetcher: BlockFetcher;

  constructor(options: PherryOptions) {
    this.#options = options;
    this.#logger = options.logger;
    this.rpc = new NodeRpc(options.nodeUrl);
    this.pruntime = new PRuntimeClient(options.pruntimeUrl, options.operatorToken);
    this.source = new BlockSource(this.rpc);
    this.#fetcher = new BlockFetcher(
      this.source,
      Math.min(options.batchSize ?? DEFAULT_BATCH, MAX_CHANGES_RANGE),
      options.logger,
    );
  }

  /** One round: init if needed, relay one batch of blocks, drain egress, check registration. */
  async round(): Promise<RoundReport> {
    let info = await this.pruntime.info();
    this.#genesisHash ??= await this.source.genesisHash();
    const genesisHash = this.#genesisHash;
    if (!info.initialized) {
      await this.#init();
      info = await this.pruntime.info();
    } else if (info.genesisHash !== genesisHash) {
      throw new PherryError("PHERRY_GENESIS_MISMATCH", "the pRuntime follows another chain than this node", {
        pruntime: info.genesisHash,
        node: genesisHash,
      });
    }
    const { hash: finalizedHash, number: finalized } = await this.source.finalizedHead();
    const { status, blocksRelayed } = await this.#relayBlocks(info, finalized);
    const submitter = await this.#connectSubmitter();
    // Nonces are counted within a round only: a node restarted between rounds lost its pool, and
    // a nonce counted past it would park every later extrinsic as Future.
    submitter.resetNonce();
    const egress = await relayEgress(this.pruntime, submitter);
    if (this.#options.register !== false) await this.#checkRegistration(info);
    const report = {
      finalized,
      finalizedHash,
      status,
      blocksRelayed,
      egressPending: egress.pending,
      egressSubmitted: egress.submitted,
    };
    this.#logProgress(report);
    return report;
  }

  /**
   * Rounds until `signal` aborts; failures are logged and retried with exponential backoff. Once
   * caught up, it waits for the node's finalized head to move, asking only for the head.
   */
  async run(signal?: AbortSignal): Promise<void> {
    let backoff = BACKOFF_MIN_MS;
    while (!signal?.aborted) {
      try {
        const report = await this.round();
        backoff = BACKOFF_MIN_MS;
        if (report.status.dispatchedHeight >= report.finalized && report.egressSubmitted === 0) {
          // What the pRuntime can be given or owes the chain changes only with a new block, so
          // rounds in between (pRuntime's info, the chain's head, egress: a request each) find
          // nothing. The periodic round still notices what changes without a block: a pRuntime
          // restarted behind, a registration grown old.
          await awaitNewHead(this.source, report.finalizedHash, {
            pollMs: this.#options.pollIntervalMs ?? DEFAULT_POLL_MS,
            maxMs: this.#options.idleRoundMs ?? DEFAULT_IDLE_ROUND_MS,
            signal,
          });
        }
      } catch (error) {
        // A restarted node may run another runtime or chain: read genesis, metadata and versions again.
        this.#submitter = undefined;
        this.#genesisHash = undefined;
        this.#logFailure(error, backoff);
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      }
    }
  }

  async #init(): Promise<void> {
    const request = await this.source.initRequest(this.#options.operator.accountId);
    await this.pruntime.post("init", initRequestCodec.enc(request));
    this.#logger?.info({ genesis: await this.source.genesisHash() }, "initialized the pRuntime from genesis");
  }

  /**
   * Finishes dispatching headers pRuntime already synced (after a restart between the two
   * requests), or syncs and dispatches the next batch up to the finalized head. A batch ends at
   * an authority-set change, as the light client requires, with that block's justification.
   */
  async #relayBlocks(info: PRuntimeInfo, finalized: number): Promise<{ status: SyncStatus; blocksRelayed: number }> {
    const synced = info.syncedHeight;
    const dispatched = info.dispatchedHeight;
    if (dispatched < synced) {
      const blocks = await this.#fetcher.fetch(dispatched + 1, synced);
      return { status: await this.#dispatch(blocks), blocksRelayed: blocks.length };
    }
    if (synced >= finalized) {
      return { status: { syncedHeight: synced, dispatchedHeight: dispatched }, blocksRelayed: 0 };
    }
    const fetched = await this.#fetcher.fetch(synced + 1, finalized);
    const change = fetched.findIndex((block) => scheduledChangeOf(block.header) !== undefined);
    const blocks = change >= 0 ? fetched.slice(0, change + 1) : fetched;
    const last = blocks.at(-1)!;
    const justification = await this.source.justification(last.number);
    await this.pruntime.post(
      "sync-header",
      syncHeaderRequestCodec.enc({ headers: blocks.map((block) => block.bytes), justification }),
    );
    return { status: await this.#dispatch(blocks), blocksRelayed: blocks.length };
  }

  async #dispatch(blocks: readonly SourceBlock[]): Promise<SyncStatus> {
    const reply = await this.pruntime.post(
      "dispatch-blocks",
      dispatchBlocksRequestCodec.enc({ blocks: blocks.map(({ number, changes }) => ({ number, changes })) }),
    );
    return decodeOperatorBody(syncStatusCodec, reply, "dispatch-blocks reply");
  }

  async #connectSubmitter(): Promise<ExtrinsicSubmitter> {
    this.#submitter ??= await ExtrinsicSubmitter.connect(this.rpc, this.#options.operator);
    return this.#submitter;
  }

  async #checkRegistration(info: PRuntimeInfo): Promise<void> {
    const now = this.#options.now?.() ?? Date.now();
    if (now < this.#nextRegistrationCheck) return;
    this.#nextRegistrationCheck = now + REGISTRATION_RECHECK_MS;
    const submitter = await this.#connectSubmitter();
    const maxAgeMs = this.#options.reregisterAfterMs ?? DEFAULT_REREGISTER_MS;
    let check: Awaited<ReturnType<typeof ensureRegistered>>;
    try {
      check = await ensureRegistered(this.pruntime, submitter, fromHex(info.identityPublicKey), {
        maxAgeMs,
        nowMs: now,
      });
    } catch (error) {
      if (!(error instanceof PherryError) || error.code !== "PHERRY_EXTRINSIC_REFUSED") throw error;
      // The relay goes on; the refusal needs an operator (an allowlist entry, other evidence).
      this.#nextRegistrationCheck = now + this.#registrationRetryMs;
      this.#logFailure(error, this.#registrationRetryMs);
      this.#registrationRetryMs = Math.min(this.#registrationRetryMs * 2, REGISTRATION_RETRY_MAX_MS);
      return;
    }
    this.#registrationRetryMs = REGISTRATION_RECHECK_MS;
    if (check.action === "submitted") {
      this.#awaitingRegistration = true;
      this.#logger?.info(
        { worker: info.identityPublicKey, reason: check.reason, extrinsic: check.hash },
        check.reason === "unregistered"
          ? "submitted the worker's registration"
          : "refreshing the worker's registration",
      );
    } else if (this.#awaitingRegistration) {
      this.#awaitingRegistration = false;
      const { attestationProvider, confidenceLevel } = check.record;
      this.#logger?.info(
        { worker: info.identityPublicKey, attestation: attestationProvider.type, confidenceLevel },
        `the chain registered the worker (${attestationProvider.type} evidence, confidence ${confidenceLevel})`,
      );
    }
  }

  #logProgress(report: RoundReport): void {
    const now = Date.now();
    if (now - this.#lastProgressLog < PROGRESS_LOG_MS) return;
    this.#lastProgressLog = now;
    const behind = report.finalized - report.status.dispatchedHeight;
    this.#logger?.info(
      {
        finalized: report.finalized,
        dispatched: report.status.dispatchedHeight,
        behind,
        egressPending: report.egressPending,
      },
      `#${report.status.dispatchedHeight} of #${report.finalized}: ${behind} blocks behind, ${report.egressPending} messages pending`,
    );
  }

  #logFailure(error: unknown, backoffMs: number): void {
    const retry = `retrying in ${(backoffMs / 1000).toFixed(backoffMs < 1000 ? 2 : 0)} s`;
    if (error instanceof PherryError) {
      const level = isTransient(error) ? "warn" : "error";
      this.#logger?.[level]({ code: error.code, details: error.details }, `${error.message}; ${retry}`);
    } else {
      this.#logger?.error({ err: error }, `unexpected failure; ${retry}`);
    }
  }
}
