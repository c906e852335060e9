import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ContractCall, ContractEngine, DEFAULT_LIMITS } from "@phala-ts/contracts";
import { blake2_256, toHex, utf8 } from "@phala-ts/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "./main.js";
import { captureOutput } from "./outputCapture.test-util.js";

describe("phala contract new / build", () => {
  let dir: string;
  let output: { out: string; err: string };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "phala-contract-cli-"));
    output = captureOutput();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });
  const phala = (...args: string[]) => main(["node", "phala", ...args]);

  it("writes a project whose contract builds and runs: new, build, then init, handle and query", async () => {
    expect(await phala("contract", "new", "counter", "--dir", dir, "--json")).toBe(0);
    const project = join(dir, "counter");
    expect(JSON.parse(output.out)).toEqual({
      dir: project,
      files: ["contract.ts", "contract.test.ts", "package.json", "tsconfig.json", ".gitignore", "README.md"],
    });
    expect((await readdir(project)).sort()).toEqual([
      ".gitignore",
      "README.md",
      "contract.test.ts",
      "contract.ts",
      "package.json",
      "tsconfig.json",
    ]);
    expect(JSON.parse(await readFile(join(project, "package.json"), "utf8"))).toMatchObject({ name: "counter" });

    output.out = "";
    expect(await phala("contract", "build", join(project, "contract.ts"), "--json")).toBe(0);
    const built = JSON.parse(output.out) as { codeHash: string; bytes: number; out: string };
    expect(built.out).toBe(join(project, "dist", "contract.js"));
    const code = await readFile(built.out, "utf8");
    expect(built).toEqual({ codeHash: toHex(blake2_256(utf8(code))), bytes: utf8(code).length, out: built.out });

    const engine = await ContractEngine.create();
    const state = new Map<string, string>();
    const storage = {
      get: (key: string) => state.get(key),
      entries: (prefix: string) => [...state].filter(([key]) => key.startsWith(prefix)),
    };
    const account = (byte: number) => new Uint8Array(32).fill(byte);
    const run = (entry: ContractCall["entry"], input: ContractCall["input"], caller = account(1)) => {
      const ctx = { contractId: account(9), caller, blockNumber: 3, timestampMs: 0, randomSeed: account(7) };
      const outcome = engine.run({ code, entry, input, ctx, storage, limits: DEFAULT_LIMITS });
      if (outcome.ok)
        for (const [key, value] of outcome.writes) value === null ? state.delete(key) : state.set(key, value);
      return outcome;
    };
    expect(run("init", { start: 40 })).toMatchObject({ ok: true });
    expect(run("handle", { add: 2 })).toMatchObject({
      ok: true,
      output: 42,
      events: [{ data: { count: 42, block: 3 } }],
    });
    expect(run("handle", { reset: true }, account(2))).toMatchObject({
      ok: false,
      error: { code: "CONTRACT_THREW", message: "Error: only the owner resets" },
    });
    expect(run("query", { get: "count" })).toMatchObject({ ok: true, output: 42 });
    expect(run("query", { get: "owner" })).toMatchObject({ ok: true, output: toHex(account(1)) });
  });

  it("prints the code hash and size, writes where told, and builds the same bytes again", async () => {
    await phala("contract", "new", "token", "--dir", dir);
    expect(output.out).toBe(
      `created ${join(dir, "token")}: contract.ts, contract.test.ts, package.json, tsconfig.json, .gitignore, README.md\nnext: cd ${join(dir, "token")} && npm install && npm test\n`,
    );
    const entry = join(dir, "token", "contract.ts");
    const target = join(dir, "elsewhere", "token.js");
    output.out = "";
    expect(await phala("contract", "build", entry, "--out", target)).toBe(0);
    const code = await readFile(target, "utf8");
    expect(output.out).toBe(
      `code hash:  ${toHex(blake2_256(utf8(code)))}\nsize:       ${utf8(code).length} bytes\nwritten:    ${target}\n`,
    );
    output.out = "";
    expect(await phala("contract", "build", entry, "--out", target, "--json")).toBe(0);
    expect(await readFile(target, "utf8")).toBe(code);
    output.out = "";
    expect(await phala("contract", "build", entry, "--out", target, "--no-minify", "--json")).toBe(0);
    expect((JSON.parse(output.out) as { bytes: number }).bytes).toBeGreaterThan(utf8(code).length);
  });

  it("exits 2 on a bad name, a directory in use, and a contract that does not build", async () => {
    expect(await phala("contract", "new", "Bad Name", "--dir", dir)).toBe(2);
    expect(output.err).toContain("must be lowercase letters, digits and dashes");
    output.err = "";
    await phala("contract", "new", "taken", "--dir", dir);
    expect(await phala("contract", "new", "taken", "--dir", dir)).toBe(2);
    expect(output.err).toBe(`error: ${join(dir, "taken")} already exists and is not empty\n`);
    output.err = "";
    const bad = join(dir, "bad.ts");
    await writeFile(bad, 'import { readFileSync } from "fs";\nexport default { handle: () => readFileSync };\n');
    expect(await phala("contract", "build", bad)).toBe(2);
    expect(output.err).toMatch(
      /^error: .*bad\.ts does not build: .*a contract cannot import "fs".*\(CONTRACT_BUILD_NODE_BUILTIN\)\n$/,
    );
    output.err = "";
    expect(await phala("contract", "build", join(dir, "missing.ts"))).toBe(2);
    expect(output.err).toContain("(CONTRACT_BUILD_FAILED)");
  });
});
