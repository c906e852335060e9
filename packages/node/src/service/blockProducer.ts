import type { Ed25519Keypair } from "@phala-ts/core";
import type { Logger } from "pino";
import { TransactionInvalidError } from "../chain/transactionValidity.js";
import { MINIMUM_PERIOD_MS, timestampStorage } from "../pallets/timestamp.js";
import type { TxPool } from "../txpool/index.js";
import type { ChainService, ProducedBlock } from "./chainService.js";

export interface BlockLimits {
  /** Most extrinsics per block. */
  readonly count: number;
  /** Most extrinsic bytes per block. */
  readonly bytes: number;
}

export const DEFAULT_BLOCK_LIMITS: BlockLimits = { count: 20_000, bytes: 4 * 1024 * 1024 };

/**
 * Produces a block every `blockTimeMs` as the single authority: takes ready transactions in
 * pool order, builds, seals, justifies and commits, then tells the pool what was included.
 */
export class BlockProducer {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(
    readonly chain: ChainService,
    readonly pool: TxPool,
    readonly author: Ed25519Keypair,
    readonly blockTimeMs: number,
    readonly logger: Logger | undefined,
    readonly limits: BlockLimits = DEFAULT_BLOCK_LIMITS,
  ) {}

  start(): void {
    const tick = () => {
      if (this.#stopped) return;
      const started = Date.now();
      this.#running = this.produce()
        .then(
          () => {},
          (error) => this.logger?.error({ err: error }, "block production failed"),
        )
        .finally(() => {
          this.#running = undefined;
          if (!this.#stopped) this.#timer = setTimeout(tick, Math.max(0, this.blockTimeMs - (Date.now() - started)));
        });
    };
    this.#timer = setTimeout(tick, this.blockTimeMs);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One block now. */
  async produce(): Promise<ProducedBlock> {
    const parentTime = timestampStorage.Now.get(this.chain.bestState);
    const now = BigInt(Date.now());
    const timestamp = now > parentTime + MINIMUM_PERIOD_MS ? now : parentTime + MINIMUM_PERIOD_MS;

    const candidates: Uint8Array[] = [];
    const hashes: Uint8Array[] = [];
    let bytes = 0;
    for (const tx of this.pool.ready()) {
      if (candidates.length >= this.limits.count || bytes + tx.bytes.length > this.limits.bytes) break;
      candidates.push(tx.bytes);
      hashes.push(tx.hash);
      bytes += tx.bytes.length;
    }
    const started = performance.now();
    const produced = await this.chain.produceBlock(this.author, timestamp, candidates);
    const rejected = new Map(produced.rejected.map((r) => [r.bytes, r.error] as const));
    const included = hashes.filter((_, i) => !rejected.has(candidates[i]!));
    const invalid: Uint8Array[] = [];
    for (const [i, bytesOfTx] of candidates.entries()) {
      if (!rejected.has(bytesOfTx)) continue;
      const error = rejected.get(bytesOfTx);
      if (!(error instanceof TransactionInvalidError && error.reason === "Future")) invalid.push(hashes[i]!);
    }
    if (invalid.length > 0) this.pool.remove(invalid);
    const { block } = produced;
    this.pool.notifyInBlock(block.hash, included);
    this.pool.notifyFinalized(block.hash, included);
    await this.pool.prune(included, []);
    const hash = Buffer.from(block.hash).toString("hex");
    this.logger?.info(
      {
        number: block.number,
        hash: `0x${hash}`,
        extrinsics: produced.extrinsics.length,
        ms: Math.round(performance.now() - started),
      },
      `Imported #${block.number} (0x${hash.slice(0, 8)}…) with ${produced.extrinsics.length} extrinsics`,
    );
    this.logger?.info(
      { number: block.number, hash: `0x${hash}` },
      `Finalized #${block.number} (0x${hash.slice(0, 8)}…)`,
    );
    return produced;
  }
}
