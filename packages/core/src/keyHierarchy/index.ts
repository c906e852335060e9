export type { ClusterInfo, ClusterPermission, ContractInfo, PendingCommand } from "./chainRecords.js";
export {
  clusterIdFromIndex,
  clusterInfoCodec,
  clusterInfoKey,
  clusterKeysKey,
  clusterPermissionCodec,
  contractCodeKey,
  contractInfoCodec,
  contractInfoKey,
  contractKeysKey,
  gatekeeperListCodec,
  KEY_HIERARCHY_STORAGE,
  launchPendingCodec,
  masterPubkeyCodec,
  pendingCommandCodec,
  pendingCommandKey,
  rotationCounterCodec,
  rotationLockCodec,
} from "./chainRecords.js";
export type {
  ClusterEvent,
  ClusterKeyShare,
  ClusterKeysPublication,
  ContractKeysPublication,
} from "./clusterMessages.js";
export {
  CLUSTER_EVENT_TOPIC,
  CLUSTER_KEY_SHARE_TOPIC,
  CLUSTER_KEYS_TOPIC,
  CONTRACT_KEYS_TOPIC,
  clusterEventCodec,
  clusterKeyShareCodec,
  clusterKeysPublicationCodec,
  contractKeysPublicationCodec,
} from "./clusterMessages.js";
export type { DerivedKeypairs, PublicKeys } from "./derivedKeys.js";
export { keypairsFromSeed, publicKeysFromSeed } from "./derivedKeys.js";
export type { DeterministicSealOptions } from "./deterministicEnvelope.js";
export { sealDeterministicEnvelope } from "./deterministicEnvelope.js";
export type {
  GatekeeperEvent,
  KeyShare,
  MasterKeyEntry,
  MasterKeyLaunch,
  MasterKeyRotation,
  WorkerKeys,
} from "./gatekeeperMessages.js";
export {
  CLUSTER_KEY_PURPOSE,
  GATEKEEPER_EVENT_TOPIC,
  gatekeeperEventCodec,
  keyShareCodec,
  MASTER_KEY_HISTORY_PURPOSE,
  MASTER_KEY_LAUNCH_TOPIC,
  MASTER_KEY_PURPOSE,
  MASTER_KEY_ROTATION_TOPIC,
  MASTER_KEY_SHARE_TOPIC,
  masterKeyHistoryCodec,
  masterKeyLaunchCodec,
  masterKeyRotationCodec,
  publicKeysCodec,
  workerKeysCodec,
} from "./gatekeeperMessages.js";
