/** The pRuntime release; reported by `/info`. */
export const PRUNTIME_VERSION = "0.1.0";
