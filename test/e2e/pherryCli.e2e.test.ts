import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../../packages/core/src/testing/tempDirs.test-util.js";

const PHALA = fileURLToPath(new URL("../../packages/cli/bin/phala.js", import.meta.url));
const tempDir = useTempDirs("phala-pherry-cli-");

function pherry(args: string[], env: Record<string, string | undefined> = {}) {
  const { PHALA_PHERRY_OPERATOR: _, ...inherited } = process.env;
  const run = spawnSync(process.execPath, [PHALA, "pherry", ...args], {
    encoding: "utf8",
    env: { ...inherited, ...env },
    timeout: 30_000,
  });
  return { status: run.status, stderr: run.stderr };
}

describe("phala pherry, before it relays anything", () => {
  it("exits 2 with what to give when the operator account is missing, empty or unreadable", () => {
    const missing = pherry([]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("pherry needs an operator account: --operator-key-file <file>");

    const empty = pherry([], { PHALA_PHERRY_OPERATOR: "" });
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain("PHERRY_BAD_OPERATOR_KEY");

    const unreadable = pherry(["--operator-key-file", join(tempDir(), "absent.key")]);
    expect(unreadable.status).toBe(2);
    expect(unreadable.stderr).toContain("cannot read the key file");

    const both = pherry(["--operator", "//Bob", "--operator-key-file", "x.key"]);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain("not both");
  });

  it("never echoes an invalid secret", () => {
    const file = join(tempDir(), "operator.key");
    writeFileSync(file, "correct horse battery staple not a phrase\n", { mode: 0o600 });
    const run = pherry(["--operator-key-file", file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("the operator key is not a valid secret URI");
    expect(run.stderr).not.toContain("horse");
  });
});
