// The devnet launcher as a library: `startDevnet` (or `DevnetSupervisor` for control before it
// is ready), what it reports, and its errors.
export type { ChildExecArgv } from "./childExecArgv.js";
export type { DevnetErrorCode } from "./devnetError.js";
export { DevnetError } from "./devnetError.js";
export type { DevnetPaths, LogName, PRuntimeName, ProcessName } from "./devnetLayout.js";
export { devnetPaths } from "./devnetLayout.js";
export type { DevnetEvent, DevnetOptions } from "./devnetSupervisor.js";
export { DevnetSupervisor } from "./devnetSupervisor.js";
export type { Endowment } from "./genesisEndowments.js";
export type { ProgressReporter } from "./progressReporter.js";
export { plainProgress, silentProgress, ttyProgress } from "./progressReporter.js";
export type { DevnetSummary } from "./readyReport.js";
export type { Devnet } from "./startDevnet.js";
export { startDevnet } from "./startDevnet.js";
