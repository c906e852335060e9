import { createServer } from "node:net";
import { join } from "node:path";
import type { PRuntimePublicInfo } from "@phala-ts/core";
import { type PhalaProcess, spawnPhala, spawnPRuntime } from "./nodeProcess.test-util.js";

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const infoOf = async (url: string): Promise<PRuntimePublicInfo> =>
  (await fetch(`${url}/info`)).json() as Promise<PRuntimePublicInfo>;

export function logged(process: PhalaProcess, pattern: RegExp): Record<string, unknown> | undefined {
  return process.logs.find((record) => pattern.test(String(record["msg"])));
}

/**
 * One worker: a pRuntime and its pherry (to a node, shared or not). The pRuntime's first start
 * takes a free port from the kernel (choosing one beforehand races with other tests); restarts
 * reuse it, so that its pherry keeps reaching it.
 */
export class WorkerProcesses {
  pruntime!: PhalaProcess;
  pherry!: PhalaProcess;
  readonly dataDir: string;
  /** Every process started, restarts included (their logs stay readable). */
  readonly processes: PhalaProcess[] = [];
  #port = 0;

  constructor(
    readonly dir: string,
    readonly nodeUrl: () => string,
    readonly operator = "//Bob",
  ) {
    this.dataDir = join(dir, "pruntime");
  }

  get pruntimeUrl(): string {
    if (this.#port === 0) throw new Error("the pRuntime has not been started");
    return `http://127.0.0.1:${this.#port}`;
  }

  async startPRuntime(): Promise<void> {
    this.pruntime = await this.#track(
      spawnPRuntime(["--data-dir", this.dataDir, "--port", String(this.#port), "--checkpoint-every", "25"]),
    );
    if (this.#port === 0) this.#port = Number(new URL(this.pruntime.url).port);
  }

  async startPherry(): Promise<void> {
    this.pherry = await this.#track(
      spawnPhala([
        "pherry",
        "--node",
        this.nodeUrl(),
        "--pruntime",
        this.pruntimeUrl,
        "--operator",
        this.operator,
        "--poll-interval",
        "50",
      ]),
    );
  }

  async #track(started: Promise<PhalaProcess>): Promise<PhalaProcess> {
    const process = await started;
    this.processes.push(process);
    return process;
  }

  info(): Promise<PRuntimePublicInfo> {
    return infoOf(this.pruntimeUrl);
  }

  async stop(): Promise<void> {
    await Promise.all([this.pherry?.stop(), this.pruntime?.stop()]);
  }
}
