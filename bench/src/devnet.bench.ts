import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Devnet, devnetPaths, type ProcessName, type ProgressReporter, startDevnet } from "@phala-ts/cli/devnet";
import type { Row } from "./harness.js";
import { type NodeProcess, spawnNode, startNode } from "./nodeProcess.js";

/**
 * `phala devnet` as `npm run devnet` runs it (default 500 ms blocks, the three examples deployed),
 * in a temp data dir with ports the system picks:
 *
 * 1. Fresh start to ready, beside `phala node --dev` alone to ready.
 * 2. Ready to the first successful query of the deployed private token with the CLI, as the README
 *    does it (`phala contract query private-token '{"balance":{}}'`: a new process that verifies
 *    the worker, then asks), beside `phala chain status` against the same node.
 * 3. The resident memory (VmRSS) of each child 10 s after ready: the node beside `phala node --dev`
 *    alone 10 s after its ready, each pRuntime and pherry beside a bare `node` process as old.
 * 4. Without --quick: resume (stop, start again on the same data dir) to ready, beside the node
 *    alone started again on the devnet's chain data to ready.
 */

const PHALA = fileURLToPath(new URL("../../packages/cli/bin/phala.js", import.meta.url));
const AT_REST_MS = 10_000;
const QUERY_DEADLINE_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/** VmRSS of a live process, in MiB (from /proc/<pid>/status). */
function rssMiB(pid: number | undefined): number {
  if (pid === undefined) throw new Error("no such process: it is not running");
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  if (line === undefined) throw new Error(`/proc/${pid}/status has no VmRSS`);
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** `phala <args>`; resolves with its exit code and stdout. */
function runPhala(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [PHALA, ...args], (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
    });
  });
}

/** A progress reporter that notes how long each stage took. */
function stageTimes(): ProgressReporter & { readonly summary: () => string } {
  const done: string[] = [];
  let current: { title: string; since: number } | undefined;
  const finish = (note: string) => {
    if (current === undefined) return;
    const title = current.title.replace(/ \(.*\)$/, "");
    done.push(`${title}: ${((performance.now() - current.since) / 1000).toFixed(1)} s${note}`);
    current = undefined;
  };
  return {
    begin(title) {
      finish("");
      current = { title, since: performance.now() };
    },
    end(note) {
      finish(note === undefined ? "" : ` (${note})`);
    },
    fail(reason) {
      finish(` (failed: ${reason})`);
    },
    line() {},
    close() {},
    summary: () => done.join("; "),
  };
}

async function timedDevnet(dataDir: string, fresh: boolean) {
  const progress = stageTimes();
  const started = performance.now();
  const devnet = await startDevnet({
    dataDir,
    fresh,
    rpcPort: 0,
    pruntimePort: 0,
    progress,
    onEvent: (event) => {
      if (event.type === "exited") console.log(`  (devnet: ${event.name} exited, ${event.how}; restarting)`);
      if (event.type === "warning") console.log(`  (devnet: ${event.message})`);
    },
  });
  return { devnet, seconds: (performance.now() - started) / 1000, stages: progress.summary() };
}

/** `phala node <args>` to ready, in seconds; the node keeps running. */
async function timedNode(start: () => Promise<NodeProcess>): Promise<{ node: NodeProcess; seconds: number }> {
  const started = performance.now();
  const node = await start();
  return { node, seconds: (performance.now() - started) / 1000 };
}

/** Queries the private token on w1 with the CLI until it answers; seconds from `since`. */
async function firstQuery(devnet: Devnet, since: number): Promise<{ seconds: number; attempts: number }> {
  const args = [
    "contract",
    "query",
    "private-token",
    '{"balance":{}}',
    "--book",
    devnetPaths(devnet.dataDir).contracts,
    "--worker",
    devnet.pruntimes.w1.url,
    "--node",
    devnet.node.ws,
    "--json",
  ];
  for (let attempts = 1; ; attempts++) {
    const { code, stdout, stderr } = await runPhala(args);
    if (code === 0) {
      const answer = JSON.parse(stdout) as { output?: { balance?: unknown } };
      if (answer.output?.balance !== "1000000") throw new Error(`the private token answered ${stdout.trim()}`);
      return { seconds: (performance.now() - since) / 1000, attempts };
    }
    if (performance.now() - since > QUERY_DEADLINE_MS)
      throw new Error(`no successful query within ${QUERY_DEADLINE_MS / 1000} s: ${stderr.trim()}`);
    await sleep(200);
  }
}

async function timedCli(args: readonly string[]): Promise<number> {
  const started = performance.now();
  const { code, stderr } = await runPhala(args);
  if (code !== 0) throw new Error(`phala ${args.join(" ")} exited with ${code}: ${stderr.trim()}`);
  return (performance.now() - started) / 1000;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  return exited;
}

const ROLE_NAMES: Readonly<Record<ProcessName, string>> = {
  node: "node",
  gk: "gatekeeper pRuntime (gk)",
  w1: "worker pRuntime (w1)",
  w2: "worker pRuntime (w2)",
  "gk-pherry": "pherry of gk",
  "w1-pherry": "pherry of w1",
  "w2-pherry": "pherry of w2",
};

export async function devnetRows(quick: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), "phala-bench-devnet-"));
  const dataDir = join(dir, "devnet");
  let devnet: Devnet | undefined;
  const children: ChildProcess[] = [];
  const nodes: NodeProcess[] = [];
  const cleanUp = () => {
    devnet?.kill();
    for (const child of [...children, ...nodes.map((n) => n.child)]) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", cleanUp);
  try {
    // Baseline: the node alone, on a fresh temp chain, to ready; the last one stays up to rest.
    const devRuns: number[] = [];
    let devNode: NodeProcess | undefined;
    for (let run = 0; run < (quick ? 1 : 3); run++) {
      await devNode?.stop();
      const { node, seconds } = await timedNode(() => spawnNode(["--dev"]));
      nodes.push(node);
      devRuns.push(seconds);
      devNode = node;
    }
    await sleep(AT_REST_MS);
    const devNodeRss = rssMiB(devNode!.child.pid);
    await devNode!.stop();

    const fresh = await timedDevnet(dataDir, true);
    devnet = fresh.devnet;
    const readyAt = performance.now();
    // The bare process rests beside the devnet, as long.
    const bare = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    children.push(bare);
    const query = await firstQuery(devnet, readyAt);
    const status = await timedCli(["chain", "status", "--node", devnet.node.ws, "--json"]);
    await sleep(Math.max(0, readyAt + AT_REST_MS - performance.now()));
    const pids = devnet.pids();
    const rss = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, rssMiB(pid)])) as Record<
      ProcessName,
      number
    >;
    const bareRss = rssMiB(bare.pid);
    await stopChild(bare);

    console.log(`devnet: fresh start ready in ${fresh.seconds.toFixed(1)} s (${fresh.stages})`);
    console.log(
      `devnet: first private-token query answered ${query.seconds.toFixed(2)} s after ready (attempt ${query.attempts}); ` +
        `RSS 10 s after ready: ${Object.entries(rss)
          .map(([name, mib]) => `${name} ${mib.toFixed(0)}`)
          .join(", ")} MiB, total ${Object.values(rss)
          .reduce((a, b) => a + b, 0)
          .toFixed(0)} MiB`,
    );
    rows.push(
      {
        figure: "devnet: fresh start to ready (7 processes, cluster, 3 examples deployed; 500 ms blocks)",
        unit: "s",
        ours: fresh.seconds,
        baselineName: `\`phala node --dev\` alone to ready (median of ${devRuns.length})`,
        baseline: median(devRuns),
      },
      {
        figure: "devnet: ready → first successful `phala contract query private-token` (CLI process)",
        unit: "s",
        ours: query.seconds,
        baselineName: "`phala chain status`, same node (CLI process)",
        baseline: status,
      },
      ...(Object.keys(ROLE_NAMES) as ProcessName[]).map(
        (name): Row => ({
          figure: `devnet at rest (10 s after ready): RSS of the ${ROLE_NAMES[name]}`,
          unit: "MiB",
          ours: rss[name],
          ...(name === "node"
            ? { baselineName: "`phala node --dev` alone, 10 s after ready", baseline: devNodeRss }
            : { baselineName: "bare `node -e setInterval(…)`, as old", baseline: bareRss }),
        }),
      ),
    );

    if (!quick) {
      await devnet.stop();
      devnet = undefined;
      const resumed = await timedDevnet(dataDir, false);
      devnet = resumed.devnet;
      await devnet.stop();
      devnet = undefined;
      // Baseline: the node alone, started again on the devnet's chain data.
      const paths = devnetPaths(dataDir);
      const { node, seconds } = await timedNode(() => startNode(paths.spec, paths.node));
      nodes.push(node);
      await node.stop();
      console.log(`devnet: resumed ready in ${resumed.seconds.toFixed(1)} s (${resumed.stages})`);
      rows.push({
        figure: "devnet: resume (same data dir) to ready",
        unit: "s",
        ours: resumed.seconds,
        baselineName: "the node alone, started again on the devnet's chain data",
        baseline: seconds,
      });
    }
    console.log("");
    return rows;
  } finally {
    await devnet?.stop();
    for (const node of nodes) await node.stop();
    for (const child of children) await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    process.off("exit", cleanUp);
  }
}
