import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { devSpec, specToJson } from "../../packages/node/src/chain/chainSpec.js";

const PHALA = fileURLToPath(new URL("../../packages/cli/bin/phala.js", import.meta.url));

export interface PhalaProcess {
  readonly child: ChildProcess;
  /** The URL the process logged it listens on (RPC for a node, HTTP API for a pRuntime). */
  readonly url: string;
  readonly logs: Record<string, unknown>[];
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface NodeProcess extends PhalaProcess {
  readonly wsUrl: string;
}

export function tempBasePath(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), "phala-e2e-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Starts `phala node` as a real process with JSON logs; resolves once it logs "ready". */
export async function spawnNode(args: readonly string[]): Promise<NodeProcess> {
  const node = await spawnPhala(["node", "--rpc-port", "0", ...args]);
  return { ...node, wsUrl: node.url };
}

/**
 * Writes `<basePath>/spec.json` (the dev spec, 100 ms blocks, simulated pRuntimes of `measurement`
 * admitted) and starts a validator node (//Alice) on it, with its data in `<basePath>/node`.
 */
export function spawnDevValidator(basePath: string, measurement: Uint8Array): Promise<NodeProcess> {
  const dev = devSpec();
  const spec = join(basePath, "spec.json");
  const attestation = { ...dev.attestation, allowSimulated: true, pruntimeAllowList: [measurement] };
  writeFileSync(spec, JSON.stringify(specToJson({ ...dev, blockTimeMs: 100, attestation })));
  return spawnNode(["--chain", spec, "--base-path", join(basePath, "node"), "--validator", "--key", "//Alice"]);
}

/** Starts `phala pruntime` on a free loopback port; resolves once it logs "ready". */
export function spawnPRuntime(args: readonly string[]): Promise<PhalaProcess> {
  return spawnPhala(["pruntime", "--port", "0", ...args]);
}

/**
 * Starts a `phala` subcommand with JSON logs; resolves once it logs "ready", with the URL of
 * its "listening" line.
 */
export async function spawnPhala(args: readonly string[]): Promise<PhalaProcess> {
  const child = spawn(process.execPath, [PHALA, ...args, "--log-format", "json"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let buffer = "";
  let url: string | undefined;
  const plainLines: string[] = [];
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
          plainLines.push(line);
          continue;
        }
        logs.push(record);
        if (typeof record["msg"] === "string" && record["msg"].includes("listening")) url = String(record["url"]);
        if (record["msg"] === "ready") resolve();
      }
    });
    void exited.then((code) => {
      const last = [...logs.slice(-3).map((record) => JSON.stringify(record)), ...plainLines.slice(-5)].join("\n");
      reject(new Error(`phala ${args[0]} exited with ${code} before it was ready:\n${last}`));
    });
  });
  await ready;
  return {
    child,
    url: url!,
    logs,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Runs a `phala` command to completion: its exit code and output. */
export function runPhala(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PHALA, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("close", (status) => resolve({ status, stdout, stderr }));
  });
}
