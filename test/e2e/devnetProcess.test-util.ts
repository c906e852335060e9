import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LineSplitter } from "../../packages/cli/src/devnet/logRecord.js";

const PHALA = fileURLToPath(new URL("../../packages/cli/bin/phala.js", import.meta.url));

export type JsonLine = Record<string, unknown>;

/** `phala devnet … --json` as a real process: its stdout JSON lines as they come, its stderr. */
export interface DevnetProcess {
  readonly child: ChildProcess;
  readonly lines: readonly JsonLine[];
  stderr(): string;
  /** The first line (already seen or still to come) that `match` accepts; rejects after `timeoutMs`, or if the devnet exits first. */
  waitFor(match: (line: JsonLine) => boolean, timeoutMs: number, what: string): Promise<JsonLine>;
  readonly exited: Promise<number | null>;
}

export function spawnDevnet(args: readonly string[]): DevnetProcess {
  const child = spawn(process.execPath, [PHALA, "devnet", ...args, "--json"], { stdio: ["ignore", "pipe", "pipe"] });
  const lines: JsonLine[] = [];
  const waiters = new Set<() => void>();
  let stderr = "";
  const stdout = new LineSplitter();
  child.stdout!.on("data", (chunk: Buffer) => {
    for (const line of stdout.push(chunk.toString())) if (line.trim() !== "") lines.push(JSON.parse(line) as JsonLine);
    for (const wake of waiters) wake();
  });
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitFor(match, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (found === undefined) return;
          done();
          resolve(found);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stderr:\n${stderr.slice(-2000)}`));
        }, timeoutMs);
        void exited.then((code) => {
          if (!waiters.has(check)) return;
          done();
          reject(new Error(`the devnet exited (${code}) before ${what}; stderr:\n${stderr.slice(-2000)}`));
        });
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Whether `pid` is a running process (a zombie is not). */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
