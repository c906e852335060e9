import { type ChildProcess, execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

// From src/devnet or dist/devnet alike: the children always run the built CLI.
const PHALA_BIN = fileURLToPath(new URL("../../bin/phala.js", import.meta.url));
const EXIT_WITH_PARENT = new URL("../../dist/devnet/exitWithParent.js", import.meta.url).href;

/**
 * Starts `phala <args> --log-format json` in its own process group (a Ctrl-C in the terminal
 * reaches only the supervisor, which stops the children in order), with an IPC channel whose
 * closing tells the child its supervisor is gone. `execArgv`: Node.js flags for the child.
 */
export function spawnPhala(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  execArgv: readonly string[] = [],
): ChildProcess {
  const argv = [...execArgv, "--import", EXIT_WITH_PARENT, PHALA_BIN, ...args, "--log-format", "json"];
  return spawn(process.execPath, argv, {
    detached: true,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
}

/** Runs `phala <args>` to completion; resolves with its stdout, rejects with its stderr if it fails. */
export function runPhala(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [PHALA_BIN, ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`phala ${args.join(" ")} failed: ${stderr.trim() || error.message}`));
    });
  });
}
