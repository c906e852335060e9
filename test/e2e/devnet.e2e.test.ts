import { join } from "node:path";
import { type PRuntimePublicInfo, toHex } from "@phala-ts/core";
import { connect, devAccount, type PhalaClient } from "@phala-ts/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { type DevnetProcess, type JsonLine, running, spawnDevnet } from "./devnetProcess.test-util.js";
import { tempBasePath } from "./nodeProcess.test-util.js";

const GAS = 10_000_000n;
const PHA = 1_000_000_000_000n;
const alice = devAccount("Alice");
const bob = devAccount("Bob");
const ferdie = devAccount("Ferdie");

interface Ready {
  readonly resumed: boolean;
  readonly node: { readonly ws: string; readonly pid: number };
  readonly pruntimes: Record<"gk" | "w1" | "w2", { url: string; identity: string; pid: number; pherryPid: number }>;
  readonly cluster: string;
  readonly contracts: Record<string, string>;
}

/** `probe` until it returns a value; its errors (a node or worker restarting) count as not yet. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const isReady = (line: JsonLine) => line["ready"] === true;
const restartOf = (process: string, pid: number) => (line: JsonLine) =>
  line["event"] === "restarted" && line["process"] === process && line["pid"] !== pid;

/**
 * `phala devnet` as a user runs it: a whole network from nothing to ready with the examples
 * deployed, children killed with -9 and restarted with nothing acknowledged lost, a clean stop,
 * a resume of the same network, and children that stop when their supervisor is killed.
 */
describe("phala devnet", () => {
  const base = tempBasePath();
  const dataDir = join(base.path, "net");
  const args = ["--data-dir", dataDir, "--rpc-port", "0", "--pruntime-port", "0", "--block-time", "100"];
  const devnets: DevnetProcess[] = [];
  let client: PhalaClient | undefined;
  let ready: Ready;
  /** Every child pid seen, restarts included. */
  const pids = new Set<number>();

  afterAll(async () => {
    await client?.close().catch(() => {});
    for (const devnet of devnets) if (devnet.child.exitCode === null) devnet.child.kill("SIGKILL");
    for (const pid of pids) if (running(pid)) process.kill(pid, "SIGKILL");
    base.remove();
  });

  const notePids = (line: JsonLine) => {
    const r = line as unknown as Ready;
    pids.add(r.node.pid);
    for (const p of Object.values(r.pruntimes)) pids.add(p.pid).add(p.pherryPid);
  };
  const balanceOn = async (url: string, who: typeof alice, contract: string) => {
    const answer = await client!.query(url, who, contract, { balance: {} });
    return answer.ok ? (answer.output as { balance: string }).balance : undefined;
  };
  /** Alice sends Bob `amount` private tokens (acknowledged: the reply came); then waits until `worker` shows Bob holding `bobHolds`. */
  const tokensToBob = async (amount: string, aliceLeft: string, worker: string, bobHolds: string, what: string) => {
    const token = ready.contracts["private-token"]!;
    const sent = await client!.command(
      alice,
      token,
      { transfer: { to: toHex(bob.accountId), amount } },
      { gasLimit: GAS },
    );
    expect(sent).toMatchObject({ ok: true, output: { balance: aliceLeft } });
    await eventually(async () => ((await balanceOn(worker, bob, token)) === bobHolds ? true : undefined), 20_000, what);
  };

  it("starts from nothing: cluster 0 of both workers, the three examples deployed, a query answers", async () => {
    const devnet = spawnDevnet(["--fresh", ...args]);
    devnets.push(devnet);
    ready = (await devnet.waitFor(isReady, 50_000, "the fresh devnet to be ready")) as unknown as Ready;
    notePids(ready as unknown as JsonLine);
    expect(ready.resumed).toBe(false);
    client = await connect(ready.node.ws);
    const [cluster] = await client.clusters();
    expect(cluster?.id).toBe(ready.cluster);
    expect([...cluster!.workers].sort()).toEqual([ready.pruntimes.w1.identity, ready.pruntimes.w2.identity].sort());
    expect(cluster!.keys).toBeDefined();
    expect(Object.keys(ready.contracts)).toEqual(["private-token", "web3-analytics", "sealed-bid-auction"]);
    const onChain = (await client.contracts()).map((contract) => contract.id);
    expect(onChain.sort()).toEqual(Object.values(ready.contracts).sort());
    expect((await client.gatekeepers()).gatekeepers.map((g) => g.identity)).toEqual([ready.pruntimes.gk.identity]);
    const token = ready.contracts["private-token"]!;
    expect(await client.query(ready.pruntimes.w1.url, alice, token, { balance: {} })).toEqual({
      ok: true,
      output: { balance: "1000000" },
    });
    // The progress went to stderr, a stage a line.
    expect(devnet.stderr()).toMatch(/\[devnet\] example contracts .* \.\.\. done/);
  }, 60_000);

  it("restarts a worker killed with -9: a command acknowledged before is still in effect, and new ones run", async () => {
    const devnet = devnets[0]!;
    const { w1, w2 } = ready.pruntimes;
    await tokensToBob("7", "999993", w2.url, "7", "w2 to run the first transfer");
    process.kill(w1.pid, "SIGKILL");
    const restarted = await devnet.waitFor(restartOf("w1", w1.pid), 20_000, "w1 to be restarted");
    pids.add(restarted["pid"] as number);
    expect(restarted["after"]).toBe("signal SIGKILL");
    const token = ready.contracts["private-token"]!;
    expect(await eventually(() => balanceOn(w1.url, bob, token), 20_000, "w1 to answer Bob's balance")).toBe("7");
    await tokensToBob("3", "999990", w1.url, "10", "the restarted w1 to run a new transfer");
  }, 60_000);

  it("restarts the node killed with -9: a transfer acknowledged in a block is kept, and the network goes on", async () => {
    const devnet = devnets[0]!;
    const before = (await client!.balance(ferdie)).free;
    const transfer = await client!.transfer(alice, ferdie, 5n * PHA, { waitFor: "inBlock" });
    expect(transfer.ok).toBe(true);
    process.kill(ready.node.pid, "SIGKILL");
    const restarted = await devnet.waitFor(restartOf("node", ready.node.pid), 20_000, "the node to be restarted");
    pids.add(restarted["pid"] as number);
    await client!.close().catch(() => {});
    client = await eventually(() => connect(ready.node.ws), 20_000, "the node to accept connections");
    expect((await client.balance(ferdie)).free).toBe(before + 5n * PHA);

    await tokensToBob(
      "1",
      "999989",
      ready.pruntimes.w2.url,
      "11",
      "w2 to run a transfer sent after the node's restart",
    );
  }, 60_000);

  it("restarts the gatekeeper and a pherry killed with -9: a command acknowledged while that pherry was down reaches its worker", async () => {
    const devnet = devnets[0]!;
    const { gk, w1, w2 } = ready.pruntimes;
    process.kill(gk.pid, "SIGKILL");
    process.kill(w2.pherryPid, "SIGKILL");
    await tokensToBob("2", "999987", w1.url, "13", "w1 to run a transfer while w2's pherry is down");
    for (const [name, pid] of [
      ["gk", gk.pid],
      ["w2-pherry", w2.pherryPid],
    ] as const) {
      const restarted = await devnet.waitFor(restartOf(name, pid), 20_000, `${name} to be restarted`);
      pids.add(restarted["pid"] as number);
      expect(restarted["after"]).toBe("signal SIGKILL");
    }
    const token = ready.contracts["private-token"]!;
    expect(
      await eventually(
        async () => ((await balanceOn(w2.url, bob, token)) === "13" ? "13" : undefined),
        20_000,
        "w2 to run the transfer its restarted pherry relays",
      ),
    ).toBe("13");
    const gatekeeper = await eventually(
      async () => {
        const info = (await (await fetch(`${gk.url}/info`)).json()) as PRuntimePublicInfo;
        return info.role === "gatekeeper" && info.gatekeeper.masterKey === "holding" ? info : undefined;
      },
      20_000,
      "the restarted gatekeeper to serve",
    );
    expect(gatekeeper.gatekeeper.rotationId).toBe("0");
  }, 60_000);

  it("stops on SIGINT with exit code 0 and no child left, resumes the same network without redeploying, and leaves no child when killed", async () => {
    const first = devnets[0]!;
    await client?.close();
    client = undefined;
    for (const line of first.lines) if (line["event"] === "restarted") pids.add(line["pid"] as number);
    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);
    expect(first.lines.at(-1)).toEqual({ stopped: true });
    expect([...pids].filter(running)).toEqual([]);

    const second = spawnDevnet(args);
    devnets.push(second);
    const resumed = (await second.waitFor(isReady, 40_000, "the resumed devnet to be ready")) as unknown as Ready;
    notePids(resumed as unknown as JsonLine);
    expect(resumed.resumed).toBe(true);
    expect(resumed.contracts).toEqual(ready.contracts);
    expect(resumed.node.ws).toBe(ready.node.ws);
    expect(resumed.pruntimes.w1.url).toBe(ready.pruntimes.w1.url);
    expect(second.stderr()).toMatch(/\[devnet\] example contracts .* \.\.\. done \(already done/);
    expect(second.stderr()).toMatch(/\[devnet\] cluster with w1, w2 \.\.\. done \(already done/);
    client = await connect(resumed.node.ws);
    expect((await client.contracts()).length).toBe(3);
    expect(await balanceOn(resumed.pruntimes.w1.url, bob, ready.contracts["private-token"]!)).toBe("13");
    await client.close();
    client = undefined;

    // The supervisor killed with -9 cannot stop its children: they notice and stop by themselves.
    second.child.kill("SIGKILL");
    await second.exited;
    await eventually(
      async () => ([...pids].some(running) ? undefined : true),
      15_000,
      `the children to stop after their supervisor was killed (${[...pids].filter(running).join(", ")})`,
    );
  }, 60_000);
});
