import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type ChildEvent, SupervisedProcess } from "../../packages/cli/src/devnet/supervisedProcess.js";
import { until } from "./chainHelpers.test-util.js";
import { running } from "./devnetProcess.test-util.js";
import { tempBasePath } from "./nodeProcess.test-util.js";

/** The devnet's supervision of one real `phala pruntime`: first-start failures, restarts, stop. */
describe("SupervisedProcess", () => {
  const base = tempBasePath();
  const supervised: SupervisedProcess[] = [];
  afterAll(async () => {
    for (const child of supervised) child.kill();
    base.remove();
  });

  const pruntime = (name: string, port: () => number, events: ChildEvent[] = []) => {
    const child = new SupervisedProcess({
      name: "w1",
      logFile: join(base.path, `${name}.log`),
      command: () => ({ args: ["pruntime", "--data-dir", join(base.path, name), "--port", String(port())] }),
      onEvent: (event) => events.push(event),
      backoff: { initialMs: 100 },
      stopTimeoutMs: 5000,
    });
    supervised.push(child);
    return child;
  };

  it("rejects a first start that exits before it is ready, with the child's own error", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const child = pruntime("taken", () => port);
    const error = await child.start().catch((e: unknown) => e);
    server.close();
    expect(error).toMatchObject({ code: "DEVNET_PROCESS_FAILED", details: { process: "w1" } });
    expect((error as Error).message).toMatch(/^w1 exited \(code \d+\) before it was ready/);
    expect(readFileSync(join(base.path, "taken.log"), "utf8")).toContain("EADDRINUSE");
    expect(child.pid).toBeUndefined();
  }, 30_000);

  it("restarts a child killed with -9 on the same port, restarts it on request, and stops it", async () => {
    const events: ChildEvent[] = [];
    let port = 0;
    const child = pruntime("w1", () => port, events);
    await child.start();
    port = Number(new URL(child.url!).port);
    const first = child.pid!;
    expect(events).toEqual([{ type: "ready", name: "w1", pid: first, url: child.url, restart: 0 }]);

    process.kill(first, "SIGKILL");
    await until(
      async () => (events.some((event) => event.type === "ready" && event.restart === 1) ? true : undefined),
      20_000,
      "the restart",
    );
    expect(events.slice(1)).toEqual([
      expect.objectContaining({ type: "exited", pid: first, how: "signal SIGKILL", wasReady: true, restartInMs: 100 }),
      {
        type: "ready",
        name: "w1",
        pid: child.pid,
        url: `http://127.0.0.1:${port}`,
        restart: 1,
        after: "signal SIGKILL",
      },
    ]);
    expect(running(first)).toBe(false);

    const second = child.pid!;
    await child.restart();
    expect(child.pid).not.toBe(second);
    expect(events.at(-1)).toEqual({ type: "ready", name: "w1", pid: child.pid, url: child.url, restart: 1 });
    expect(events.filter((event) => event.type === "exited")).toHaveLength(1);

    const third = child.pid!;
    await child.stop();
    expect(child.pid).toBeUndefined();
    expect(running(third)).toBe(false);
    await expect(child.whenReady()).rejects.toMatchObject({ code: "DEVNET_STOPPED" });
    // Its log holds every run's lines.
    expect(readFileSync(join(base.path, "w1.log"), "utf8").match(/"msg":"ready"/g)).toHaveLength(3);
  }, 60_000);
});
