import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const PHALA = fileURLToPath(new URL("../../packages/cli/bin/phala.js", import.meta.url));

export interface NodeProcess {
  readonly child: ChildProcess;
  /** The node's RPC address (`ws://`; the same port answers HTTP). */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * `phala node` as a child process on `specPath` and `basePath`, RPC on a free port; resolves once
 * it logs "ready". With `validator`, it authors and finalizes blocks as //Alice; without, it serves
 * the chain in its database. BENCH_NODE_PROFILE=<dir> writes a V8 CPU profile of the node there.
 */
export function startNode(
  specPath: string,
  basePath: string,
  { validator = true }: { validator?: boolean } = {},
): Promise<NodeProcess> {
  return spawnNode([
    "--chain",
    specPath,
    "--base-path",
    basePath,
    ...(validator ? ["--validator", "--key", "//Alice"] : []),
  ]);
}

/** `phala node <args> --rpc-port 0` (e.g. `["--dev"]`); resolves once it logs "ready". */
export async function spawnNode(args: readonly string[]): Promise<NodeProcess> {
  const profile = process.env["BENCH_NODE_PROFILE"];
  const nodeFlags = profile === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profile}`];
  const child = spawn(
    process.execPath,
    [...nodeFlags, PHALA, "node", ...args, "--rpc-port", "0", "--log-format", "json"],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = "";
    let wsUrl = "";
    // Read stderr to the end, so that a chatty node never blocks on a full pipe.
    child.stderr!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) {
        const record = JSON.parse(line) as { msg?: string; url?: string };
        if (record.msg?.startsWith("RPC listening")) wsUrl = record.url!;
        if (record.msg === "ready") resolve(wsUrl);
      }
    });
    child.once("exit", (code) => reject(new Error(`node exited with ${code}`)));
  });
  return {
    child,
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
