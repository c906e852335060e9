import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, vi } from "vitest";
import { main } from "./main.js";
import { captureOutput } from "./outputCapture.test-util.js";

export interface CliHarness {
  /** A fresh temporary directory per test. */
  readonly dir: string;
  /** What the last `phala` call wrote. */
  readonly output: { out: string; err: string };
  /** Runs `phala …args` through `main`; its exit code. */
  phala(...args: string[]): Promise<number>;
}

/**
 * Registers hooks that give each test of the suite a temporary directory, the environment `env`
 * sets for it (e.g. PHALA_HOME), and captured output; all undone after the test.
 */
export function cliHarness(env: (dir: string) => Record<string, string>): CliHarness {
  let dir = "";
  let output = { out: "", err: "" };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "phala-cli-"));
    for (const [name, value] of Object.entries(env(dir))) vi.stubEnv(name, value);
    output = captureOutput();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get output() {
      return output;
    },
    phala(...args) {
      output.out = "";
      output.err = "";
      return main(["node", "phala", ...args]);
    },
  };
}
