/** A platform TCB level's status, as Intel's TCB info states it. */
export type TcbLevelStatus =
  | "UpToDate"
  | "SWHardeningNeeded"
  | "ConfigurationNeeded"
  | "ConfigurationAndSWHardeningNeeded"
  | "OutOfDate"
  | "OutOfDateConfigurationNeeded"
  | "Revoked";

/** The status of an enclave TCB level (QE identity, TDX module identity). */
export type EnclaveTcbStatus = "UpToDate" | "OutOfDate" | "Revoked";

/**
 * The status of verified evidence. `TDRelaunchAdvised*` are Intel QVL's results for a TDX 1.5 TD
 * that runs on an out-of-date TDX module while an up-to-date one is already loaded on the host.
 */
export type TcbStatus = TcbLevelStatus | "TDRelaunchAdvised" | "TDRelaunchAdvisedConfigurationNeeded";

export const TCB_LEVEL_STATUSES: readonly TcbLevelStatus[] = [
  "UpToDate",
  "SWHardeningNeeded",
  "ConfigurationNeeded",
  "ConfigurationAndSWHardeningNeeded",
  "OutOfDate",
  "OutOfDateConfigurationNeeded",
  "Revoked",
];

export const ENCLAVE_TCB_STATUSES: readonly EnclaveTcbStatus[] = ["UpToDate", "OutOfDate", "Revoked"];

/**
 * Folds an enclave's TCB status (the QE's, or the TDX module's) into the platform's as Intel's QVL
 * does (`convergeTcbStatusWithQeTcbStatus`, `convergeTcbStatusWithTdxModuleStatus`): an out-of-date
 * enclave makes an otherwise current platform out of date, keeping "configuration needed"; a
 * revoked enclave revokes everything.
 */
export function convergeTcbStatus(platform: TcbStatus, enclave: EnclaveTcbStatus): TcbStatus {
  if (enclave === "Revoked") return "Revoked";
  if (enclave === "OutOfDate") {
    if (platform === "UpToDate" || platform === "SWHardeningNeeded") return "OutOfDate";
    if (platform === "ConfigurationNeeded" || platform === "ConfigurationAndSWHardeningNeeded") {
      return "OutOfDateConfigurationNeeded";
    }
  }
  return platform;
}

export function isConfigurationNeeded(status: TcbStatus): boolean {
  return (
    status === "ConfigurationNeeded" ||
    status === "ConfigurationAndSWHardeningNeeded" ||
    status === "OutOfDateConfigurationNeeded" ||
    status === "TDRelaunchAdvisedConfigurationNeeded"
  );
}

/**
 * How much a verified TCB is trusted, 1 (best) to 5, as Phala's registry ranks it:
 * 1 UpToDate; 2 SWHardeningNeeded; 3 ConfigurationNeeded or ConfigurationAndSWHardeningNeeded whose
 * advisories are all in the caller's allowlist; 4 the same with any advisory outside it; 5 out of
 * date (OutOfDate, OutOfDateConfigurationNeeded, and the TD relaunch statuses, whose TD still runs
 * on the out-of-date module). Revoked evidence never gets this far.
 */
export type Confidence = 1 | 2 | 3 | 4 | 5;

/**
 * The confidence of a status. With the default empty allowlist, a "configuration needed" status is
 * 3 only if it carries no advisory at all, and 4 otherwise: every advisory must be allowed explicitly.
 */
export function confidenceOf(
  status: Exclude<TcbStatus, "Revoked">,
  advisoryIds: readonly string[],
  advisoryAllowlist: readonly string[] = [],
): Confidence {
  switch (status) {
    case "UpToDate":
      return 1;
    case "SWHardeningNeeded":
      return 2;
    case "ConfigurationNeeded":
    case "ConfigurationAndSWHardeningNeeded":
      return advisoryIds.every((id) => advisoryAllowlist.includes(id)) ? 3 : 4;
    case "OutOfDate":
    case "OutOfDateConfigurationNeeded":
    case "TDRelaunchAdvised":
    case "TDRelaunchAdvisedConfigurationNeeded":
      return 5;
  }
}
