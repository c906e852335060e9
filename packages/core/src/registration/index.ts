export type { RuntimeInfo } from "./runtimeInfo.js";
export {
  decodeRuntimeInfo,
  encodeRuntimeInfo,
  RUNTIME_INFO_VERSION,
  runtimeInfoCodec,
  runtimeInfoReportData,
} from "./runtimeInfo.js";
