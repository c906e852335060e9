import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { tempBasePath } from "./nodeProcess.test-util.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The `sh` blocks of the README's quick start, as command lines (comments and blank lines left out). */
function quickStartBlocks(readme: string): string[][] {
  const start = readme.indexOf("\n## Quick start");
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((block) =>
    block[1]!
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#")),
  );
}

/** The working tree as a fresh clone would have it: tracked and untracked files git does not ignore. */
function copyWorkingTree(to: string): void {
  const files = execFileSync("git", ["ls-files", "-z", "-co", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
    .split("\0")
    .filter((file) => file !== "" && existsSync(join(ROOT, file)));
  for (const file of files) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(join(ROOT, file), join(to, file));
  }
}

/** The environment of a newcomer's shell: none of the variables that point the CLI elsewhere. */
function shellEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith("PHALA_")) delete env[name];
  return env;
}

interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function sh(line: string, cwd: string, timeoutMs: number): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", line], { cwd, env: shellEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`\`${line}\` did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** `npm run devnet` as a terminal runs it: its own process group, so that Ctrl-C (SIGINT) reaches the whole group. */
class Devnet {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  /**
   * How the shell ended, once every process holding its output (npm, the devnet) closed it. Ctrl-C
   * reaches npm and the shell too, which may end by the signal.
   */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(line: string, cwd: string) {
    this.child = spawn("sh", ["-c", line], { cwd, env: shellEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.on("data", (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr!.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once("close", (code, signal) => resolve({ code, signal })));
  }

  async ready(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!/^ready$/m.test(this.stdout)) {
      if (this.child.exitCode !== null) throw new Error(`devnet exited with ${this.child.exitCode}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`devnet was not ready in ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  get output(): string {
    return `${this.stdout.slice(-3000)}\n--- stderr ---\n${this.stderr.slice(-3000)}`;
  }

  /** Ctrl-C in its terminal. */
  interrupt(): void {
    process.kill(-this.child.pid!, "SIGINT");
  }

  kill(): void {
    if (this.child.exitCode === null) {
      try {
        process.kill(-this.child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

/** Processes whose command line mentions `dir` (every devnet child runs from it). */
function processesIn(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      if (cmdline.includes(dir)) found.push(`${pid}: ${cmdline}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

const balanceOf = (ran: Ran): string => (JSON.parse(ran.stdout) as { balance: string }).balance;

/**
 * The README followed literally on a copy of the working tree: its install command, `npm run
 * devnet` in the background until "ready", its client commands with their outputs checked, Ctrl-C,
 * and `npm run devnet` again, which resumes the same network. Uses the devnet's default ports
 * (9944, 8000-8002), as the README does.
 */
describe("the README's quick start", () => {
  const base = tempBasePath();
  const clone = join(base.path, "phala-ts");
  const blocks = quickStartBlocks(readFileSync(join(ROOT, "README.md"), "utf8"));
  let devnet: Devnet | undefined;

  afterAll(async () => {
    devnet?.kill();
    await devnet?.exited;
    base.remove();
  });

  it("has the install and devnet commands, the client commands, then the tests", () => {
    expect(blocks[0]).toEqual(["npm ci", "npm run devnet"]);
    expect(blocks[1]!.length).toBeGreaterThanOrEqual(5);
    expect(blocks[1]!.every((line) => line.startsWith("npx phala "))).toBe(true);
    expect(blocks[2]).toEqual(["npm test"]);
  });

  it("installs, starts the network, answers its commands, stops on Ctrl-C and resumes", async () => {
    const [install, start] = blocks[0]!;
    copyWorkingTree(clone);
    const installed = await sh(install!, clone, 300_000);
    expect(installed.status, installed.stderr).toBe(0);

    const started = performance.now();
    devnet = new Devnet(start!, clone);
    await devnet.ready(240_000);
    const readyMs = performance.now() - started;

    const ran: Ran[] = [];
    let firstQueryMs: number | undefined;
    for (const line of blocks[1]!) {
      const result = await sh(line, clone, 60_000);
      expect(result.status, `${line}\n${result.stdout}\n${result.stderr}`).toBe(0);
      if (firstQueryMs === undefined && line.includes("contract query")) firstQueryMs = performance.now() - started;
      ran.push(result);
    }
    const outputOf = (pattern: RegExp): Ran[] => ran.filter((_, i) => pattern.test(blocks[1]![i]!));
    const [before, after] = outputOf(/contract query private-token/);
    expect(balanceOf(before!)).toBe("1000000");
    expect(outputOf(/contract command private-token/)[0]!.stdout).toMatch(/reply:\s+\{"balance":"999995"\}/);
    expect(balanceOf(after!)).toBe("999995");
    expect(outputOf(/phala transfer /)[0]!.stdout).toMatch(/finalized/);
    expect(outputOf(/phala worker verify /)[0]!.stdout).toMatch(/registered:\s+yes/);
    process.stdout.write(
      `README quick start: npm run devnet ready in ${(readyMs / 1000).toFixed(1)} s, ` +
        `first query answered ${((firstQueryMs ?? Number.NaN) / 1000).toFixed(1)} s after the start\n`,
    );

    devnet.interrupt();
    expect([
      { code: 0, signal: null },
      { code: null, signal: "SIGINT" },
    ]).toContainEqual(await devnet.exited);
    expect(devnet.stdout).toMatch(/^stopped$/m);
    expect(processesIn(clone)).toEqual([]);

    const resumedAt = performance.now();
    devnet = new Devnet(start!, clone);
    await devnet.ready(120_000);
    expect(devnet.stdout).toMatch(/resumed/);
    const query = blocks[1]!.find((line) => line.includes("contract query private-token"))!;
    const again = await sh(query, clone, 60_000);
    expect(again.status, again.stderr).toBe(0);
    expect(balanceOf(again)).toBe("999995");
    process.stdout.write(`README quick start: resumed in ${((performance.now() - resumedAt) / 1000).toFixed(1)} s\n`);
    devnet.interrupt();
    await devnet.exited;
    expect(devnet.stdout).toMatch(/^stopped$/m);
    expect(processesIn(clone)).toEqual([]);
  }, 600_000);
});
