export type { RuntimeInfo } from "./runtimeInfo.js";
export {
  decodeRuntimeInfo,
  encodeRuntimeInfo,
  RUNTIME_INFO_VERSION,
  runtimeInfoCodec,
  runtimeInfoReportData,
} from "./runtimeInfo.js";
export type { AttestationProvider, WorkerRecord } from "./workerRecord.js";
export { attestationProviderCodec, decodeWorkerRecord, workerRecordCodec, workerRecordKey } from "./workerRecord.js";
