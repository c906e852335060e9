import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "./main.js";
import { captureOutput } from "./outputCapture.test-util.js";

describe("phala devnet: refusals before anything starts, and devnet logs", () => {
  let dir: string;
  let output: { out: string; err: string };
  const servers: Server[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "devnet-cli-"));
    output = captureOutput();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const server of servers.splice(0)) server.close();
    await rm(dir, { recursive: true, force: true });
  });
  const phala = (...args: string[]) => main(["node", "phala", ...args]);

  it("exits 2 on flags out of range, writing nothing", async () => {
    const net = join(dir, "net");
    expect(await phala("devnet", "--data-dir", net, "--block-time", "10")).toBe(2);
    expect(output.err).toContain("--block-time must be a whole number of ms from 50 to 60000 (DEVNET_BAD_OPTION)");
    expect(await phala("devnet", "--data-dir", net, "--pruntime-port", "65534")).toBe(2);
    expect(await phala("devnet", "--data-dir", net, "--rpc-port", "70000")).toBe(2);
    expect(await readdir(dir)).toEqual([]);
  });

  it("exits 2 naming the port and its flag when a port is taken, writing nothing", async () => {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const net = join(dir, "net");
    expect(await phala("devnet", "--data-dir", net, "--rpc-port", "0", "--pruntime-port", String(port))).toBe(2);
    expect(output.err).toContain(`port ${port} (the gatekeeper pRuntime's API) is already in use`);
    expect(output.err).toContain("--pruntime-port");
    expect(await readdir(dir)).toEqual([]);
  });

  it("exits 2 on a directory that is not a devnet's, even with --fresh, and leaves it alone", async () => {
    await writeFile(join(dir, "thesis.tex"), "precious");
    expect(await phala("devnet", "--data-dir", dir, "--fresh", "--rpc-port", "0", "--pruntime-port", "0")).toBe(2);
    expect(output.err).toContain("holds no devnet.json");
    expect(await readdir(dir)).toEqual(["thesis.tex"]);
  });

  it("exits 2 while another live process holds the data directory", async () => {
    await writeFile(join(dir, "devnet.lock"), JSON.stringify({ pid: process.pid }));
    expect(await phala("devnet", "--data-dir", dir, "--rpc-port", "0", "--pruntime-port", "0")).toBe(2);
    expect(output.err).toContain(`is in use by another phala devnet (pid ${process.pid})`);
  });

  it("prints a process's log formatted, or raw, or its last lines; unknown names exit 2 and missing logs 1", async () => {
    await mkdir(join(dir, "logs"));
    const time = new Date(2026, 0, 2, 3, 4, 5, 6).getTime();
    const records = [
      { level: 30, time, pid: 1, hostname: "h", msg: "ready", dataDir: "/x" },
      { level: 40, time, pid: 1, hostname: "h", msg: "slow" },
    ];
    await writeFile(join(dir, "logs", "w1.log"), `${records.map((r) => JSON.stringify(r)).join("\n")}\nnot json\n`);
    expect(await phala("devnet", "logs", "w1", "--data-dir", dir)).toBe(0);
    expect(output.out).toBe(
      '[2026-01-02 03:04:05.006] INFO: ready {"dataDir":"/x"}\n[2026-01-02 03:04:05.006] WARN: slow\nnot json\n',
    );
    output.out = "";
    expect(await phala("devnet", "logs", "w1", "-n", "1", "--raw", "--data-dir", dir)).toBe(0);
    expect(output.out).toBe("not json\n");

    expect(await phala("devnet", "logs", "w9", "--data-dir", dir)).toBe(2);
    expect(output.err).toContain(
      '"w9" is not a devnet process; one of: node, gk, w1, w2, gk-pherry, w1-pherry, w2-pherry, devnet',
    );
    expect(await phala("devnet", "logs", "node", "--data-dir", dir)).toBe(1);
    expect(output.err).toContain(`there is no log of node in ${join(dir, "logs")}`);
  });
});
