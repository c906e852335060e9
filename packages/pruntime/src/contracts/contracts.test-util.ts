import { randomBytes } from "node:crypto";
import type { ContractEngine } from "@phala-ts/contracts";
import {
  accountOrigin,
  blake2_256,
  CLUSTER_KEY_PURPOSE,
  CLUSTER_KEY_SHARE_TOPIC,
  COMMAND_REPLIES_TOPIC,
  type CommandReply,
  type CommandReplyBody,
  type ContractCommand,
  clusterIdFromIndex,
  clusterInfoCodec,
  clusterInfoKey,
  clusterKeyShareCodec,
  clusterKeysKey,
  commandRepliesCodec,
  contractCodeKey,
  contractCommandCodec,
  contractCommandTopic,
  contractInfoCodec,
  contractInfoKey,
  contractKeySeed,
  contractKeysKey,
  decodeExact,
  encodeEnvelope,
  equalBytes,
  gatekeeperOrigin,
  type Message,
  openCommandReply,
  type PublicKeys,
  pendingCommandCodec,
  pendingCommandKey,
  publicKeysCodec,
  publicKeysFromSeed,
  type SealedCommand,
  type SignedMessage,
  STATE_ROOT_TOPIC,
  type StateRootReport,
  sealContractCommand,
  sealEnvelope,
  signedMessageCodec,
  stateRootReportCodec,
  toHex,
  utf8,
  workerOrigin,
} from "@phala-ts/core";
import { Bytes, u64 } from "@polkadot-api/substrate-bindings";
import { expect } from "vitest";
import { offchainIngressKey, type VerifiedStorage } from "../chain/chainStorage.js";
import { EgressQueue } from "../dispatch/egressQueue.js";
import { type BlockContext, MessageRouter } from "../dispatch/messageRouter.js";
import { KeyHierarchyHandler } from "../keyHierarchy/keyHierarchyHandler.js";
import { EnclaveKeys } from "../keys/enclaveKeys.js";
import { ContractRunner } from "./contractRunner.js";

/** What the tests' contracts are given unless a test says otherwise. */
export const GAS_LIMIT = 5_000_000n;

/** The chain state pRuntime reads for contracts, written with core's storage keys and codecs. */
export class ChainState implements VerifiedStorage {
  readonly #entries = new Map<string, Uint8Array>();

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#entries.get(toHex(key));
  }
  set(key: Uint8Array, value: Uint8Array): void {
    this.#entries.set(toHex(key), value);
  }
  delete(key: Uint8Array): void {
    this.#entries.delete(toHex(key));
  }
  cluster(id: Uint8Array, workers: readonly Uint8Array[]): void {
    this.set(
      clusterInfoKey(id),
      clusterInfoCodec.enc({
        permission: { type: "Public", value: undefined },
        workers: [...workers],
        masterRotationId: 0n,
      }),
    );
  }
  clusterKeys(id: Uint8Array, keys: PublicKeys): void {
    this.set(clusterKeysKey(id), publicKeysCodec.enc(keys));
  }
  /** The cluster's publication of a contract's keys landed (undefined: not yet). */
  contractKeys(id: Uint8Array, keys: PublicKeys | undefined): void {
    if (keys === undefined) this.delete(contractKeysKey(id));
    else this.set(contractKeysKey(id), publicKeysCodec.enc(keys));
  }
  /** Uploads code; answers its hash. */
  code(code: string): Uint8Array {
    const bytes = utf8(code);
    const codeHash = blake2_256(bytes);
    this.set(contractCodeKey(codeHash), Bytes().enc(bytes));
    return codeHash;
  }
  contract(contract: Uint8Array, info: { deployer: Uint8Array; codeHash: Uint8Array; cluster: Uint8Array }): void {
    this.set(contractInfoKey(contract), contractInfoCodec.enc({ ...info, salt: new Uint8Array() }));
  }
  pendingCommand(contract: Uint8Array, index: bigint, caller: Uint8Array, gasLimit: bigint): void {
    this.set(
      pendingCommandKey(contract, index),
      pendingCommandCodec.enc({ caller, gasLimit, deposit: gasLimit * 10n }),
    );
  }
  /** The chain took every message of `origin` below `next`. */
  ingress(origin: Parameters<typeof offchainIngressKey>[0], next: bigint): void {
    this.set(offchainIngressKey(origin), u64.enc(next));
  }
}

/** One pRuntime's contract side: its keys, key hierarchy, runner and egress, wired as PRuntime wires them. */
export class Worker {
  readonly keys: EnclaveKeys;
  readonly keyHierarchy: KeyHierarchyHandler;
  readonly runner: ContractRunner;
  readonly egress = new EgressQueue();
  readonly router = new MessageRouter();

  constructor(engine: ContractEngine, keys = EnclaveKeys.generate()) {
    this.keys = keys;
    this.keyHierarchy = new KeyHierarchyHandler(keys);
    this.runner = new ContractRunner(engine, keys, this.keyHierarchy.clusters);
    this.egress.addSender(workerOrigin(keys.identity.publicKey), keys.identity, 0n);
    this.keyHierarchy.register(this.router);
    this.runner.register(this.router);
    this.egress.addSource(this.keyHierarchy);
    this.egress.addSource(this.runner);
  }

  get id(): Uint8Array {
    return this.keys.identity.publicKey;
  }

  /** The same enclave restarted from a checkpoint of its handlers (its queued egress starts empty). */
  restarted(engine: ContractEngine): Worker {
    const restored = new Worker(engine, this.keys);
    restored.keyHierarchy.loadState(this.keyHierarchy.saveState());
    restored.runner.loadState(this.runner.saveState());
    return restored;
  }

  handle(message: Message, block: BlockContext): void {
    this.router.handlerFor(message)?.handle(message, block);
  }
}

/** A command as the chain queued it, and the caller's key to its reply. */
export interface Sent {
  readonly contract: Uint8Array;
  readonly index: bigint;
  readonly message: Message;
  readonly sealed: SealedCommand;
}

export interface SendOptions {
  readonly gasLimit?: bigint;
  /** The key the input is sealed to (default: the cluster's for init, the contract's otherwise). */
  readonly sealTo?: Uint8Array;
  /** Another envelope than the sealed input (the reply key stays the sealed input's). */
  readonly envelope?: (sealed: SealedCommand) => Uint8Array;
  /** Do not write the chain's PendingCommands record. */
  readonly unqueued?: boolean;
}

/**
 * A chain and the workers that dispatch its messages: one cluster whose key the test hands out
 * (as the Gatekeeper origin would), contracts instantiated and called through fake chain state.
 */
export class ContractNet {
  readonly state = new ChainState();
  readonly cluster = clusterIdFromIndex(0n);
  readonly clusterSeed = new Uint8Array(randomBytes(32));
  readonly clusterKeys = publicKeysFromSeed(this.clusterSeed);
  readonly workers: Worker[];
  number = 1;
  readonly #nextIndex = new Map<string, bigint>();

  constructor(workers: Worker[], members: readonly Worker[] = workers) {
    this.workers = workers;
    this.state.cluster(
      this.cluster,
      members.map((w) => w.id),
    );
    this.state.clusterKeys(this.cluster, this.clusterKeys);
  }

  context(worker: Worker): BlockContext {
    return {
      number: this.number,
      hash: blake2_256(u64.enc(BigInt(this.number))),
      timestamp: 1_700_000_000_000n + BigInt(this.number) * 6000n,
      state: this.state,
      egress: worker.egress,
    };
  }

  deliver(message: Message, to: readonly Worker[] = this.workers): void {
    for (const worker of to) worker.handle(message, this.context(worker));
  }

  /** The block's end for `to`; the next block begins. */
  endBlock(to: readonly Worker[] = this.workers): void {
    for (const worker of to) {
      for (const observer of worker.router.blockEndObservers) observer.endBlock(this.context(worker));
    }
    this.number += 1;
  }

  /** Seals the cluster key to the worker, as the Gatekeeper origin sends it, and delivers it. */
  shareClusterKey(worker: Worker): void {
    const envelope = encodeEnvelope(
      sealEnvelope({
        recipientPublic: worker.keys.ecdh.publicKey,
        purpose: CLUSTER_KEY_PURPOSE,
        plaintext: this.clusterSeed,
      }),
    );
    const payload = clusterKeyShareCodec.enc({ cluster: this.cluster, share: { recipient: worker.id, envelope } });
    this.deliver({ sender: gatekeeperOrigin(), destination: CLUSTER_KEY_SHARE_TOPIC, payload }, [worker]);
  }

  /** The contract's keys, as the cluster derives them and publishes their public halves. */
  contractKeys(contract: Uint8Array): PublicKeys {
    return publicKeysFromSeed(contractKeySeed(this.clusterSeed, contract));
  }

  /** Uploads the code and instantiates it (command 0, queued, not delivered; the contract's keys published). */
  instantiate(code: string, deployer: Uint8Array, args: unknown, options: SendOptions = {}): Sent {
    const codeHash = this.state.code(code);
    const contract = new Uint8Array(randomBytes(32));
    this.state.contract(contract, { deployer, codeHash, cluster: this.cluster });
    this.state.contractKeys(contract, this.contractKeys(contract));
    return this.#send("init", contract, deployer, args, options);
  }

  /** Queues the contract's next command from `caller` (not delivered). */
  command(contract: Uint8Array, caller: Uint8Array, input: unknown, options: SendOptions = {}): Sent {
    return this.#send("command", contract, caller, input, options);
  }

  /** Opens a reply as its caller does, checking that the contract's key sealed it. */
  open(reply: CommandReply, sent: Sent): CommandReplyBody {
    return openCommandReply(reply.sealedReply, sent.sealed.replyKey, this.contractKeys(sent.contract).ecdhPubkey);
  }

  /** The command replies `worker` owes, decoded, each with the CommandReplies message that carries it. */
  replies(worker: Worker): { signed: SignedMessage; reply: ContractReply }[] {
    return worker.egress
      .pending(this.state)
      .filter((m) => equalBytes(m.message.destination, COMMAND_REPLIES_TOPIC))
      .flatMap((signed) => {
        const { contract, replies } = decodeExact(commandRepliesCodec.dec, signed.message.payload, "CommandReplies");
        return replies.map((reply) => ({ signed, reply: { contract, ...reply } }));
      });
  }

  /** The state roots `worker` reported, with the origin they came from. */
  stateRoots(worker: Worker): { signed: SignedMessage; report: StateRootReport }[] {
    return worker.egress
      .pending(this.state)
      .filter((m) => equalBytes(m.message.destination, STATE_ROOT_TOPIC))
      .map((signed) => ({ signed, report: stateRootReportCodec.dec(signed.message.payload) }));
  }

  #send(kind: "init" | "command", contract: Uint8Array, caller: Uint8Array, input: unknown, options: SendOptions) {
    const key = toHex(contract);
    const index = this.#nextIndex.get(key) ?? 0n;
    this.#nextIndex.set(key, index + 1n);
    const gasLimit = options.gasLimit ?? GAS_LIMIT;
    const recipient =
      options.sealTo ?? (kind === "init" ? this.clusterKeys.ecdhPubkey : this.contractKeys(contract).ecdhPubkey);
    const sealed = sealContractCommand(kind, recipient, input);
    const command: ContractCommand = {
      contract,
      index,
      gasLimit,
      envelope: options.envelope?.(sealed) ?? sealed.envelope,
    };
    if (!options.unqueued) this.state.pendingCommand(contract, index, caller, gasLimit);
    return { contract, index, sealed, message: commandMessage(caller, command) };
  }
}

/** A command message as the chain queues it: from the caller's account, on the contract's command topic. */
export function commandMessage(
  caller: Uint8Array,
  command: ContractCommand,
  topicContract = command.contract,
): Message {
  return {
    sender: accountOrigin(caller),
    destination: contractCommandTopic(topicContract),
    payload: contractCommandCodec.enc(command),
  };
}

export const encodeSigned = (m: SignedMessage): string => toHex(signedMessageCodec.enc(m));

/** A reply with the contract it is for. */
export type ContractReply = CommandReply & { readonly contract: Uint8Array };

/** Every worker owes byte-identical replies; answers them decoded. */
export function sameReplies(net: ContractNet, workers: readonly Worker[] = net.workers): ContractReply[] {
  const [first, ...others] = workers.map((w) => net.replies(w));
  for (const other of others)
    expect(other!.map((r) => encodeSigned(r.signed))).toEqual(first!.map((r) => encodeSigned(r.signed)));
  return first!.map((r) => r.reply);
}
