import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BlockChanges,
  blake2_256,
  byteKey,
  clusterIdFromIndex,
  clusterKeysKey,
  contractId,
  contractKeysKey,
  devAccounts,
  encodeHeader,
  encodeJustification,
  encodeMessageOrigin,
  IMMORTAL_ERA,
  KEY_HIERARCHY_STORAGE,
  type Keypair,
  keypairFromUri,
  type PublicKeys,
  publicKeysCodec,
  type SignedMessage,
  sealContractCommand,
  signExtrinsic,
  toHex,
  utf8,
  workerRecordKey,
} from "@phala-ts/core";
import {
  BlockProducer,
  buildMetadata,
  ChainService,
  type ChainSpec,
  createNodePool,
  devSpec,
  nextMqSequence,
  PHA,
  type TxPool,
} from "@phala-ts/node";
import {
  ChainMetadata,
  chunkEgress,
  mqBatchLimits,
  registerWorkerCall,
  syncOffchainMessageCall,
  syncOffchainMessagesCall,
} from "@phala-ts/pherry";
import { openSimPlatform, PRuntime } from "@phala-ts/pruntime";
import { phatCall, type RuntimeCall, runtime } from "./phatCalls.js";
import { NO_CHECKPOINTS } from "./relayChain.js";

/**
 * The contract network of `contractNetwork.bench.ts` in one process and in lock step, so that
 * its work can be replayed and profiled piece by piece: a node (`ChainService`, the node's own
 * pool and `BlockProducer`), a gatekeeper and two cluster workers (`PRuntime` on the simulated
 * platform), and for each pRuntime a relay that does what pherry does after each block (sync the
 * header with its justification, dispatch the block's changes, fetch the egress and submit it as
 * `sync_offchain_message(s)` batches from the chain's next sequence, signed by its operator).
 * There is no RPC and no HTTP: a block is produced, then every relay runs, then the next block.
 */

const metadata = ChainMetadata.fromHex(toHex(buildMetadata(runtime)));
const batchLimits = mqBatchLimits(metadata);
const AUTHOR = keypairFromUri("//Alice", "ed25519");
const sr = devAccounts("sr25519");
/** The simulated MRENCLAVE of every pRuntime here (fixed, so that no bundle is hashed). */
const MEASUREMENT = new Uint8Array(32);

/** One block as pherry relays it, and what the pool was handed before the block was produced. */
export interface RecordedBlock {
  readonly number: number;
  readonly header: Uint8Array;
  readonly justification: Uint8Array;
  readonly changes: BlockChanges["changes"];
  /** Extrinsics in the block, the timestamp inherent included. */
  readonly extrinsics: number;
  /** Every submission to the pool since the previous block, in order (refused ones too). */
  readonly submitted: readonly Uint8Array[];
}

export const toBlockChanges = (block: RecordedBlock): BlockChanges => ({
  number: block.number,
  changes: block.changes,
});

interface Enclave {
  readonly name: string;
  readonly dir: string;
  pruntime: PRuntime;
  readonly operator: Keypair;
}

/** Opens the pRuntime whose sealed files are in `dir` (keys, and the newest checkpoint if any). */
export async function openPRuntime(dir: string): Promise<PRuntime> {
  const platform = await openSimPlatform({ dataDir: dir, measurement: MEASUREMENT });
  return PRuntime.open({ platform, checkpointEvery: NO_CHECKPOINTS });
}

/** A node opened on the database in `basePath`, with its pool and block producer. */
export interface NodeParts {
  readonly chain: ChainService;
  readonly pool: TxPool;
  readonly producer: BlockProducer;
}

export async function openNode(spec: ChainSpec, basePath: string): Promise<NodeParts> {
  const chain = await ChainService.open({ runtime, spec, basePath });
  const pool = createNodePool(chain);
  return { chain, pool, producer: new BlockProducer(chain, pool, AUTHOR, spec.blockTimeMs, undefined) };
}

/** What `snapshot` saved: directories that `openNode` and `openPRuntime` resume from. */
export interface Snapshot {
  readonly node: string;
  readonly enclaves: Readonly<Record<string, string>>;
}

export class CommandNetwork {
  readonly cluster = clusterIdFromIndex(0n);
  readonly enclaves: Enclave[] = [];
  readonly #nonces = new Map<string, number>();
  #submitted: Uint8Array[] = [];
  #node!: NodeParts;
  clusterKeys!: PublicKeys;

  private constructor(
    readonly dir: string,
    readonly spec: ChainSpec,
  ) {}

  get chain(): ChainService {
    return this.#node.chain;
  }

  get pool(): TxPool {
    return this.#node.pool;
  }

  enclave(name: "gk" | "w1" | "w2"): Enclave {
    return this.enclaves.find((e) => e.name === name)!;
  }

  /**
   * A dev chain (`funded` get 1,000,000 PHA), three pRuntimes registered, the gatekeeper holding
   * the master key, cluster 0 of w1 and w2 with its keys on both. Everything lives in one temp
   * dir, removed by `stop`.
   */
  static async start(funded: readonly Uint8Array[]): Promise<CommandNetwork> {
    const dev = devSpec();
    const spec: ChainSpec = {
      ...dev,
      attestation: { ...dev.attestation, allowSimulated: true, pruntimeAllowList: [MEASUREMENT] },
      genesis: {
        ...dev.genesis,
        balances: [...dev.genesis.balances, ...funded.map((a) => [a, 1_000_000n * PHA] as const)],
      },
    };
    const network = new CommandNetwork(mkdtempSync(join(tmpdir(), "phala-bench-commands-")), spec);
    try {
      await network.#start();
      return network;
    } catch (error) {
      await network.stop();
      throw error;
    }
  }

  async #start(): Promise<void> {
    this.#node = await openNode(this.spec, join(this.dir, "node"));
    const genesisState = this.chain.bestState;
    const operators = { gk: sr.Bob, w1: sr.Charlie, w2: sr.Dave };
    for (const [name, operator] of Object.entries(operators)) {
      const dir = join(this.dir, name);
      const pruntime = await openPRuntime(dir);
      this.enclaves.push({ name, dir, pruntime, operator });
      await pruntime.init({
        genesisHeader: encodeHeader(this.chain.genesis.header),
        genesisStorage: [...genesisState.entries()].map(([k, v]) => [k, v]),
        authoritySet: { setId: 0n, authorities: this.spec.genesis.authorities.map(([id, w]) => [id, w]) },
        operator: operator.accountId,
      });
      const { info, attestation } = await pruntime.runtimeInfo();
      await this.submit(operator, registerWorkerCall(metadata, info, attestation));
    }
    const [gk, w1, w2] = (["gk", "w1", "w2"] as const).map((name) => this.enclave(name).pruntime.keys.identity);
    await this.stepUntil(() => [gk, w1, w2].every((k) => this.read(workerRecordKey(k!.publicKey))), "registration");
    await this.sudo({
      type: "PhalaRegistry",
      value: { type: "registerGatekeeper", value: { gatekeeper: gk!.publicKey } },
    } as RuntimeCall);
    await this.stepUntil(() => this.read(KEY_HIERARCHY_STORAGE.masterPubkey), "the master key");
    await this.sudo(
      phatCall("addCluster", {
        workers: [w1!.publicKey, w2!.publicKey],
        permission: { type: "Public", value: undefined },
      }),
    );
    await this.stepUntil(
      () =>
        this.read(clusterKeysKey(this.cluster)) !== undefined &&
        ["w1", "w2"].every((n) => this.enclave(n as "w1").pruntime.info().clusters.length === 1),
      "the cluster's keys",
    );
    this.clusterKeys = publicKeysCodec.dec(this.read(clusterKeysKey(this.cluster))!);
  }

  /** A storage value at the best block. */
  read(key: Uint8Array): Uint8Array | undefined {
    return this.chain.bestState.get(key);
  }

  /** `call` signed by `from` at its next nonce (counted here), immortal, no tip. */
  sign(from: Keypair, call: Uint8Array): Uint8Array {
    const id = byteKey(from.accountId);
    const nonce = this.#nonces.get(id) ?? 0;
    this.#nonces.set(id, nonce + 1);
    const { specVersion, transactionVersion } = runtime.version;
    const genesisHash = this.chain.genesis.hash;
    const additional = { specVersion, transactionVersion, genesisHash, birthHash: genesisHash };
    return signExtrinsic(from, call, { era: IMMORTAL_ERA, nonce, tip: 0n }, additional);
  }

  /** Hands `bytes` to the pool as an RPC submission does; throws its refusal. */
  async submitBytes(bytes: Uint8Array): Promise<void> {
    this.#submitted.push(bytes);
    await this.pool.submit(bytes, "external");
  }

  async submit(from: Keypair, call: Uint8Array): Promise<void> {
    await this.submitBytes(this.sign(from, call));
  }

  sudo(call: RuntimeCall): Promise<void> {
    return this.submit(
      sr.Alice,
      runtime.encodeCall({ type: "Sudo", value: { type: "sudo", value: { call } } } as RuntimeCall),
    );
  }

  /** Produces a block, then relays it to every pRuntime (each relay's egress goes to the pool). */
  async step(): Promise<RecordedBlock> {
    const submitted = this.#submitted;
    this.#submitted = [];
    const produced = await this.#node.producer.produce();
    if (produced.rejected.length > 0) throw new Error(`block refused ${produced.rejected.length} extrinsics`);
    const { hash, number, header } = produced.block;
    const block: RecordedBlock = {
      number,
      header: encodeHeader(header),
      justification: encodeJustification((await this.chain.justificationOf(hash))!),
      changes: (await this.chain.changesOf(hash))!.map((c) => [c.key, c.value]),
      extrinsics: produced.extrinsics.length,
      submitted,
    };
    for (const enclave of this.enclaves) await this.#relay(enclave, block);
    return block;
  }

  async stepUntil(done: () => boolean | undefined | Uint8Array, what: string, maxBlocks = 50): Promise<void> {
    for (let i = 0; i < maxBlocks; i++) {
      if (done()) return;
      await this.step();
    }
    throw new Error(`${what}: not done after ${maxBlocks} blocks`);
  }

  /** Steps until no pRuntime owes the chain a message and the pool is empty. */
  async settle(maxBlocks = 20): Promise<void> {
    await this.stepUntil(
      () => this.pool.pending().length === 0 && this.enclaves.every((e) => e.pruntime.egressMessages().length === 0),
      "the egress to drain",
      maxBlocks,
    );
  }

  /** What pherry does for a new finalized block: sync, dispatch, then the egress from the chain's next sequence. */
  async #relay(enclave: Enclave, block: RecordedBlock): Promise<void> {
    const { pruntime, operator } = enclave;
    pruntime.syncHeader({ headers: [block.header], justification: block.justification });
    await pruntime.dispatchBlocks([toBlockChanges(block)]);
    const bySender = new Map<string, SignedMessage[]>();
    for (const message of pruntime.egressMessages()) {
      const key = byteKey(encodeMessageOrigin(message.message.sender));
      bySender.set(key, [...(bySender.get(key) ?? []), message]);
    }
    for (const messages of bySender.values()) {
      const next = nextMqSequence(this.chain, this.pool, messages[0]!.message.sender);
      for (const batch of chunkEgress(messages, next, batchLimits)) {
        const call =
          batch.length === 1 ? syncOffchainMessageCall(metadata, batch[0]!) : syncOffchainMessagesCall(metadata, batch);
        const bytes = this.sign(operator, call);
        try {
          await this.submitBytes(bytes);
        } catch {
          // Taken elsewhere (another relay's batch carries these messages): this nonce was not used.
          this.#nonces.set(byteKey(operator.accountId), this.#nonces.get(byteKey(operator.accountId))! - 1);
          break;
        }
      }
    }
  }

  /** Uploads `code` and instantiates it with sealed `args` from `deployer`; steps until both workers ran init. */
  async deploy(
    deployer: Keypair,
    code: string,
    args: unknown,
    gasLimit: bigint,
  ): Promise<{ id: Uint8Array; keys: PublicKeys }> {
    const bytes = utf8(code);
    const codeHash = blake2_256(bytes);
    const salt = utf8("bench");
    await this.submit(deployer, runtime.encodeCall(phatCall("uploadCode", { code: bytes })));
    const sealed = sealContractCommand("init", this.clusterKeys.ecdhPubkey, args);
    await this.submit(
      deployer,
      runtime.encodeCall(
        phatCall("instantiate", {
          codeHash,
          cluster: this.cluster,
          args: sealed.envelope,
          salt,
          gasLimit,
          deposit: gasLimit * 10n,
        }),
      ),
    );
    const id = contractId(deployer.accountId, codeHash, this.cluster, salt);
    await this.stepUntil(
      () =>
        this.read(contractKeysKey(id)) !== undefined && this.executed("w1", id) >= 1n && this.executed("w2", id) >= 1n,
      "the contract's init",
    );
    return { id, keys: publicKeysCodec.dec(this.read(contractKeysKey(id))!) };
  }

  /** Commands of `contract` a worker ran (init included). */
  executed(name: "w1" | "w2", contract: Uint8Array): bigint {
    const hex = toHex(contract);
    const status = this.enclave(name)
      .pruntime.info()
      .contracts.find((c) => c.contract === hex);
    if (status?.unavailable) throw new Error(`${name} cannot run ${hex}: ${status.unavailable}`);
    return BigInt(status?.executed ?? 0);
  }

  /**
   * Saves the node's database and every pRuntime (a checkpoint) where each can be resumed from;
   * call it on a settled network. The node is closed and reopened to copy its database.
   */
  async snapshot(name: string): Promise<Snapshot> {
    if (this.pool.pending().length > 0) throw new Error("snapshot of a network with pending transactions");
    const root = join(this.dir, "snapshots", name);
    await this.chain.close();
    cpSync(join(this.dir, "node"), join(root, "node"), { recursive: true });
    this.#node = await openNode(this.spec, join(this.dir, "node"));
    const enclaves: Record<string, string> = {};
    for (const enclave of this.enclaves) {
      await enclave.pruntime.checkpoint();
      enclaves[enclave.name] = join(root, enclave.name);
      cpSync(enclave.dir, enclaves[enclave.name]!, { recursive: true });
    }
    return { node: join(root, "node"), enclaves };
  }

  /** A fresh copy of a snapshot's directory (`node` or an enclave's), removed with the network. */
  copyOf(dir: string): string {
    const copy = mkdtempSync(join(this.dir, "replay-"));
    cpSync(dir, copy, { recursive: true });
    return copy;
  }

  async stop(): Promise<void> {
    for (const enclave of this.enclaves) await enclave.pruntime.close().catch(() => {});
    await this.#node?.chain.close().catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }
}
