import type { ProcessName } from "./devnetLayout.js";
import { type DevnetOptions, DevnetSupervisor } from "./devnetSupervisor.js";
import type { DevnetSummary } from "./readyReport.js";

/** A running devnet: its endpoints, and its children under supervision until `stop`. */
export interface Devnet extends DevnetSummary {
  /** Live pids by process (undefined while one is restarting). */
  pids(): Record<ProcessName, number | undefined>;
  /** Stops the pherries, the pRuntimes, then the node; the data stays for a resume. */
  stop(): Promise<void>;
  /** SIGKILL to every child at once. */
  kill(): void;
}

/**
 * Starts (or resumes) a devnet and resolves once it is ready: see `DevnetSupervisor`. A failure
 * stops whatever had started and rejects with a `DevnetError` (or the SDK's error of a stage).
 *
 *   const devnet = await startDevnet({ dataDir: "/tmp/net", rpcPort: 0, pruntimePort: 0 });
 *   devnet.node.ws; devnet.pruntimes.w1.url; devnet.contracts["private-token"];
 *   await devnet.stop();
 */
export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const supervisor = new DevnetSupervisor(options);
  const summary = await supervisor.start();
  return {
    ...summary,
    pids: () => supervisor.pids(),
    stop: () => supervisor.stop(),
    kill: () => supervisor.kill(),
  };
}
