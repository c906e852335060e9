import { eraBirth, fromHex, type Keypair, mortalEra, signExtrinsic, storageKey, toHex } from "@phala-ts/core";
import { u32 } from "@polkadot-api/substrate-bindings";
import { type DryRunOutcome, describeApplyResult } from "./applyExtrinsicResult.js";
import { ChainMetadata } from "./chainMetadata.js";
import type { NodeRpc } from "./nodeRpc.js";
import { PherryError } from "./pherryError.js";

/** Blocks an extrinsic stays valid for: long enough to wait out a busy pool, short enough to expire. */
export const ERA_PERIOD = 256;

interface RuntimeVersion {
  readonly specVersion: number;
  readonly transactionVersion: number;
}

/** A mortal era and the hash of its birth block: what an extrinsic signed now is bound to. */
interface EraContext {
  readonly era: ReturnType<typeof mortalEra>;
  readonly birthHash: Uint8Array;
}

/**
 * Signs extrinsics as the operator account against the node's genesis, runtime version and
 * metadata, and submits them. Nonces come from the node (`system_accountNextIndex` counts the
 * pool) and are then counted here, so a burst needs one query; `signMany` also reads the best
 * header once for the whole burst.
 */
export class ExtrinsicSubmitter {
  #nonce: number | undefined;

  private constructor(
    readonly rpc: NodeRpc,
    readonly signer: Keypair,
    readonly genesisHash: Uint8Array,
    readonly version: RuntimeVersion,
    readonly metadata: ChainMetadata,
  ) {}

  static async connect(rpc: NodeRpc, signer: Keypair): Promise<ExtrinsicSubmitter> {
    const [genesis, version, metadata] = await Promise.all([
      rpc.call<string>("chain_getBlockHash", [0]),
      rpc.call<RuntimeVersion>("state_getRuntimeVersion"),
      rpc.call<string>("state_getMetadata"),
    ]);
    return new ExtrinsicSubmitter(rpc, signer, fromHex(genesis), version, ChainMetadata.fromHex(metadata));
  }

  /** Forgets the counted nonce, so the next extrinsic asks the node (after a refusal or a restart). */
  resetNonce(): void {
    this.#nonce = undefined;
  }

  async sign(call: Uint8Array): Promise<Uint8Array> {
    const [bytes] = await this.signMany([call]);
    return bytes!;
  }

  /**
   * Signs `calls` with consecutive nonces from the next free one, all under one mortal era: one
   * header lookup (and one nonce query when none is counted) for the lot. They are meant to be
   * submitted in order; a refusal on the way resets the count (see `submit`), and the ones after
   * it should be signed again.
   */
  async signMany(calls: readonly Uint8Array[]): Promise<Uint8Array[]> {
    if (calls.length === 0) return [];
    const [nonce, context] = await Promise.all([
      this.#nonce ?? this.rpc.call<number>("system_accountNextIndex", [toHex(this.signer.accountId)]),
      this.#eraContext(),
    ]);
    const signed = calls.map((call, i) => this.#signWith(call, nonce + i, context));
    this.#nonce = nonce + calls.length;
    return signed;
  }

  async #eraContext(): Promise<EraContext> {
    const best = await this.rpc.call<{ number: string }>("chain_getHeader");
    const current = Number(best.number);
    const era = mortalEra(ERA_PERIOD, current);
    const birthHash = await this.rpc.call<string | null>("chain_getBlockHash", [eraBirth(era, current)]);
    if (birthHash === null) throw new PherryError("PHERRY_BAD_NODE_REPLY", "the node lost a recent block hash");
    return { era, birthHash: fromHex(birthHash) };
  }

  #signWith(call: Uint8Array, nonce: number, { era, birthHash }: EraContext): Uint8Array {
    return signExtrinsic(
      this.signer,
      call,
      { era, nonce, tip: 0n },
      { ...this.version, genesisHash: this.genesisHash, birthHash },
    );
  }

  /**
   * What the chain would do with `call` from this signer at its best block. It is signed with the
   * nonce the chain holds now (the first field of `System.Account`), not the next free one, which
   * the dry run would call Future while earlier extrinsics wait in the pool. Nothing is submitted.
   */
  async dryRun(call: Uint8Array): Promise<DryRunOutcome> {
    const account = await this.rpc.call<string | null>("state_getStorage", [
      toHex(storageKey("System", "Account", ["Blake2_128Concat", this.signer.accountId])),
    ]);
    const nonce = account === null ? 0 : u32.dec(fromHex(account).subarray(0, 4));
    const signed = this.#signWith(call, nonce, await this.#eraContext());
    const result = await this.rpc.call<string>("system_dryRun", [toHex(signed)]);
    return describeApplyResult(fromHex(result), this.metadata);
  }

  /** Submits to the node's pool; a refusal resets the nonce count. Returns the extrinsic hash. */
  async submit(bytes: Uint8Array): Promise<string> {
    try {
      return await this.rpc.call<string>("author_submitExtrinsic", [toHex(bytes)]);
    } catch (error) {
      this.resetNonce();
      throw error;
    }
  }
}
