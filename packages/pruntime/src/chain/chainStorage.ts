import {
  type AuthorityList,
  type ClusterInfo,
  type ContractInfo,
  clusterInfoCodec,
  clusterInfoKey,
  clusterKeysKey,
  contractCodeKey,
  contractInfoCodec,
  contractInfoKey,
  contractKeysKey,
  decodeExact,
  encodeMessageOrigin,
  gatekeeperListCodec,
  KEY_HIERARCHY_STORAGE,
  type Message,
  type MessageOrigin,
  masterPubkeyCodec,
  messageCodec,
  type PendingCommand,
  type PublicKeys,
  pendingCommandCodec,
  pendingCommandKey,
  publicKeysCodec,
  storageKey,
  workerRecordKey,
} from "@phala-ts/core";
import { Bytes, type Decoder, Tuple, u64, Vector } from "@polkadot-api/substrate-bindings";

/** Anything pRuntime reads chain storage from: only ever state it verified against a header. */
export interface VerifiedStorage {
  get(key: Uint8Array): Uint8Array | undefined;
}

/**
 * The few chain storage items pRuntime reads, with the chain's own keys and layouts. pRuntime
 * does not import the node: these declarations are checked against a real node end to end.
 */
const KEYS = {
  authorities: storageKey("Session", "Authorities"),
  currentSetId: storageKey("Session", "CurrentSetId"),
  outboundMessages: storageKey("PhalaMq", "OutboundMessages"),
  timestampNow: storageKey("Timestamp", "Now"),
};

const authorityListDecoder = Vector(Tuple(Bytes(32), u64)).dec;
const messagesDecoder = Vector(messageCodec).dec;

function read<T>(state: VerifiedStorage, key: Uint8Array, decoder: Decoder<T>, fallback: T, what: string): T {
  const raw = state.get(key);
  return raw === undefined ? fallback : decodeExact(decoder, raw, what);
}

export function sessionAuthorities(state: VerifiedStorage): AuthorityList {
  return read(state, KEYS.authorities, authorityListDecoder, [], "Session.Authorities");
}

export function sessionSetId(state: VerifiedStorage): bigint {
  return read(state, KEYS.currentSetId, u64.dec, 0n, "Session.CurrentSetId");
}

/** The messages the chain queued in the block whose state this is. */
export function outboundMessages(state: VerifiedStorage): Message[] {
  return read(state, KEYS.outboundMessages, messagesDecoder, [], "PhalaMq.OutboundMessages");
}

export function offchainIngressKey(sender: MessageOrigin): Uint8Array {
  return storageKey("PhalaMq", "OffchainIngress", ["Blake2_128Concat", encodeMessageOrigin(sender)]);
}

/** The next sequence the chain will accept from the sender whose `offchainIngressKey` this is. */
export function offchainIngressAt(state: VerifiedStorage, key: Uint8Array): bigint {
  return read(state, key, u64.dec, 0n, "PhalaMq.OffchainIngress");
}

/** The block's time in milliseconds (`Timestamp.Now`), 0 at genesis. */
export function timestampNow(state: VerifiedStorage): bigint {
  return read(state, KEYS.timestampNow, u64.dec, 0n, "Timestamp.Now");
}

/** Whether the chain has a registration record for this worker (`PhalaRegistry.Workers`). */
export function isWorkerRegistered(state: VerifiedStorage, identityPublicKey: Uint8Array): boolean {
  return state.get(workerRecordKey(identityPublicKey)) !== undefined;
}

/** `PhalaRegistry.Gatekeepers`: the workers acting as gatekeepers. */
export function gatekeepers(state: VerifiedStorage): Uint8Array[] {
  return read(state, KEY_HIERARCHY_STORAGE.gatekeepers, gatekeeperListCodec.dec, [], "PhalaRegistry.Gatekeepers");
}

/** `PhalaRegistry.GatekeeperMasterPubkey`, once the master key was launched. */
export function masterPubkey(state: VerifiedStorage): Uint8Array | undefined {
  return read(state, KEY_HIERARCHY_STORAGE.masterPubkey, masterPubkeyCodec.dec, undefined, "GatekeeperMasterPubkey");
}

/**
 * A value decoded once per stored bytes: verified state hands out the same bytes object until the
 * value changes, and these are read for every contract command. The value is shared: callers
 * only read it.
 */
function readShared<T>(
  state: VerifiedStorage,
  key: Uint8Array,
  decoder: Decoder<T>,
  decoded: WeakMap<Uint8Array, T>,
  what: string,
): T | undefined {
  const raw = state.get(key);
  if (raw === undefined) return undefined;
  let value = decoded.get(raw);
  if (value === undefined) {
    value = decodeExact(decoder, raw, what);
    decoded.set(raw, value);
  }
  return value;
}

const decodedClusters = new WeakMap<Uint8Array, ClusterInfo>();
const decodedContracts = new WeakMap<Uint8Array, ContractInfo>();

export function clusterInfo(state: VerifiedStorage, cluster: Uint8Array): ClusterInfo | undefined {
  return readShared(
    state,
    clusterInfoKey(cluster),
    clusterInfoCodec.dec,
    decodedClusters,
    "PhalaPhatContracts.Clusters",
  );
}

/** The public keys the gatekeepers published for a cluster (`PhalaPhatContracts.ClusterKeys`). */
export function clusterKeys(state: VerifiedStorage, cluster: Uint8Array): PublicKeys | undefined {
  return read<PublicKeys | undefined>(
    state,
    clusterKeysKey(cluster),
    publicKeysCodec.dec,
    undefined,
    "PhalaPhatContracts.ClusterKeys",
  );
}

/** The public keys a contract's cluster published for it (`PhalaPhatContracts.ContractKeys`). */
export function contractKeys(state: VerifiedStorage, contract: Uint8Array): PublicKeys | undefined {
  return read<PublicKeys | undefined>(
    state,
    contractKeysKey(contract),
    publicKeysCodec.dec,
    undefined,
    "PhalaPhatContracts.ContractKeys",
  );
}

/** Who deployed which code to which cluster (`PhalaPhatContracts.Contracts`). */
export function contractInfo(state: VerifiedStorage, contract: Uint8Array): ContractInfo | undefined {
  return readShared(
    state,
    contractInfoKey(contract),
    contractInfoCodec.dec,
    decodedContracts,
    "PhalaPhatContracts.Contracts",
  );
}

/** Uploaded code (`PhalaPhatContracts.Code`): the bytes as stored, SCALE length prefix removed. */
export function contractCode(state: VerifiedStorage, codeHash: Uint8Array): Uint8Array | undefined {
  return read<Uint8Array | undefined>(
    state,
    contractCodeKey(codeHash),
    Bytes().dec,
    undefined,
    "PhalaPhatContracts.Code",
  );
}

/** A command the chain queued and its cluster has not answered (`PhalaPhatContracts.PendingCommands`). */
export function pendingCommand(
  state: VerifiedStorage,
  contract: Uint8Array,
  index: bigint,
): PendingCommand | undefined {
  return read<PendingCommand | undefined>(
    state,
    pendingCommandKey(contract, index),
    pendingCommandCodec.dec,
    undefined,
    "PhalaPhatContracts.PendingCommands",
  );
}
