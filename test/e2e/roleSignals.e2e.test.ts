import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnNode, spawnPRuntime, tempBasePath } from "./nodeProcess.test-util.js";

/**
 * A supervisor stops a role with SIGTERM as soon as it logged "ready", and may send another (its
 * own stop, then the exit-with-parent hook): the role stops gracefully, once, with exit code 0.
 */
describe("a role stopped right after ready", () => {
  const base = tempBasePath();
  afterAll(() => base.remove());

  it.each([
    ["pruntime", () => spawnPRuntime(["--data-dir", join(base.path, "pruntime")])],
    ["node", () => spawnNode(["--dev"])],
  ])("%s stops gracefully on SIGTERM, and a second one while it stops changes nothing", async (_role, start) => {
    const role = await start();
    role.child.kill("SIGTERM");
    const shuttingDown = () => role.logs.some((record) => record["msg"] === "shutting down");
    while (!shuttingDown() && role.child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 1));
    role.child.kill("SIGTERM");
    expect(await role.exited).toBe(0);
    expect(shuttingDown()).toBe(true);
  });
});
