import { DevnetError } from "./devnetError.js";
import { PROCESS_NAMES, type ProcessName } from "./devnetLayout.js";

/** Node.js flags for some of the children (`--cpu-prof`, `--max-old-space-size=…`), before the script. */
export type ChildExecArgv = Readonly<Partial<Record<ProcessName, readonly string[]>>>;

/** Refuses (`DEVNET_BAD_OPTION`) a key that is not a child's name, or a value that is not a list of flags. */
export function checkExecArgv(execArgv: ChildExecArgv): ChildExecArgv {
  for (const [name, flags] of Object.entries(execArgv)) {
    if (!(PROCESS_NAMES as readonly string[]).includes(name)) {
      throw new DevnetError("DEVNET_BAD_OPTION", `execArgv names ${name}, not one of ${PROCESS_NAMES.join(", ")}`, {
        process: name,
      });
    }
    if (!Array.isArray(flags) || !flags.every((flag) => typeof flag === "string" && /^--?[^-\s]/.test(flag))) {
      throw new DevnetError("DEVNET_BAD_OPTION", `execArgv.${name} must be a list of Node.js flags (--flag[=value])`, {
        process: name,
      });
    }
  }
  return execArgv;
}
