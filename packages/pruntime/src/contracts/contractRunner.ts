import { type ContractEngine, ContractError } from "@phala-ts/contracts";
import {
  byteKey,
  COMMAND_REPLIES_TOPIC,
  type ContractRunStatus,
  contractCommandCodec,
  decodeExact,
  equalBytes,
  type Message,
  type SignedMessage,
  STATE_ROOT_TOPIC,
  stateRootReportCodec,
  toHex,
  topicToString,
  workerOrigin,
} from "@phala-ts/core";
import type { Logger } from "pino";
import {
  clusterInfo,
  contractCode,
  contractInfo,
  contractKeys,
  pendingCommand,
  type VerifiedStorage,
} from "../chain/chainStorage.js";
import type { EgressSource } from "../dispatch/egressQueue.js";
import type { BlockContext, BlockEndObserver, MessageRouter, StatefulHandler } from "../dispatch/messageRouter.js";
import type { ClusterRole } from "../keyHierarchy/clusterRole.js";
import type { EnclaveKeys } from "../keys/enclaveKeys.js";
import { ContractInstance, type QueuedCommand, savedInstancesCodec } from "./contractInstance.js";
import { ContractServiceError } from "./contractServiceError.js";
import { type CommandKeys, runCommand } from "./runCommand.js";

const COMMAND_TOPIC = /^phala\/contract\/([0-9a-f]{64})\/command$/;
/** Commands kept while the cluster key has not arrived; beyond this the contract is given up here. */
export const MAX_BACKLOG = 1024;
/** Engine faults tolerated on one command before the contract is given up here. */
const MAX_FAULTS = 3;

/**
 * Runs the confidential contracts of the clusters this worker belongs to. Commands arrive in
 * chain order (`phala/contract/<id>/command`, queued by the chain from the caller's account);
 * each is checked against the chain's pending commands, run in the contract's order, and
 * answered in CommandReplies the whole cluster owes under the Contract origin, one message for
 * the commands of a block. At the end of each block the worker reports, from its own origin, the
 * state root of each contract that ran.
 */
export class ContractRunner implements StatefulHandler, EgressSource, BlockEndObserver {
  readonly stateName = "contracts";
  readonly #engine: ContractEngine;
  readonly #identity: Uint8Array;
  readonly #clusters: ClusterRole;
  readonly #logger: Logger | undefined;
  readonly #instances = new Map<string, ContractInstance>();
  /** Instances with commands waiting (for the cluster key, or after an engine fault). */
  readonly #waiting = new Set<ContractInstance>();
  readonly #touched = new Set<ContractInstance>();
  readonly #faults = new Map<ContractInstance, number>();

  constructor(engine: ContractEngine, keys: EnclaveKeys, clusters: ClusterRole, logger?: Logger) {
    this.#engine = engine;
    this.#identity = keys.identity.publicKey;
    this.#clusters = clusters;
    this.#logger = logger;
  }

  register(router: MessageRouter): void {
    router.on("phala/contract", this);
    router.onBlockEnd(this);
    this.#clusters.onClusterKey = (cluster, block) => {
      for (const instance of this.#waiting) if (equalBytes(instance.cluster, cluster)) this.#drain(instance, block);
    };
  }

  /** The contract, if this worker has seen it run. */
  instance(contract: Uint8Array): ContractInstance | undefined {
    return this.#instances.get(byteKey(contract));
  }

  status(): ContractRunStatus[] {
    return [...this.#instances.values()].map((instance) => ({
      contract: toHex(instance.contract),
      cluster: toHex(instance.cluster),
      executed: instance.executed.toString(),
      waiting: instance.backlog.length,
      unavailable: instance.unavailable ?? null,
    }));
  }

  /** The contract's code, decoded once from verified chain state. */
  code(instance: ContractInstance, state: VerifiedStorage): string | undefined {
    if (instance.code === undefined) {
      const bytes = contractCode(state, instance.codeHash);
      if (bytes !== undefined) instance.code = new TextDecoder().decode(bytes);
    }
    return instance.code;
  }

  handle(message: Message, block: BlockContext): void {
    const match = COMMAND_TOPIC.exec(topicToString(message.destination));
    if (match === null || message.sender.type !== "AccountId") return;
    const caller = message.sender.value;
    const command = decodeExact(contractCommandCodec.dec, message.payload, "ContractCommand");
    const { contract, index } = command;
    const pending = pendingCommand(block.state, contract, index);
    const info = contractInfo(block.state, contract);
    if (
      toHex(contract).slice(2) !== match[1] ||
      pending === undefined ||
      info === undefined ||
      !equalBytes(pending.caller, caller) ||
      pending.gasLimit !== command.gasLimit
    ) {
      throw new ContractServiceError("COMMAND_NOT_QUEUED", "the chain did not queue this command from this caller", {
        contract: toHex(contract),
        index,
      });
    }
    const member = clusterInfo(block.state, info.cluster)?.workers.some((w) => equalBytes(w, this.#identity));
    let instance = this.instance(contract);
    if (!member) {
      if (instance !== undefined && instance.unavailable === undefined) {
        this.#giveUp(instance, `this worker left the contract's cluster before command ${index}`);
      }
      return;
    }
    if (instance === undefined) {
      instance = new ContractInstance({
        contract,
        cluster: info.cluster,
        codeHash: info.codeHash,
        nextIndex: index,
        unavailable: index === 0n ? undefined : `this worker joined the contract's cluster at command ${index}`,
      });
      this.#instances.set(byteKey(contract), instance);
    }
    if (instance.unavailable !== undefined) {
      instance.nextIndex = index + 1n;
      return;
    }
    if (index !== instance.nextIndex) {
      throw new ContractServiceError("COMMAND_OUT_OF_ORDER", "the command is not the contract's next one", {
        contract: toHex(contract),
        index,
        expected: instance.nextIndex,
      });
    }
    instance.nextIndex = index + 1n;
    const queued: QueuedCommand = {
      command,
      caller,
      block: { number: block.number, hash: block.hash, timestamp: block.timestamp },
    };
    instance.backlog.push(queued);
    this.#drain(instance, block);
  }

  endBlock(block: BlockContext): void {
    for (const instance of this.#waiting) this.#drain(instance, block);
    const me = workerOrigin(this.#identity);
    for (const instance of this.#touched) {
      instance.closeReplies();
      const index = instance.executed - 1n;
      const report = { contract: instance.contract, index, stateRoot: instance.stateRoot() };
      block.egress.push(me, STATE_ROOT_TOPIC, stateRootReportCodec.enc(report));
    }
    this.#touched.clear();
  }

  pending(state: VerifiedStorage | undefined): SignedMessage[] {
    if (state === undefined) return [];
    const out: SignedMessage[] = [];
    for (const instance of this.#instances.values()) {
      if (instance.outbox.dueCount === 0) continue;
      const secrets = this.#clusters.contractSecrets(instance.cluster, instance.contract);
      if (secrets === undefined) continue;
      // The chain refuses the replies (BadSender) until the cluster's publication of the contract's
      // key lands, which a worker runs the init command before: hold them until then.
      const published = contractKeys(state, instance.contract)?.pubkey;
      if (published === undefined || !equalBytes(published, secrets.identity.publicKey)) continue;
      out.push(
        ...instance.outbox.pending(state, secrets.identity, ({ work }) => ({
          destination: COMMAND_REPLIES_TOPIC,
          payload: work,
        })),
      );
    }
    return out;
  }

  purge(state: VerifiedStorage): void {
    for (const instance of this.#instances.values()) if (instance.outbox.dueCount > 0) instance.outbox.purge(state);
  }

  saveState(): Uint8Array {
    return savedInstancesCodec.enc([...this.#instances.values()].map((instance) => instance.save()));
  }

  loadState(bytes: Uint8Array): void {
    const saved = decodeExact(savedInstancesCodec.dec, bytes, "ContractRunnerState");
    this.#instances.clear();
    this.#waiting.clear();
    this.#touched.clear();
    for (const entry of saved) {
      const instance = ContractInstance.load(entry);
      this.#instances.set(byteKey(instance.contract), instance);
      if (instance.backlog.length > 0) this.#waiting.add(instance);
    }
  }

  /** Runs the instance's waiting commands in order, as far as the keys and the engine allow. */
  #drain(instance: ContractInstance, block: BlockContext): void {
    const keys = this.#commandKeys(instance);
    if (keys === undefined || this.code(instance, block.state) === undefined) {
      if (instance.backlog.length > MAX_BACKLOG) {
        this.#giveUp(instance, `more than ${MAX_BACKLOG} commands came before this worker held the cluster's key`);
      } else {
        this.#waiting.add(instance);
      }
      return;
    }
    while (instance.backlog.length > 0) {
      const queued = instance.backlog[0]!;
      let reply: ReturnType<typeof runCommand>;
      try {
        reply = runCommand(this.#engine, instance, keys, queued);
      } catch (error) {
        if (error instanceof ContractError && error.code === "CONTRACT_ENGINE_UNAVAILABLE") {
          // Reloading after a fault: not this command's doing; it runs once the engine is back.
          this.#waiting.add(instance);
          return;
        }
        this.#fault(instance, queued, error);
        return;
      }
      instance.backlog.shift();
      this.#faults.delete(instance);
      instance.replied(queued.block.number, reply);
      this.#touched.add(instance);
    }
    this.#waiting.delete(instance);
  }

  #commandKeys(instance: ContractInstance): CommandKeys | undefined {
    const cluster = this.#clusters.clusterKeypairs(instance.cluster);
    const contract = this.#clusters.contractSecrets(instance.cluster, instance.contract);
    return cluster === undefined || contract === undefined ? undefined : { cluster: cluster.ecdh, contract };
  }

  /** The engine itself failed (not the contract): retried at the next block, given up after a few. */
  #fault(instance: ContractInstance, queued: QueuedCommand, error: unknown): void {
    const faults = (this.#faults.get(instance) ?? 0) + 1;
    this.#faults.set(instance, faults);
    this.#logger?.error(
      { contract: toHex(instance.contract), index: queued.command.index, faults, err: error },
      "the contract engine failed on a command",
    );
    if (faults >= MAX_FAULTS) {
      this.#giveUp(instance, `the contract engine failed ${faults} times on command ${queued.command.index}`);
    } else {
      this.#waiting.add(instance);
    }
  }

  #giveUp(instance: ContractInstance, reason: string): void {
    instance.unavailable = reason;
    instance.backlog = [];
    instance.dropReplies();
    this.#waiting.delete(instance);
    this.#faults.delete(instance);
    this.#logger?.warn({ contract: toHex(instance.contract), reason }, "this worker no longer runs the contract");
  }
}
