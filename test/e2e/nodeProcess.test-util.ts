import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const PHALA = fileURLToPath(new URL("../../packages/cli/bin/phala.js", import.meta.url));

export interface NodeProcess {
  readonly child: ChildProcess;
  readonly wsUrl: string;
  readonly logs: Record<string, unknown>[];
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function tempBasePath(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), "phala-e2e-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Starts `phala node` as a real process with JSON logs; resolves once it logs "ready". */
export async function spawnNode(args: readonly string[]): Promise<NodeProcess> {
  const child = spawn(process.execPath, [PHALA, "node", "--rpc-port", "0", "--log-format", "json", ...args], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let buffer = "";
  let wsUrl: string | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf("\n");
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(line);
        } catch {
          continue;
        }
        logs.push(record);
        if (typeof record["msg"] === "string" && record["msg"].startsWith("RPC listening"))
          wsUrl = String(record["url"]);
        if (record["msg"] === "ready") resolve();
      }
    });
    void exited.then((code) => reject(new Error(`phala node exited with ${code} before it was ready`)));
  });
  await ready;
  return {
    child,
    wsUrl: wsUrl!,
    logs,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
