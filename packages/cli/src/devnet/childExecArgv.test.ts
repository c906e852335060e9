import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkExecArgv } from "./childExecArgv.js";
import { DevnetSupervisor } from "./devnetSupervisor.js";
import { SupervisedProcess } from "./supervisedProcess.js";

const badOption = expect.objectContaining({ code: "DEVNET_BAD_OPTION" });

describe("checkExecArgv", () => {
  it("takes Node.js flags for any of the children", () => {
    const flags = { node: ["--cpu-prof", "--cpu-prof-dir=/tmp/p"], "w1-pherry": ["--max-old-space-size=512"], gk: [] };
    expect(checkExecArgv(flags)).toBe(flags);
  });

  it("refuses an unknown child and anything that is not a list of flags", () => {
    expect(() => checkExecArgv({ w3: ["--cpu-prof"] } as never)).toThrow(badOption);
    for (const flags of [["--cpu-prof-dir", "/tmp/p"], "--cpu-prof", [""], ["---x"], [7]])
      expect(() => checkExecArgv({ node: flags } as never)).toThrow(badOption);
  });

  it("is checked before anything is written", () => {
    const dataDir = join(tmpdir(), `devnet-exec-argv-${process.pid}`);
    expect(() => new DevnetSupervisor({ dataDir, execArgv: { node: ["cpu-prof"] } })).toThrow(badOption);
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe("a supervised child with Node.js flags", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "devnet-exec-argv-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("runs with them: --max-http-header-size=1024 makes its API refuse a 2 KiB header", async () => {
    const child = new SupervisedProcess({
      name: "gk",
      logFile: join(dir, "gk.log"),
      command: () => ({
        args: ["pruntime", "--data-dir", join(dir, "gk"), "--port", "0"],
        execArgv: ["--max-http-header-size=1024"],
      }),
      stopTimeoutMs: 10_000,
    });
    try {
      await child.start();
      const info = `${child.url}/info`;
      expect((await fetch(info)).status).toBe(200);
      // Node's default limit is 16 KiB: only the flag makes this header too large.
      expect((await fetch(info, { headers: { "x-padding": "x".repeat(2048) } })).status).toBe(431);
    } finally {
      await child.stop();
    }
  }, 30_000);
});
