export type { BlockChanges, InitRequest, RuntimeInfoResponse, SyncHeaderRequest, SyncStatus } from "./operatorWire.js";
export {
  decodeOperatorBody,
  dispatchBlocksRequestCodec,
  initRequestCodec,
  runtimeInfoResponseCodec,
  syncHeaderRequestCodec,
  syncStatusCodec,
} from "./operatorWire.js";
export type { ClusterKeyStatus, ContractRunStatus, GatekeeperKeyStatus, PRuntimePublicInfo } from "./publicInfo.js";
