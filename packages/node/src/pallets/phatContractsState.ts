import {
  MAX_REPLY_BYTES as CORE_MAX_REPLY_BYTES,
  clusterInfoCodec,
  clusterPermissionCodec,
  contractInfoCodec,
  MAX_REPLIES_PER_MESSAGE,
  publicKeysCodec,
} from "@phala-ts/core";
import type { ExecutionContext } from "../runtime/context.js";
import { PalletErrors } from "../runtime/dispatchError.js";
import { bindStorage } from "../runtime/pallet.js";
import { AccountId32, H256, type TypeOf, t } from "../runtime/scaleType.js";
import { storageMap, storageValue } from "../runtime/storageItem.js";
import { MessageOriginType } from "./mq.js";
import { PALLET_INDEX } from "./palletIndices.js";
import { WorkerPublicKey } from "./registryState.js";

/**
 * PhalaPhatContracts' types, constants, storage, errors and events: shared by clusters, code and
 * keys (phatContracts.ts) and contract commands, gas and state roots (phatCommands.ts), which are
 * one pallet.
 */

export const ClusterId = t.named(["phala_types", "contract", "ContractClusterId"], t.fixed(32));
export const ContractId = t.named(["phala_types", "contract", "ContractId"], t.fixed(32));

export const ClusterPermissionType = t.withCodec(
  clusterPermissionCodec,
  t.variant(["phala_types", "contract", "ClusterPermission"], { Public: [0], OnlyOwners: [1, t.vec(AccountId32)] }),
);

const ClusterInfoType = t.withCodec(
  clusterInfoCodec,
  t.struct(["phala_pallets", "phat", "ClusterInfo"], {
    permission: ClusterPermissionType,
    workers: t.vec(WorkerPublicKey),
    masterRotationId: t.u64,
  }),
);

const PublicKeysType = t.withCodec(
  publicKeysCodec,
  t.struct(["phala_pallets", "phat", "PublicKeys"], { pubkey: t.fixed(32), ecdhPubkey: t.fixed(32) }),
);

const ContractInfoType = t.withCodec(
  contractInfoCodec,
  t.struct(["phala_pallets", "phat", "ContractInfo"], {
    deployer: AccountId32,
    codeHash: H256,
    cluster: ClusterId,
    salt: t.bytes,
  }),
);

/** A command the chain queued and its cluster has not answered yet: who pays, and how much at most. */
const PendingCommandType = t.struct(["phala_pallets", "phat", "PendingCommand"], {
  caller: AccountId32,
  gasLimit: t.u64,
  /** Reserved from the caller when the command was pushed; unreserved when the reply comes. */
  deposit: t.u128,
});
export type PendingCommand = TypeOf<typeof PendingCommandType>;

const StateRootRecordType = t.struct(["phala_pallets", "phat", "StateRootRecord"], {
  index: t.u64,
  stateRoot: H256,
  reporter: WorkerPublicKey,
});

/** The largest contract code `upload_code` takes. */
export const MAX_CODE_SIZE = 512 * 1024;
/** The longest salt `instantiate` takes. */
export const MAX_SALT_LENGTH = 128;
/**
 * The largest sealed command (`push_command`'s payload, `instantiate`'s args): 60 KiB, so that
 * the queued `ContractCommand` stays under the mq's 64 KiB payload limit.
 */
export const MAX_COMMAND_BYTES = 60 * 1024;
/** The largest sealed reply a cluster may report for a command; a larger one is refused. */
export const MAX_REPLY_BYTES = CORE_MAX_REPLY_BYTES;
/** The most gas one command may ask for. */
export const MAX_GAS_PER_COMMAND = 2_000_000_000n;
/**
 * The price of one unit of gas, in the smallest balance unit (10^-12 PHA): 10, so a command at
 * MAX_GAS_PER_COMMAND costs at most 0.02 PHA and one of ten million gas 0.0001 PHA. It matches
 * TransactionPayment's weight fee (one unit per nanosecond) for gas of about ten nanoseconds.
 */
export const GAS_PRICE = 10n;

/** The pallet's constants, as metadata publishes them. */
export const phatConstants = {
  MaxCodeSize: { type: t.u32, value: MAX_CODE_SIZE, docs: "The largest code upload_code takes." },
  MaxSaltLength: { type: t.u32, value: MAX_SALT_LENGTH, docs: "The longest salt instantiate takes." },
  MaxCommandBytes: {
    type: t.u32,
    value: MAX_COMMAND_BYTES,
    docs: "The longest sealed command push_command takes, and the longest sealed init args instantiate takes.",
  },
  MaxReplyBytes: {
    type: t.u32,
    value: MAX_REPLY_BYTES,
    docs: "The longest sealed reply a cluster may report for a command.",
  },
  MaxRepliesPerMessage: {
    type: t.u32,
    value: MAX_REPLIES_PER_MESSAGE,
    docs: "The most replies one CommandReplies message from a contract's cluster may carry.",
  },
  MaxGasPerCommand: { type: t.u64, value: MAX_GAS_PER_COMMAND, docs: "The most gas one command may ask for." },
  GasPrice: {
    type: t.u128,
    value: GAS_PRICE,
    docs: "The price of one unit of gas in the smallest balance unit; a command's deposit covers its gas limit.",
  },
} as const;

const storage = bindStorage("PhalaPhatContracts", {
  ClusterCounter: storageValue(t.u64, {
    default: 0n,
    docs: "How many clusters were created: the next cluster's id is this number as 32 big-endian bytes.",
  }),
  Clusters: storageMap("Twox64Concat", ClusterId, ClusterInfoType, {
    docs: "Each cluster's deploy permission, workers, and the master key rotation its key derives from.",
  }),
  ClusterKeys: storageMap("Twox64Concat", ClusterId, PublicKeysType, {
    docs: "Each cluster's public keys, published by the gatekeepers: what Cluster-origin messages are signed by.",
  }),
  Code: storageMap("Identity", H256, t.bytes, {
    docs: "Uploaded contract code by its blake2-256 hash.",
  }),
  Contracts: storageMap("Twox64Concat", ContractId, ContractInfoType, {
    docs: "Each contract's deployer, code, cluster and salt.",
  }),
  ContractKeys: storageMap("Twox64Concat", ContractId, PublicKeysType, {
    docs: "Each contract's public keys, published by its cluster: what Contract-origin messages are signed by.",
  }),
  CommandCounter: storageMap("Twox64Concat", ContractId, t.u64, {
    default: 0n,
    docs: "Each contract's next command index; index 0 is its instantiation.",
  }),
  PendingCommands: storageMap("Twox64Concat", t.tuple(ContractId, t.u64), PendingCommandType, {
    docs: "Commands queued and not answered yet, by (contract, index): the caller, its gas limit and its deposit.",
  }),
  StateRoots: storageMap("Twox64Concat", ContractId, StateRootRecordType, {
    docs: "The state root of each contract at the newest command index a worker of its cluster reported.",
  }),
  Diverged: storageMap("Twox64Concat", ContractId, t.u64, {
    docs: "The command index at which two workers of a contract's cluster last reported different state roots.",
  }),
});

export const phatErrors = new PalletErrors("PhalaPhatContracts", PALLET_INDEX.PhalaPhatContracts, [
  "MasterKeyNotReady",
  "WorkerNotRegistered",
  "DuplicateWorker",
  "ClusterNotFound",
  "WorkerAlreadyInCluster",
  "WorkerNotInCluster",
  "CodeTooLarge",
  "CodeAlreadyUploaded",
  "CodeNotFound",
  "ClusterKeysNotReady",
  "SaltTooLong",
  "NoDeployPermission",
  "ContractAlreadyExists",
  "ContractNotFound",
  "ContractKeysNotReady",
  "CommandTooLarge",
  "GasLimitTooHigh",
  "InsufficientDeposit",
]);

const KeysRefusal = t.variant(["phala_pallets", "phat", "KeysRefusal"], {
  /** The payload is not exactly a publication. */
  Malformed: [0],
  /** Cluster keys come from the Gatekeeper origin, contract keys from their cluster's origin. */
  WrongSender: [1],
  /** No such cluster or contract. */
  NotFound: [2],
  /** The contract belongs to another cluster than the sender. */
  WrongCluster: [3],
  /** Its keys are published already. */
  AlreadyPublished: [4],
});
export type KeysRefusal = TypeOf<typeof KeysRefusal>["type"];

const CommandReplyRefusal = t.variant(["phala_pallets", "phat", "CommandReplyRefusal"], {
  /** The payload is not exactly a CommandReplies of 1 to MAX_REPLIES_PER_MESSAGE replies (index 0 in the event). */
  Malformed: [0],
  /** Replies come from the contract's own origin, `Contract(id)` (index 0 in the event, for all of them). */
  WrongSender: [1],
  /** No such command is waiting for its reply (never pushed, or answered already). */
  UnknownCommand: [2],
  /** The sealed reply is longer than MaxReplyBytes. */
  TooLarge: [3],
});
export type CommandReplyRefusal = TypeOf<typeof CommandReplyRefusal>["type"];

const StateRootRefusal = t.variant(["phala_pallets", "phat", "StateRootRefusal"], {
  /** The payload is not exactly a StateRootReport. */
  Malformed: [0],
  /** Reports come from a worker's origin, `Worker(pubkey)`. */
  WrongSender: [1],
  /** No such contract. */
  NotFound: [2],
  /** The worker is not (or no longer) a worker of the contract's cluster. */
  NotInCluster: [3],
  /** A root for a newer command index is recorded already. */
  Late: [4],
  /** No command with this index was pushed yet. */
  UnknownCommand: [5],
});
export type StateRootRefusal = TypeOf<typeof StateRootRefusal>["type"];

const events = t.variant(["phala_pallets", "phat", "Event"], {
  ClusterCreated: [0, { cluster: ClusterId }],
  WorkerAddedToCluster: [1, { cluster: ClusterId, worker: WorkerPublicKey }],
  WorkerRemovedFromCluster: [2, { cluster: ClusterId, worker: WorkerPublicKey }],
  CodeUploaded: [3, { codeHash: H256, uploader: AccountId32 }],
  ContractInstantiated: [4, { contract: ContractId, cluster: ClusterId, deployer: AccountId32, codeHash: H256 }],
  ClusterKeysPublished: [5, { cluster: ClusterId, pubkey: t.fixed(32) }],
  ClusterKeysRefused: [6, { cluster: ClusterId, reason: KeysRefusal }],
  ContractKeysPublished: [7, { contract: ContractId, pubkey: t.fixed(32) }],
  ContractKeysRefused: [8, { contract: ContractId, reason: KeysRefusal }],
  /** A command was queued for the contract's cluster (index 0: the instantiation). */
  CommandPushed: [9, { contract: ContractId, index: t.u64, caller: AccountId32 }],
  /** The cluster reported a command: the deposit went back to the caller and `fee` was burned. */
  CommandExecuted: [10, { contract: ContractId, index: t.u64, succeeded: t.bool, gasUsed: t.u64, fee: t.u128 }],
  /** A command's output or failure reason, sealed to its caller: only the caller can open it. */
  CommandReplySealed: [11, { contract: ContractId, index: t.u64, caller: AccountId32, sealedReply: t.bytes }],
  CommandReplyRefused: [12, { contract: ContractId, index: t.u64, reason: CommandReplyRefusal }],
  /** The first root reported for a newer command index than the one recorded. */
  StateRootReported: [13, { contract: ContractId, index: t.u64, stateRoot: H256, worker: WorkerPublicKey }],
  /** Another worker reported the recorded root for the recorded index. */
  StateRootConfirmed: [14, { contract: ContractId, index: t.u64, worker: WorkerPublicKey }],
  /** A worker reported another root than the recorded one for the same index. */
  StateRootDiverged: [
    15,
    { contract: ContractId, index: t.u64, expected: H256, reported: H256, worker: WorkerPublicKey },
  ],
  StateRootRefused: [16, { contract: ContractId, index: t.u64, sender: MessageOriginType, reason: StateRootRefusal }],
});
export const phatEvents = events;
export type PhatContractsEvent = TypeOf<typeof events>;

/** A refusal reason as its event carries it. */
export const reasonOf = <R extends string>(reason: R) => ({ type: reason, value: undefined });

export function depositPhatEvent(exec: ExecutionContext, event: PhatContractsEvent): void {
  exec.deposit("PhalaPhatContracts", event);
}

export const phatContractsStorage = storage;
