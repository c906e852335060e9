import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { devnetPaths } from "./devnetLayout.js";
import { assertDevnetDir, checkBlockTime, checkPRuntimePort, preflight } from "./devnetPreflight.js";
import { DEFAULT_PORTS, newState, resolvePorts, writeState } from "./devnetState.js";

describe("option checks", () => {
  it("accepts block times from 50 ms to 60 s", () => {
    expect(checkBlockTime(50)).toBe(50);
    expect(checkBlockTime(60_000)).toBe(60_000);
    for (const ms of [49, 60_001, 1.5, Number.NaN])
      expect(() => checkBlockTime(ms)).toThrow(expect.objectContaining({ code: "DEVNET_BAD_OPTION" }));
  });

  it("accepts a first pRuntime port whose next two exist", () => {
    expect(checkPRuntimePort(undefined)).toBeUndefined();
    expect(checkPRuntimePort(0)).toBe(0);
    expect(checkPRuntimePort(65533)).toBe(65533);
    expect(() => checkPRuntimePort(65534)).toThrow(expect.objectContaining({ code: "DEVNET_BAD_OPTION" }));
  });
});

describe("before anything is written", () => {
  let dir: string;
  const servers: Server[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "devnet-preflight-"));
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("accepts an absent or empty directory, a devnet's, or one a first start left early; refuses others", async () => {
    await assertDevnetDir(devnetPaths(join(dir, "absent")));
    const paths = devnetPaths(join(dir, "net"));
    await mkdir(paths.logs, { recursive: true });
    await writeFile(paths.lock, "{}");
    await assertDevnetDir(paths);
    await writeFile(join(paths.root, "notes.txt"), "mine");
    await expect(assertDevnetDir(paths)).rejects.toMatchObject({
      code: "DEVNET_NOT_A_DEVNET_DIR",
      details: { entries: ["notes.txt"] },
    });
    await writeState(paths.state, newState(DEFAULT_PORTS, 500));
    await assertDevnetDir(paths);
    await expect(assertDevnetDir(devnetPaths(paths.lock))).rejects.toMatchObject({ code: "DEVNET_NOT_A_DEVNET_DIR" });
  });

  it("refuses a port in use, naming it, and leaves the directory as it was", async () => {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const taken = (server.address() as { port: number }).port;
    const paths = devnetPaths(join(dir, "net"));
    const attempt = preflight(paths, {
      fresh: false,
      ports: (recorded) => resolvePorts({ rpcPort: taken, pruntimePort: 0 }, recorded),
      host: "127.0.0.1",
    });
    await expect(attempt).rejects.toMatchObject({
      code: "DEVNET_PORT_IN_USE",
      details: { port: taken, flag: "--rpc-port" },
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it("reads the previous state (not with --fresh) and its ports", async () => {
    const paths = devnetPaths(dir);
    const recorded = { node: 0, gk: 0, w1: 0, w2: 0 };
    await writeState(paths.state, newState(recorded, 100));
    const ports = (previous: typeof recorded | undefined) => resolvePorts({}, previous);
    const resumed = await preflight(paths, { fresh: false, ports, host: "127.0.0.1" });
    expect(resumed.previous?.blockTimeMs).toBe(100);
    expect(resumed.ports).toEqual(recorded);
    const fresh = await preflight(paths, { fresh: true, ports, host: "127.0.0.1" });
    expect(fresh.previous).toBeUndefined();
  });
});
