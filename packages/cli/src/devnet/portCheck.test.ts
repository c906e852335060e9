import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { assertPortsFree, portInUse } from "./portCheck.js";

describe("port checks", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  });
  const listen = async (): Promise<number> => {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return (server.address() as { port: number }).port;
  };

  it("sees a port in use, a free one, and never port 0", async () => {
    const taken = await listen();
    expect(await portInUse(taken, "127.0.0.1")).toBe(true);
    servers.pop()!.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await portInUse(taken, "127.0.0.1")).toBe(false);
    expect(await portInUse(0, "127.0.0.1")).toBe(false);
  });

  it("names the first port taken, whose it is and the flag that moves it", async () => {
    const taken = await listen();
    const wanted = [
      { port: 0, owner: "the node's RPC", flag: "--rpc-port" },
      { port: taken, owner: "the w1 pRuntime's API", flag: "--pruntime-port" },
    ];
    const error = await assertPortsFree(wanted, "127.0.0.1").catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "DEVNET_PORT_IN_USE",
      details: { port: taken, owner: "the w1 pRuntime's API", flag: "--pruntime-port" },
    });
    expect((error as Error).message).toContain(`port ${taken}`);
    expect((error as Error).message).toContain("--pruntime-port");
    await assertPortsFree([wanted[0]!], "127.0.0.1");
  });
});
