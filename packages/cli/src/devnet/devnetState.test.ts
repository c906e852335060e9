import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_PORTS, newState, parseState, readState, resolvePorts, writeState } from "./devnetState.js";

const identity = `0x${"ab".repeat(32)}`;
const valid = {
  version: 1,
  createdAt: "2026-01-01T00:00:00.000Z",
  blockTimeMs: 500,
  ports: { node: 9944, gk: 0, w1: 8001, w2: 8002 },
  identities: { gk: identity },
  bootstrapped: { cluster: `0x${"00".repeat(32)}` },
};

describe("devnet.json", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it("parses a valid state and refuses malformed ones with DEVNET_BAD_STATE", () => {
    expect(parseState(JSON.stringify(valid), "devnet.json")).toEqual(valid);
    const bad = (value: unknown) => () => parseState(typeof value === "string" ? value : JSON.stringify(value), "x");
    for (const broken of [
      "{",
      null,
      { ...valid, version: 2 },
      { ...valid, createdAt: 5 },
      { ...valid, blockTimeMs: 0 },
      { ...valid, ports: { ...valid.ports, node: 70000 } },
      { ...valid, ports: { node: 1, gk: 2, w1: 3 } },
      { ...valid, identities: { gk: "0x12" } },
      { ...valid, identities: { w9: identity } },
      { ...valid, bootstrapped: { cluster: 7 } },
    ]) {
      expect(bad(broken)).toThrow(expect.objectContaining({ code: "DEVNET_BAD_STATE" }));
    }
    expect(bad("{")).toThrow(/--fresh/);
  });

  it("reads back what it wrote, and nothing where there is no file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "devnet-state-"));
    dirs.push(dir);
    const path = join(dir, "sub", "devnet.json");
    expect(await readState(path)).toBeUndefined();
    const state = newState(DEFAULT_PORTS, 100, new Date(0));
    await writeState(path, state);
    expect(await readState(path)).toEqual(state);
    expect(JSON.parse(await readFile(path, "utf8")).createdAt).toBe("1970-01-01T00:00:00.000Z");
    await writeFile(path, "not json");
    await expect(readState(path)).rejects.toMatchObject({ code: "DEVNET_BAD_STATE" });
  });
});

describe("resolvePorts", () => {
  const recorded = { node: 40001, gk: 40002, w1: 40003, w2: 40004 };

  it("uses the defaults on a first start without flags", () => {
    expect(resolvePorts({}, undefined)).toEqual(DEFAULT_PORTS);
  });

  it("takes the pRuntime ports from the first one given", () => {
    expect(resolvePorts({ rpcPort: 9000, pruntimePort: 7000 }, undefined)).toEqual({
      node: 9000,
      gk: 7000,
      w1: 7001,
      w2: 7002,
    });
  });

  it("keeps 0 (the kernel chooses) on a first start, and the chosen ports afterwards", () => {
    expect(resolvePorts({ rpcPort: 0, pruntimePort: 0 }, undefined)).toEqual({ node: 0, gk: 0, w1: 0, w2: 0 });
    expect(resolvePorts({ rpcPort: 0, pruntimePort: 0 }, recorded)).toEqual(recorded);
    expect(resolvePorts({}, recorded)).toEqual(recorded);
  });

  it("lets a port given explicitly override the recorded one", () => {
    expect(resolvePorts({ rpcPort: 9955 }, recorded)).toEqual({ ...recorded, node: 9955 });
    expect(resolvePorts({ pruntimePort: 8100 }, recorded)).toEqual({ ...recorded, gk: 8100, w1: 8101, w2: 8102 });
  });

  it("keeps a recorded 0 (never chosen yet) rather than falling back to the default", () => {
    expect(resolvePorts({}, { ...recorded, w2: 0 })).toEqual({ ...recorded, w2: 0 });
  });
});
